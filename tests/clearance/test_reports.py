"""Progress reports: submit, sign off, correct as versions, and stay inside one's own area."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from clearance.demo import vsip_phase_1
from clearance.models import ProgressReport
from clearance.services.reports import ConflictError, report_accept, report_correct, report_return, report_submit
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    PhaseFactory,
    ProgressReportFactory,
    ProvinceFactory,
    SourceFactory,
    StaffProfileFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import AdminUnit, StaffProfile, UnitSuccession

LIST = reverse("clearance:report_list")
NEW = reverse("clearance:report_new")
DAY = datetime.date(2025, 3, 10)  # a Monday before the 2025 reform, when legacy units report


def detail_url(report):
    return reverse("clearance:report_detail", args=[report.pk])


def correct_url(report):
    return reverse("clearance:report_correct", args=[report.pk])


def review_url(report):
    return reverse("clearance:report_review", args=[report.pk])


def vi(message, **values):
    """A message as a Vietnamese user reads it (the msgid until the catalogue has it)."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def html_of(response):
    return response.content.decode()


def unescaped(html):
    return html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def options(html, name):
    """The values offered by the <select> of that name."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, flags=re.S).group(1)
    return {int(value) for value in re.findall(r'<option value="(\d+)"', select)}


def input_tag(html, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def all_reports_section(html):
    """The list below the sign-off queue."""
    return html.split(vi("All reports"), 1)[1]


def snapshot(report):
    report.refresh_from_db()
    return (report.status, report.reviewed_by_id, report.reviewed_at, report.review_note, report.cases_counted)


# --- a small province: Hữu Lũng (with VSIP) and Cao Lộc (with a cluster) ------------------------


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    province = ProvinceFactory()
    w.huu_lung = DistrictFactory(code=186, name="Huyện Hữu Lũng", parent=province)
    w.ho_son = CommuneFactory(code=6451, name="Xã Hồ Sơn", parent=w.huu_lung)
    w.hoa_thang = CommuneFactory(code=6460, name="Xã Hòa Thắng", parent=w.huu_lung)
    w.huu_lung_2025 = CommuneFactory(
        code=6385,
        name="Xã Hữu Lũng",
        parent=province,
        structure=AdminUnit.Structure.CURRENT,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=None,
    )
    UnitSuccession.objects.create(old=w.ho_son, new=w.huu_lung_2025)
    w.cao_loc = DistrictFactory(code=183, name="Huyện Cao Lộc", parent=province)
    w.hop_thanh = CommuneFactory(code=5980, name="Xã Hợp Thành", parent=w.cao_loc)
    w.vsip = PhaseFactory(
        zone=ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=w.huu_lung, investor=InvestorFactory(name="VSIP")),
        area_ha=Decimal("200"),
    )
    w.cluster = PhaseFactory(
        zone=ZoneFactory(name="Cụm công nghiệp Hợp Thành 1", kind="ccn", unit=w.cao_loc), area_ha=Decimal("50")
    )
    w.huu_lung_staff = local_staff("hl_staff", w.huu_lung)
    w.huu_lung_colleague = local_staff("hl_colleague", w.huu_lung)
    w.cao_loc_staff = local_staff("cl_staff", w.cao_loc)
    w.officer = officer("officer_a")
    w.second_officer = officer("officer_b")
    w.investor = UserFactory(username="vsip_reader")
    StaffProfileFactory(user=w.investor, role=StaffProfile.Role.INVESTOR, investor=w.vsip.zone.investor)
    return w


def local_staff(username, *units):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=list(units))
    return user


def officer(username):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    return user


def form_data(world, **overrides):
    data = {
        "phase": world.vsip.pk,
        "unit": world.ho_son.pk,
        "reported_on": DAY.strftime("%d/%m/%Y"),
        "cases_total": "495",
        "cases_counted": "495",
        "area_counted_ha": "150,5",
        "plans_approved_cases": "440",
        "plans_approved_vnd": "300.000.000.000",
        "cases_paid": "433",
        "amount_paid_vnd": "291.290.000.000",
        "area_handed_over_ha": "127,49",
        "graves_relocated": "12",
        "resettlement_plots_allocated": "3",
        "obstacles": "Ba hộ chưa đồng ý giá bồi thường.",
        "proposals": "Đề nghị tỉnh hỗ trợ kinh phí di dời mồ mả.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submitted(world, user=None, **figures):
    """A report the unit submitted through the portal, as the services make it."""
    figures = {"cases_total": 495, "cases_counted": 490, "area_handed_over_ha": Decimal("57"), **figures}
    return report_submit(
        user=user or world.huu_lung_staff, phase=world.vsip, unit=world.ho_son, reported_on=DAY, **figures
    )


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- access -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    report = submitted(world)
    for url in (LIST, NEW, detail_url(report), correct_url(report)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(review_url(report), {"action": "accept"})
    assert response.status_code == 302
    assert snapshot(report)[0] == ProgressReport.Status.SUBMITTED


def test_the_form_offers_only_the_phases_and_units_the_user_covers(as_user, world):
    response = as_user(world.huu_lung_staff).get(NEW)
    assert response.status_code == 200
    html = html_of(response)
    assert options(html, "phase") == {world.vsip.pk}
    assert options(html, "unit") == {
        unit.pk for unit in (world.huu_lung, world.ho_son, world.hoa_thang, world.huu_lung_2025)
    }
    # Phone keyboards: digits for counts and đồng, a decimal key for hectares.
    assert 'inputmode="numeric"' in input_tag(html, "cases_counted")
    assert 'inputmode="numeric"' in input_tag(html, "amount_paid_vnd")
    assert 'inputmode="decimal"' in input_tag(html, "area_handed_over_ha")
    assert 'placeholder="dd/mm/yyyy"' in input_tag(html, "reported_on")
    # Vietnamese unless the user switches, labels included.
    assert '<html lang="vi">' in html
    assert vi("Figures as of") in html


def test_huu_lung_staff_submits_survey_counts_for_vsip(as_user, world):
    response = as_user(world.huu_lung_staff).post(NEW, form_data(world))
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(report)
    assert report.phase == world.vsip
    assert report.unit == world.ho_son
    assert report.reported_on == DAY
    assert report.reported_by == world.huu_lung_staff
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.corrects is None
    assert (report.cases_total, report.cases_counted, report.plans_approved_cases, report.cases_paid) == (
        495,
        495,
        440,
        433,
    )
    assert report.area_counted_ha == Decimal("150.5")
    assert report.area_handed_over_ha == Decimal("127.49")
    assert report.plans_approved_vnd == 300_000_000_000
    assert report.amount_paid_vnd == 291_290_000_000
    assert (report.graves_relocated, report.resettlement_plots_allocated) == (12, 3)
    assert report.obstacles == "Ba hộ chưa đồng ý giá bồi thường."
    # Dated and sourced: the unit's report as of that day, published by its people's committee.
    assert report.source.title == "Báo cáo tiến độ GPMB của xã Hồ Sơn (mã 6451)"
    assert report.source.published_on == DAY
    assert report.source.publisher == "UBND xã Hồ Sơn"
    record = report.history.get()
    assert record.history_user == world.huu_lung_staff
    assert record.history_change_reason

    page = html_of(as_user(world.huu_lung_staff).get(response["Location"]))
    assert "291.290.000.000 ₫" in page
    assert "127,49 ha" in page
    assert "Báo cáo tiến độ GPMB của xã Hồ Sơn (mã 6451)" in page


def test_a_second_report_of_the_unit_that_day_shares_its_source(world):
    first = submitted(world)
    second = report_submit(
        user=world.huu_lung_colleague, phase=world.vsip, unit=world.ho_son, reported_on=DAY, cases_counted=491
    )
    other_day = report_submit(
        user=world.huu_lung_staff,
        phase=world.vsip,
        unit=world.ho_son,
        reported_on=DAY + datetime.timedelta(days=7),
        cases_counted=492,
    )
    assert second.source_id == first.source_id
    assert other_day.source_id != first.source_id
    assert ProgressReport.objects.count() == 3


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


# --- sign-off -----------------------------------------------------------------------------------


def test_officer_accepts_a_report(as_user, world):
    report = submitted(world)
    client = as_user(world.officer)
    page = html_of(client.get(detail_url(report)))
    assert review_url(report) in page
    response = client.post(review_url(report), {"action": "accept", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == detail_url(report)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    assert report.reviewed_by == world.officer
    assert abs(timezone.now() - report.reviewed_at) < datetime.timedelta(minutes=1)
    latest = report.history.latest()
    assert latest.history_user == world.officer
    assert latest.history_change_reason == gettext("Accepted") or latest.history_change_reason == vi("Accepted")
    page = html_of(client.get(detail_url(report)))
    assert review_url(report) not in page
    assert "officer_a" in page


def test_returning_needs_a_reason(as_user, world):
    report = submitted(world)
    before = snapshot(report)
    client = as_user(world.officer)
    response = client.post(review_url(report), {"action": "return", "reason": "   "})
    assert response.status_code == 200
    assert vi("Say why the report is returned, so the unit knows what to correct.") in unescaped(html_of(response))
    assert snapshot(report) == before

    response = client.post(review_url(report), {"action": "return", "reason": "Số hộ đã chi trả chưa khớp bảng kê."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.review_note == "Số hộ đã chi trả chưa khớp bảng kê."
    assert report.reviewed_by == world.officer
    assert "Số hộ đã chi trả chưa khớp bảng kê." in report.history.latest().history_change_reason
    with pytest.raises(Exception):  # noqa: B017 - the service refuses a blank reason too
        report_return(user=world.second_officer, report=submitted(world), reason="")


def test_a_second_officer_reviewing_a_reviewed_report_gets_a_conflict(as_user, world):
    report = submitted(world)
    report_accept(user=world.officer, report=report)
    before = snapshot(report)
    response = as_user(world.second_officer).post(review_url(report), {"action": "return", "reason": "Sai số liệu."})
    assert response.status_code == 409
    html = unescaped(html_of(response))
    assert "officer_a" in html
    assert snapshot(report) == before
    assert report.history.count() == 2


def test_an_admin_cannot_sign_off_a_report_they_entered(world):
    admin = UserFactory(username="admin_x", is_superuser=True, is_staff=True)
    report = report_submit(user=admin, phase=world.vsip, unit=world.ho_son, reported_on=DAY, cases_counted=3)
    with pytest.raises(PermissionDenied):
        report_accept(user=admin, report=report)
    assert snapshot(report)[0] == ProgressReport.Status.SUBMITTED


# --- corrections ----------------------------------------------------------------------------------


def test_correcting_keeps_the_old_version_and_links_both(as_user, world):
    old = submitted(world)
    client = as_user(world.huu_lung_colleague)
    form = client.get(correct_url(old))
    assert form.status_code == 200
    assert 'value="490"' in html_of(form)  # prefilled with the current figures
    response = client.post(correct_url(old), form_data(world, cases_counted="493", area_handed_over_ha="60"))
    new = ProgressReport.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(new)
    assert new.corrects == old
    assert new.status == ProgressReport.Status.SUBMITTED
    assert new.reported_by == world.huu_lung_colleague
    assert (new.phase, new.unit, new.cases_counted, new.area_handed_over_ha) == (
        world.vsip,
        world.ho_son,
        493,
        Decimal("60"),
    )
    old.refresh_from_db()
    assert (old.cases_counted, old.status, old.history.count()) == (490, ProgressReport.Status.SUBMITTED, 1)

    old_page = html_of(client.get(detail_url(old)))
    assert detail_url(new) in old_page
    new_page = html_of(client.get(detail_url(new)))
    assert detail_url(old) in new_page
    assert "493" in new_page and "490" in new_page  # this version beside the previous one


def test_a_corrected_version_leaves_the_sign_off_queue(as_user, world):
    old = submitted(world)
    new = report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=491)
    html = html_of(as_user(world.officer).get(LIST))
    queue = html.split(vi("All reports"))[0]
    assert detail_url(new) in queue
    assert detail_url(old) not in queue
    with pytest.raises(ConflictError) as refused:
        report_accept(user=world.officer, report=old)
    assert refused.value.current == new
    assert snapshot(old)[0] == ProgressReport.Status.SUBMITTED


def test_a_returned_report_is_corrected_by_a_new_submitted_version(as_user, world):
    old = submitted(world)
    report_return(user=world.officer, report=old, reason="Kiểm tra lại số hộ.")
    client = as_user(world.huu_lung_staff)
    form = html_of(client.get(correct_url(old)))
    assert "Kiểm tra lại số hộ." in form
    client.post(correct_url(old), form_data(world, cases_counted="480"))
    new = ProgressReport.objects.get(corrects=old)
    assert new.status == ProgressReport.Status.SUBMITTED
    assert snapshot(old)[0] == ProgressReport.Status.RETURNED
    report_accept(user=world.officer, report=new)
    assert snapshot(new)[0] == ProgressReport.Status.ACCEPTED


def test_a_second_correction_of_the_same_version_gets_the_conflict_page(as_user, world):
    old = submitted(world)
    theirs = report_correct(user=world.huu_lung_colleague, previous=old, reported_on=DAY, cases_counted=491)
    response = as_user(world.huu_lung_staff).post(correct_url(old), form_data(world, cases_counted="477"))
    assert response.status_code == 409
    html = unescaped(html_of(response))
    assert "hl_colleague" in html
    assert "491" in html and "477" in html  # their figures beside mine
    assert reverse("clearance:report_correct", args=[theirs.pk]) in html  # offer to correct theirs instead
    assert ProgressReport.objects.count() == 2
    assert ProgressReport.objects.get(corrects=old) == theirs
    with pytest.raises(ConflictError) as refused:
        report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=1)
    assert refused.value.current == theirs
    assert ProgressReport.objects.count() == 2


def test_opening_the_correction_of_a_corrected_version_leads_to_the_latest(as_user, world):
    old = submitted(world)
    middle = report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=491)
    latest = report_correct(user=world.huu_lung_staff, previous=middle, reported_on=DAY, cases_counted=492)
    response = as_user(world.huu_lung_staff).get(correct_url(old))
    assert response.status_code == 302
    assert response["Location"] == detail_url(latest)
    page = html_of(as_user(world.huu_lung_staff).get(detail_url(middle)))
    for version in (old, middle, latest):
        assert f"#{version.pk}" in page


def test_figures_of_a_published_source_are_not_corrected_here(as_user, world):
    article = ProgressReportFactory(
        phase=world.vsip, unit=world.huu_lung, source=SourceFactory(), status=ProgressReport.Status.ACCEPTED
    )
    client = as_user(world.huu_lung_staff)
    response = client.post(correct_url(article), form_data(world, cases_counted="1"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(article)
    assert ProgressReport.objects.count() == 1
    assert correct_url(article) not in html_of(client.get(detail_url(article)))


# --- bad input ------------------------------------------------------------------------------------


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cases_counted": "-1"}, "cases_counted", lambda w: vi("Enter zero or more.")),
        ({"area_handed_over_ha": "-0,5"}, "area_handed_over_ha", lambda w: vi("Enter zero or more.")),
        ({"cases_paid": "bốn trăm"}, "cases_paid", lambda w: vi("Enter a whole number, for example 495.")),
        ({"cases_paid": "1,5"}, "cases_paid", lambda w: vi("Enter a whole number, for example 495.")),
        ({"area_counted_ha": "abc"}, "area_counted_ha", lambda w: vi("Enter an area in hectares, for example 127,49.")),
        (
            {"area_counted_ha": "1,234"},
            "area_counted_ha",
            lambda w: vi("Give hectares with at most two decimals, for example 127,49."),
        ),
        (
            {"amount_paid_vnd": "291 tỷ"},
            "amount_paid_vnd",
            lambda w: vi("Enter an amount in whole đồng, for example 291.290.000.000."),
        ),
        (
            {"reported_on": "2025-13-45"},
            "reported_on",
            lambda w: vi("Enter the date as dd/mm/yyyy, for example 10/03/2025."),
        ),
        ({"phase": ""}, "phase", lambda w: vi("This field is required.")),
        (
            {"cases_total": "400", "cases_counted": "401"},
            "cases_counted",
            lambda w: vi(
                "Cases counted (%(counted)s) cannot exceed the affected cases (%(total)s).", counted="401", total="400"
            ),
        ),
        (
            {"plans_approved_cases": "433", "cases_paid": "434"},
            "cases_paid",
            lambda w: vi(
                "Cases paid (%(paid)s) cannot exceed the cases whose plan is approved (%(approved)s).",
                paid="434",
                approved="433",
            ),
        ),
        (
            {"area_counted_ha": "250", "area_handed_over_ha": "200,01"},
            "area_handed_over_ha",
            lambda w: vi(
                "The area handed over (%(handed)s) cannot exceed the area of %(phase)s (%(area)s).",
                handed="200,01 ha",
                phase=str(w.vsip),
                area="200 ha",
            ),
        ),
        (
            {"area_counted_ha": "100", "area_handed_over_ha": "100,5"},
            "area_handed_over_ha",
            lambda w: vi(
                "Land is handed over only after it is counted: the area handed over (%(handed)s) cannot "
                "exceed the area counted (%(counted)s).",
                handed="100,5 ha",
                counted="100 ha",
            ),
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(as_user, world, overrides, field, message):
    response = as_user(world.huu_lung_staff).post(NEW, form_data(world, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message(world) in errors[field]
    assert message(world) in unescaped(html_of(response))
    assert ProgressReport.objects.count() == 0


def test_figures_cannot_be_dated_in_the_future(as_user, world):
    client = as_user(world.huu_lung_staff)
    today = timezone.localdate()
    data = form_data(world, unit=world.huu_lung_2025.pk, reported_on=tomorrow().strftime("%d/%m/%Y"))
    response = client.post(NEW, data)
    assert response.status_code == 200
    expected = vi("The figures cannot be dated after today (%(today)s).", today=today.strftime("%d/%m/%Y"))
    assert response.context["form"].errors["reported_on"] == [expected]
    assert ProgressReport.objects.count() == 0
    # Today is the boundary, and allowed.
    response = client.post(NEW, dict(data, reported_on=today.strftime("%d/%m/%Y")))
    assert response.status_code == 302
    assert ProgressReport.objects.get().reported_on == today


def test_boundaries_are_accepted(as_user, world):
    data = form_data(
        world,
        cases_total="495",
        cases_counted="495",
        plans_approved_cases="495",
        cases_paid="495",
        plans_approved_vnd="1.000",
        amount_paid_vnd="1.000",
        area_counted_ha="200",
        area_handed_over_ha="200",
        graves_relocated="0",
    )
    response = as_user(world.huu_lung_staff).post(NEW, data)
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.cases_paid, report.amount_paid_vnd, report.area_handed_over_ha) == (495, 1000, Decimal("200"))
    assert report.graves_relocated == 0  # zero is a figure, not "unknown"
    assert report.resettlement_plots_allocated == 3


def test_an_empty_report_is_refused(as_user, world):
    data = {"phase": world.vsip.pk, "unit": world.ho_son.pk, "reported_on": DAY.strftime("%d/%m/%Y")}
    response = as_user(world.huu_lung_staff).post(NEW, data)
    assert response.status_code == 200
    assert vi("Enter at least one figure, obstacle or proposal.") in response.context["form"].non_field_errors()
    assert ProgressReport.objects.count() == 0


def test_a_legacy_unit_cannot_report_figures_after_the_reform(as_user, world):
    after = datetime.date(2025, 7, 7)
    response = as_user(world.huu_lung_staff).post(NEW, form_data(world, reported_on=after.strftime("%d/%m/%Y")))
    assert response.status_code == 200
    expected = vi(
        "%(unit)s ceased to exist after %(end)s: report figures as of %(day)s under the commune that took its place.",
        unit="Xã Hồ Sơn",
        end="30/06/2025",
        day="07/07/2025",
    )
    assert response.context["form"].errors["unit"] == [expected]
    # The 2025 commune that took its place is offered to the same account, and accepted.
    response = as_user(world.huu_lung_staff).post(
        NEW, form_data(world, unit=world.huu_lung_2025.pk, reported_on=after.strftime("%d/%m/%Y"))
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get().unit == world.huu_lung_2025


def test_a_correction_with_bad_figures_writes_nothing(as_user, world):
    old = submitted(world)
    response = as_user(world.huu_lung_staff).post(correct_url(old), form_data(world, cases_counted="-3"))
    assert response.status_code == 200
    assert vi("Enter zero or more.") in response.context["form"].errors["cases_counted"]
    assert ProgressReport.objects.count() == 1


# --- the list -------------------------------------------------------------------------------------


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


# --- the real province ----------------------------------------------------------------------------


def test_huu_lung_staff_records_a_week_for_vsip_phase_1_and_the_province_signs_it_off(client, db):
    call_command("load_lang_son", stdout=io.StringIO())
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
