"""The list of progress reports: filters, the sign-off queue, and a query count that does not grow."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clearance.services.reports import report_accept, report_correct, report_submit
from tests.clearance.reports.helpers import DAY, LIST, all_reports_section, detail_url, html_of, submitted, vi


def test_the_list_filters_by_status_phase_and_unit(as_user, world):
    accepted = submitted(world)
    report_accept(user=world.officer, report=accepted)
    waiting = report_submit(
        user=world.huu_lung_staff, phase=world.vsip, unit=world.hoa_thang, reported_on=DAY, cases_counted=5
    )
    client = as_user(world.officer)
    html = all_reports_section(html_of(client.get(LIST, {"status": "accepted"})))
    assert detail_url(accepted) in html and detail_url(waiting) not in html
    html = all_reports_section(html_of(client.get(LIST, {"unit": world.hoa_thang.pk})))
    assert detail_url(waiting) in html and detail_url(accepted) not in html
    html = all_reports_section(html_of(client.get(LIST, {"phase": world.cluster.pk})))
    assert detail_url(waiting) not in html and detail_url(accepted) not in html


def test_only_sign_off_roles_see_the_queue(as_user, world):
    report = submitted(world)
    officer_page = html_of(as_user(world.officer).get(LIST))
    queue_title = vi("Awaiting your sign-off: %(counter)s report").split(":")[0]
    assert queue_title in officer_page
    staff_page = html_of(as_user(world.huu_lung_staff).get(LIST))
    assert queue_title not in staff_page
    assert detail_url(report) in staff_page


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_reports(as_user, world):
    client = as_user(world.officer)

    def make(count):
        for number in range(count):
            report = submitted(world, cases_counted=number)
            if number % 3 == 0:
                report_accept(user=world.officer, report=report)
            elif number % 3 == 1:
                report_correct(user=world.huu_lung_colleague, previous=report, reported_on=DAY, cases_counted=number)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    make(27)
    assert queries() == few
