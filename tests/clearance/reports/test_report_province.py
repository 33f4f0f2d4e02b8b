"""A progress report of the real province, from Hữu Lũng's staff to the provincial sign-off."""

from django.utils import timezone

from clearance.demo import vsip_phase_1
from clearance.models import ProgressReport
from tests.clearance.reports.helpers import LIST, NEW, detail_url, html_of, local_staff, officer, review_url
from zones.models import AdminUnit


def test_huu_lung_staff_records_a_week_for_vsip_phase_1_and_the_province_signs_it_off(client, lang_son):
    phase = vsip_phase_1()
    huu_lung = AdminUnit.objects.legacy().get(code=186)
    commune = AdminUnit.objects.current().get(code=6385)  # Xã Hữu Lũng, which took in Xã Hồ Sơn
    staff = local_staff("huu_lung", huu_lung)
    cao_loc = local_staff("cao_loc", AdminUnit.objects.legacy().get(code=183))
    province = officer("province")
    today = timezone.localdate()

    client.force_login(staff)
    page = html_of(client.get(NEW))
    assert f'<option value="{phase.pk}" selected>' in page  # the only phase the account sees
    response = client.post(
        NEW,
        {
            "phase": phase.pk,
            "unit": commune.pk,
            "reported_on": today.strftime("%d/%m/%Y"),
            "cases_counted": "495",
            "cases_paid": "433",
            "plans_approved_cases": "440",
            "amount_paid_vnd": "291.290.000.000",
            "area_handed_over_ha": "127,49",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(reported_by=staff)
    assert (report.phase, report.unit, report.status) == (phase, commune, ProgressReport.Status.SUBMITTED)

    client.force_login(cao_loc)
    assert client.get(detail_url(report)).status_code == 404
    assert client.post(review_url(report), {"action": "accept"}).status_code == 404

    client.force_login(province)
    assert detail_url(report) in html_of(client.get(LIST))
    assert client.post(review_url(report), {"action": "accept"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ProgressReport.Status.ACCEPTED, province)
    # The article's own figures are untouched beside it.
    article = ProgressReport.objects.get(reported_by__isnull=True)
    assert (article.cases_counted, article.status) == (490, ProgressReport.Status.ACCEPTED)
