"""Progress reports stay inside one's own area and role: logins, 404s outside it, 403s for the wrong role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clearance.models import ProgressReport
from clearance.services.reports import report_accept, report_submit
from tests.clearance.reports.helpers import (
    DAY,
    LIST,
    NEW,
    correct_url,
    detail_url,
    form_data,
    html_of,
    review_url,
    snapshot,
    submitted,
    unescaped,
    vi,
)
from tests.factories import ProgressReportFactory


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    report = submitted(world)
    for url in (LIST, NEW, detail_url(report), correct_url(report)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(review_url(report), {"action": "accept"})
    assert response.status_code == 302
    assert snapshot(report)[0] == ProgressReport.Status.SUBMITTED


def test_cao_loc_staff_cannot_submit_for_a_huu_lung_unit(as_user, world):
    client = as_user(world.cao_loc_staff)
    response = client.post(NEW, form_data(world, phase=world.cluster.pk, unit=world.ho_son.pk))
    assert response.status_code == 200
    assert vi("Select a valid choice. That choice is not one of the available choices.") in unescaped(html_of(response))
    response = client.post(NEW, form_data(world, phase=world.vsip.pk, unit=world.hop_thanh.pk))
    assert response.status_code == 200
    assert ProgressReport.objects.count() == 0
    # The service refuses as well, whoever calls it.
    with pytest.raises(PermissionDenied):
        report_submit(user=world.cao_loc_staff, phase=world.vsip, unit=world.ho_son, reported_on=DAY, cases_counted=1)
    assert ProgressReport.objects.count() == 0


def test_cao_loc_staff_gets_404_on_huu_lung_reports_and_changes_nothing(as_user, world):
    report = submitted(world)
    before = snapshot(report)
    client = as_user(world.cao_loc_staff)
    assert client.get(detail_url(report)).status_code == 404
    assert client.get(correct_url(report)).status_code == 404
    assert client.post(correct_url(report), form_data(world, cases_counted="1")).status_code == 404
    assert client.post(review_url(report), {"action": "accept"}).status_code == 404
    response = client.get(LIST)
    assert response.status_code == 200
    assert detail_url(report) not in html_of(response)
    assert snapshot(report) == before
    assert ProgressReport.objects.count() == 1


def test_other_areas_officer_actions_are_404_for_local_staff_of_another_area(as_user, world):
    cluster_report = ProgressReportFactory(phase=world.cluster, unit=world.hop_thanh)
    client = as_user(world.huu_lung_staff)
    assert client.get(detail_url(cluster_report)).status_code == 404
    assert client.post(review_url(cluster_report), {"action": "return", "reason": "x"}).status_code == 404
    assert snapshot(cluster_report)[0] == ProgressReport.Status.SUBMITTED


@pytest.mark.parametrize("username", ["officer_a", "vsip_reader"])
def test_officers_and_investors_read_reports_but_cannot_submit_or_correct(as_user, world, username):
    report = submitted(world)
    client = as_user(type(world.officer).objects.get(username=username))
    assert client.get(detail_url(report)).status_code == 200
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(world)).status_code == 403
    assert client.get(correct_url(report)).status_code == 403
    assert client.post(correct_url(report), form_data(world, cases_counted="1")).status_code == 403
    assert ProgressReport.objects.count() == 1


def test_local_staff_and_investors_cannot_sign_off(as_user, world):
    report = submitted(world)
    before = snapshot(report)
    for user in (world.huu_lung_colleague, world.investor):
        response = as_user(user).post(review_url(report), {"action": "accept"})
        assert response.status_code == 403
    assert snapshot(report) == before
    with pytest.raises(PermissionDenied):
        report_accept(user=world.huu_lung_colleague, report=report)
    assert snapshot(report) == before


def test_pages_answer_only_their_methods(as_user, world):
    report = submitted(world)
    client = as_user(world.officer)
    assert client.get(review_url(report)).status_code == 405
    assert client.post(LIST).status_code == 405
    assert client.post(detail_url(report)).status_code == 405
    assert snapshot(report)[0] == ProgressReport.Status.SUBMITTED
