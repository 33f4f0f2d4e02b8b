"""Submitting a progress report through the form: what it offers, what it stores, and bad input refused."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clearance.models import ProgressReport
from clearance.services.reports import report_submit
from tests.clearance.reports.helpers import (
    DAY,
    NEW,
    detail_url,
    form_data,
    html_of,
    input_tag,
    options,
    submitted,
    unescaped,
    vi,
)


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
