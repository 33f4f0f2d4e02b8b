"""Progress reports at their edges: refusals only a direct caller of the services can meet, the rules
the form and the services share, the "latest versions" filter, and how cases recorded under a
2025 commune or a legacy district are grouped beside the reports."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from clearance.models import ProgressReport
from clearance.services.reports import report_correct, report_submit
from tests.clearance.reports.helpers import (
    DAY,
    LIST,
    NEW,
    all_reports_section,
    correct_url,
    detail_url,
    form_data,
    html_of,
    options,
    snapshot,
    submitted,
    unescaped,
    vi,
)
from tests.factories import CaseFactory, ProgressReportFactory, ProvinceFactory, SourceFactory, UserFactory

BREAKDOWN = reverse("clearance:progress_breakdown")


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def stored():
    """Every report row and every history record: what a refusal must leave as it was."""
    return (
        sorted(ProgressReport.objects.values_list("pk", "status", "cases_counted", "corrects_id")),
        ProgressReport.history.count(),
    )


# --- rules the form and the services share, as the form shows them ---------------------------------


def test_a_2025_commune_cannot_report_figures_dated_before_the_reform(as_user, world):
    client = as_user(world.huu_lung_staff)
    response = client.post(NEW, form_data(world, unit=world.huu_lung_2025.pk))  # figures as of 10/03/2025
    assert response.status_code == 200
    expected = vi(
        "%(unit)s exists only from %(start)s: report earlier figures under the unit of that time.",
        unit="Xã Hữu Lũng",
        start="01/07/2025",
    )
    assert response.context["form"].errors["unit"] == [expected]
    assert expected in unescaped(html_of(response))
    assert ProgressReport.objects.count() == 0

    # A correction keeps its unit, so the same rule speaks about its date.
    today = timezone.localdate()
    report = report_submit(
        user=world.huu_lung_staff, phase=world.vsip, unit=world.huu_lung_2025, reported_on=today, cases_counted=490
    )
    before = stored()
    response = client.post(correct_url(report), form_data(world, cases_counted="491"))
    assert response.status_code == 200
    assert response.context["form"].errors["reported_on"] == [expected]
    assert stored() == before


def test_a_2025_commune_reporting_before_the_reform_is_told_so_in_english(english, as_user, world):
    response = as_user(world.huu_lung_staff).post(NEW, form_data(world, unit=world.huu_lung_2025.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "Xã Hữu Lũng exists only from 01/07/2025: report earlier figures under the unit of that time."
    ]
    assert ProgressReport.objects.count() == 0


def test_an_amount_paid_above_the_approved_plans_is_refused(as_user, world):
    client = as_user(world.huu_lung_staff)
    response = client.post(
        NEW, form_data(world, plans_approved_vnd="300.000.000.000", amount_paid_vnd="300.000.000.001")
    )
    assert response.status_code == 200
    expected = vi(
        "The amount paid (%(paid)s) cannot exceed the amount of the approved plans (%(approved)s).",
        paid="300.000.000.001 ₫",
        approved="300.000.000.000 ₫",
    )
    assert response.context["form"].errors["amount_paid_vnd"] == [expected]
    assert expected in unescaped(html_of(response))
    assert ProgressReport.objects.count() == 0


def test_an_amount_paid_above_the_approved_plans_is_refused_in_english(english, as_user, world):
    # English pages read numbers the English way: commas between thousands.
    data = {
        "phase": world.vsip.pk,
        "unit": world.ho_son.pk,
        "reported_on": DAY.strftime("%d/%m/%Y"),
        "plans_approved_vnd": "300,000,000,000",
        "amount_paid_vnd": "300,000,000,001",
    }
    response = as_user(world.huu_lung_staff).post(NEW, data)
    assert response.status_code == 200
    assert response.context["form"].errors["amount_paid_vnd"] == [
        "The amount paid (300,000,000,001 ₫) cannot exceed the amount of the approved plans (300,000,000,000 ₫)."
    ]
    assert ProgressReport.objects.count() == 0


# --- the services refuse whoever calls them ---------------------------------------------------------


def test_a_province_is_not_a_reporting_unit_even_for_an_administrator(client, world):
    province = ProvinceFactory()
    admin = UserFactory(username="admin_x", is_superuser=True, is_staff=True)
    client.force_login(admin)
    # The form does not offer the province, and refuses it when posted anyway.
    assert province.pk not in options(html_of(client.get(NEW)), "unit")
    response = client.post(NEW, form_data(world, unit=province.pk))
    assert response.status_code == 200
    assert vi("Select a valid choice. That choice is not one of the available choices.") in unescaped(html_of(response))
    # The service refuses it as well, with the reason.
    with pytest.raises(ValidationError) as refused:
        report_submit(user=admin, phase=world.vsip, unit=province, reported_on=DAY, cases_counted=490)
    assert refused.value.message_dict == {
        "unit": [vi("Reports are made by a district or a commune, not by %(unit)s.", unit="Tỉnh Lạng Sơn")]
    }
    assert ProgressReport.objects.count() == 0


def test_the_service_refuses_figures_that_do_not_hold_together(world):
    with pytest.raises(ValidationError) as refused:
        report_submit(
            user=world.huu_lung_staff,
            phase=world.vsip,
            unit=world.ho_son,
            reported_on=DAY,
            plans_approved_cases=433,
            cases_paid=434,
            plans_approved_vnd=1_000,
            amount_paid_vnd=1_001,
        )
    assert refused.value.message_dict == {
        "cases_paid": [
            vi(
                "Cases paid (%(paid)s) cannot exceed the cases whose plan is approved (%(approved)s).",
                paid="434",
                approved="433",
            )
        ],
        "amount_paid_vnd": [
            vi(
                "The amount paid (%(paid)s) cannot exceed the amount of the approved plans (%(approved)s).",
                paid="1.001 ₫",
                approved="1.000 ₫",
            )
        ],
    }
    assert ProgressReport.objects.count() == 0


def test_the_service_refuses_a_report_without_any_figure(world):
    previous = submitted(world)
    before = stored()
    expected = {"__all__": [vi("Enter at least one figure, obstacle or proposal.")]}
    with pytest.raises(ValidationError) as refused:
        report_submit(user=world.huu_lung_staff, phase=world.vsip, unit=world.ho_son, reported_on=DAY)
    assert refused.value.message_dict == expected
    with pytest.raises(ValidationError) as refused:
        report_correct(user=world.huu_lung_colleague, previous=previous, reported_on=DAY, obstacles="")
    assert refused.value.message_dict == expected
    with pytest.raises(ValidationError) as refused:  # spaces are no obstacle: they would be stored as ""
        report_submit(user=world.huu_lung_staff, phase=world.vsip, unit=world.ho_son, reported_on=DAY, obstacles="   ")
    assert refused.value.message_dict == expected
    assert stored() == before


@pytest.mark.parametrize(
    "language, area, amount, hint",
    [
        ("vi", "150,5", "291.290.000.000", "127,49"),
        ("en", "150.5", "291,290,000,000", "127.49"),
    ],
)
def test_the_form_shows_numbers_the_way_it_reads_them_in_each_language(as_user, world, language, area, amount, hint):
    client = as_user(world.huu_lung_staff, language)
    assert hint in html_of(client.get(NEW))
    data = form_data(world, area_counted_ha=area, plans_approved_vnd=amount, amount_paid_vnd="", area_handed_over_ha="")
    assert client.post(NEW, data).status_code == 302
    report = ProgressReport.objects.get()
    assert (report.area_counted_ha, report.plans_approved_vnd) == (Decimal("150.5"), 291_290_000_000)


def test_the_service_refuses_figures_dated_after_today(world):
    today = timezone.localdate()
    previous = report_submit(
        user=world.huu_lung_staff, phase=world.vsip, unit=world.huu_lung_2025, reported_on=today, cases_counted=490
    )
    before = stored()
    expected = {"reported_on": [vi("The figures cannot be dated after today.")]}
    with pytest.raises(ValidationError) as refused:
        report_submit(
            user=world.huu_lung_staff,
            phase=world.vsip,
            unit=world.huu_lung_2025,
            reported_on=tomorrow(),
            cases_counted=491,
        )
    assert refused.value.message_dict == expected
    with pytest.raises(ValidationError) as refused:
        report_correct(user=world.huu_lung_colleague, previous=previous, reported_on=tomorrow(), cases_counted=491)
    assert refused.value.message_dict == expected
    assert stored() == before


def test_the_service_refuses_figures_dated_after_today_in_english(world):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        report_submit(
            user=world.huu_lung_staff,
            phase=world.vsip,
            unit=world.huu_lung_2025,
            reported_on=tomorrow(),
            cases_counted=491,
        )
    assert refused.value.message_dict == {"reported_on": ["The figures cannot be dated after today."]}
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize("username", ["officer_a", "vsip_reader"])
def test_officers_and_investors_cannot_submit_or_correct_through_the_service(world, username):
    user = type(world.officer).objects.get(username=username)
    previous = submitted(world)
    before = stored()
    expected = vi("Only local staff submit progress reports.")
    with pytest.raises(PermissionDenied, match=re.escape(expected)):
        report_submit(user=user, phase=world.vsip, unit=world.ho_son, reported_on=DAY, cases_counted=490)
    with pytest.raises(PermissionDenied, match=re.escape(expected)):
        report_correct(user=user, previous=previous, reported_on=DAY, cases_counted=491)
    assert stored() == before
    assert snapshot(previous)[0] == ProgressReport.Status.SUBMITTED


def test_figures_of_a_published_source_are_not_corrected_through_the_service_either(as_user, world):
    article = ProgressReportFactory(
        phase=world.vsip,
        unit=world.huu_lung,
        reported_on=DAY,
        source=SourceFactory(),
        status=ProgressReport.Status.ACCEPTED,
        cases_counted=490,
    )
    before = stored()
    with pytest.raises(PermissionDenied) as refused:
        report_correct(user=world.huu_lung_staff, previous=article, reported_on=DAY, cases_counted=495)
    assert str(refused.value) == vi(
        "This report comes from a published source, not from a unit: it is not corrected here."
    )
    assert stored() == before
    # The page says the same to the unit, and sends them back to the article's figures.
    response = as_user(world.huu_lung_staff).get(correct_url(article), follow=True)
    assert response.redirect_chain == [(detail_url(article), 302)]
    assert str(refused.value) in unescaped(html_of(response))
    assert stored() == before


def test_the_service_takes_no_status_or_reviewer_passed_as_a_figure(world):
    previous = submitted(world)
    before = stored()
    with pytest.raises(TypeError, match="not a report figure: status"):
        report_submit(
            user=world.huu_lung_staff,
            phase=world.vsip,
            unit=world.ho_son,
            reported_on=DAY,
            cases_counted=490,
            status=ProgressReport.Status.ACCEPTED,
        )
    with pytest.raises(TypeError, match="not a report figure: review_note, reviewed_by"):
        report_correct(
            user=world.huu_lung_colleague,
            previous=previous,
            reported_on=DAY,
            cases_counted=491,
            reviewed_by=world.officer,
            review_note="ok",
        )
    assert stored() == before


# --- the list: latest versions only -----------------------------------------------------------------


def test_the_latest_versions_filter_hides_versions_that_were_corrected(as_user, world):
    old = submitted(world)
    new = report_correct(user=world.huu_lung_colleague, previous=old, reported_on=DAY, cases_counted=493)
    other = report_submit(
        user=world.huu_lung_staff, phase=world.vsip, unit=world.hoa_thang, reported_on=DAY, cases_counted=5
    )
    client = as_user(world.officer)

    every = all_reports_section(html_of(client.get(LIST)))
    assert all(detail_url(report) in every for report in (old, new, other))

    latest = client.get(LIST, {"versions": "latest"})
    assert latest.status_code == 200
    html = all_reports_section(html_of(latest))
    assert detail_url(new) in html and detail_url(other) in html
    assert detail_url(old) not in html
    assert [report.pk for report in latest.context["table"].data] == sorted([new.pk, other.pk], reverse=True)


def test_local_staff_filtering_on_latest_versions_still_see_only_their_area(as_user, world):
    own = submitted(world)
    theirs = ProgressReportFactory(phase=world.cluster, unit=world.hop_thanh, reported_by=world.cao_loc_staff)
    response = as_user(world.huu_lung_staff).get(LIST, {"versions": "latest"})
    html = all_reports_section(html_of(response))
    assert detail_url(own) in html
    assert detail_url(theirs) not in html


# --- cases recorded after the reform, or under a district, beside the reports ----------------------


def breakdown_rows(client, by):
    """(area, recorded under, affected cases) of each row of the breakdown's CSV download."""
    response = client.get(BREAKDOWN, {"by": by, "_export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted((row[1], row[2], row[3]) for row in list(csv.reader(io.StringIO(text)))[1:])


def test_cases_recorded_under_a_2025_commune_are_grouped_with_the_communes_it_took_in(as_user, world):
    CaseFactory(phase=world.vsip, unit=world.ho_son)  # recorded before the reform
    CaseFactory(phase=world.vsip, unit=world.huu_lung_2025)  # recorded after it
    client = as_user(world.officer)
    # Xã Hồ Sơn became Xã Hữu Lũng: one row of the 2025 commune, with both cases.
    assert breakdown_rows(client, "commune") == [("Xã Hữu Lũng", "Xã Hồ Sơn, Xã Hữu Lũng", "2")]
    # Xã Hữu Lũng came from Xã Hồ Sơn, of Huyện Hữu Lũng: one row of that legacy district.
    assert breakdown_rows(client, "district") == [("Huyện Hữu Lũng", "Xã Hồ Sơn, Xã Hữu Lũng", "2")]


def test_cases_recorded_under_a_legacy_district_count_in_that_districts_row(as_user, world):
    CaseFactory(phase=world.vsip, unit=world.ho_son)
    CaseFactory(phase=world.vsip, unit=world.huu_lung)  # entered in the admin under the district itself
    client = as_user(world.officer)
    assert breakdown_rows(client, "district") == [("Huyện Hữu Lũng", "Huyện Hữu Lũng, Xã Hồ Sơn", "2")]
