"""The bottleneck lists against the same lists worked out in the test from the raw rows."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clearance.models import Case, Stage
from tests.clearance.bottlenecks.conftest import (
    TODAY,
    Expected,
    approved,
    build_mixed,
    case_codes,
    csv_dicts,
    csv_rows,
    days,
    local_staff,
    row_of,
)
from tests.factories import UserFactory

OVERDUE = reverse("clearance:bottleneck_overdue")
STUCK = reverse("clearance:bottleneck_stuck")
ENFORCEMENT = reverse("clearance:bottleneck_enforcement")
COMPLAINTS = reverse("clearance:bottleneck_complaints")
LISTS = (OVERDUE, STUCK, ENFORCEMENT, COMPLAINTS)


@pytest.fixture
def mixed(areas, fixed_today):
    fixed_today(TODAY)
    build_mixed(areas, 60)
    return areas


@pytest.fixture
def officer(english, user):
    english.force_login(user)
    return english


def download(client, url, **params):
    return csv_dicts(client.get(url, {"_export": "csv", **params}))


# --- overdue and late ----------------------------------------------------------------------------


def test_overdue_list_is_every_case_past_a_deadline_with_its_worst_delay(officer, mixed):
    expected = Expected(TODAY).overdue()
    assert expected, "the data must hold overdue cases"
    rows = download(officer, OVERDUE)
    assert {row["Code"]: int(row["Days overdue"]) for row in rows} == expected
    # Worst first.
    assert [int(row["Days overdue"]) for row in rows] == sorted(expected.values(), reverse=True)


@pytest.mark.parametrize(
    ("choice", "kinds"),
    [
        ("now", ("decision_now", "payment_now")),
        ("late", ("decision_late", "payment_late")),
        ("decision_now", ("decision_now",)),
        ("payment_now", ("payment_now",)),
        ("decision_late", ("decision_late",)),
        ("payment_late", ("payment_late",)),
    ],
)
def test_overdue_list_filters_by_the_deadline_missed(officer, mixed, choice, kinds):
    expected = Expected(TODAY).overdue(kinds)
    assert expected
    assert {row["Code"] for row in download(officer, OVERDUE, overdue=choice)} == set(expected)


def test_overdue_row_shows_the_dates_and_deadlines(officer, areas, fixed_today):
    fixed_today(TODAY)
    approved(TODAY - days(40), decided=TODAY - days(25), phase=areas.vsip, unit=areas.ho_son, code="LATE-OPEN")
    (row,) = download(officer, OVERDUE)
    assert row == {
        "Code": "LATE-OPEN",
        "Name": Case.objects.get().name,
        "Phase": str(areas.vsip),
        "Commune": "Xã Hồ Sơn",
        "Stage": "Recovery decision",
        "Plan approved": (TODAY - days(40)).isoformat(),
        "Decision due": (TODAY - days(30)).isoformat(),
        "Recovery decision": (TODAY - days(25)).isoformat(),
        "Payment due": (TODAY - days(10)).isoformat(),
        "Paid": "",
        "Days overdue": "10",
        "Deadline missed": "recovery decision made late; payment overdue",
        "Data": "real",
    }
    html = officer.get(OVERDUE).content.decode()
    case = Case.objects.get()
    assert f'<a href="/cases/{case.pk}/">LATE-OPEN</a>' in html
    assert "Recovery decision made late<br>Payment overdue" in html


def test_overdue_list_filters_by_zone_phase_commune_stage_and_data(officer, mixed):
    cases = Case.objects.all()
    expected = Expected(TODAY)

    def shown(**params):
        return {row["Code"] for row in download(officer, OVERDUE, **params)}

    def overdue_among(queryset):
        return set(Expected(TODAY, queryset).overdue())

    assert shown(zone=mixed.cluster.zone.pk) == overdue_among(cases.filter(phase=mixed.cluster))
    assert shown(phase=mixed.vsip.pk) == overdue_among(cases.filter(phase=mixed.vsip))
    assert shown(unit=mixed.hop_thanh.pk) == overdue_among(cases.filter(unit=mixed.hop_thanh))
    assert shown(stage=Stage.PLAN_APPROVED) == overdue_among(cases.filter(stage=Stage.PLAN_APPROVED))
    assert shown(synthetic="yes") == overdue_among(cases.filter(is_synthetic=True))
    assert shown(synthetic="no") | shown(synthetic="yes") == set(expected.overdue())
    page = case_codes(officer.get(OVERDUE, {"synthetic": "yes"}).content.decode())
    assert set(page) == overdue_among(cases.filter(is_synthetic=True))


def test_overdue_list_marks_synthetic_rows(officer, areas, fixed_today):
    fixed_today(TODAY)
    approved(TODAY - days(50), phase=areas.vsip, unit=areas.ho_son, code="DEMO", is_synthetic=True)
    approved(TODAY - days(50), phase=areas.vsip, unit=areas.ho_son, code="REAL")
    html = officer.get(OVERDUE).content.decode()
    assert "badge-synthetic" in row_of(html, "DEMO")
    assert "badge-synthetic" not in row_of(html, "REAL")


# --- stuck ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stuck_days", [None, 20, 1, 3650])
def test_stuck_list_is_every_open_case_longer_than_n_days_in_its_stage(officer, mixed, settings, stuck_days):
    settings.LSIP_STUCK_DAYS = 45
    expected = Expected(TODAY).stuck(stuck_days or 45)
    params = {"stuck_days": stuck_days} if stuck_days else {}
    rows = download(officer, STUCK, **params)
    assert {row["Code"]: int(row["Days in stage"]) for row in rows} == expected
    assert [int(row["Days in stage"]) for row in rows] == sorted(expected.values(), reverse=True)


def test_stuck_list_says_which_cases_count_from_the_day_they_were_recorded(officer, mixed):
    expected = Expected(TODAY)
    undated = {case.code for case in expected.cases if not expected.stage_began(case)[1]}
    assert undated
    # Recorded 100 days ago with no dated step since: stuck, counted from the day of recording.
    recorded = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=100), datetime.time(9)))
    Case.objects.filter(code__in=undated).update(created_at=recorded)
    expected = Expected(TODAY)
    html = officer.get(STUCK, {"stuck_days": 1}).content.decode()
    marked = {code for code in case_codes(html) if "the day the case was recorded" in row_of(html, code)}
    assert marked == undated
    assert undated <= set(expected.stuck(1))
    assert all(expected.stuck(1)[code] == 100 for code in undated)


@pytest.mark.parametrize("value", ["0", "3651", "-5", "abc", "1.5", "60 ngày"])
def test_a_wrong_number_of_days_is_said_and_the_default_used(officer, mixed, settings, value):
    settings.LSIP_STUCK_DAYS = 30
    response = officer.get(STUCK, {"stuck_days": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "cases stuck for more than 30 days are shown" in html
    assert "Enter a whole number of days from 1 to 3650." in html
    assert set(case_codes(html)) == set(Expected(TODAY).stuck(30))
    summary = officer.get(reverse("clearance:bottlenecks"), {"stuck_days": value})
    assert summary.status_code == 200
    assert "cases stuck for more than 30 days are shown" in summary.content.decode()


# --- compulsory inventory, enforcement, complaints ------------------------------------------------


def test_enforcement_list_is_every_case_with_a_compulsory_inventory_or_enforcement(officer, mixed):
    expected = Expected(TODAY).enforcement()
    assert expected
    assert {row["Code"] for row in download(officer, ENFORCEMENT)} == expected
    assert set(case_codes(officer.get(ENFORCEMENT).content.decode())) == expected


def test_complaint_list_is_every_open_complaint_with_its_days_open(officer, mixed):
    expected = Expected(TODAY).complaints()
    assert expected
    rows = download(officer, COMPLAINTS)
    assert {(row["Code"], row["Received on"]): int(row["Days open"]) for row in rows} == {
        (code, received.isoformat()): days_open for (code, received), days_open in expected.items()
    }
    cluster_only = download(officer, COMPLAINTS, zone=mixed.cluster.zone.pk)
    cluster_codes = set(Case.objects.filter(phase=mixed.cluster).values_list("code", flat=True))
    assert {row["Code"] for row in cluster_only} == {code for code, _day in expected if code in cluster_codes}


# --- everyone sees their own area only ------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_cao_loc_staff_see_none_of_huu_lungs_rows(client, mixed, url):
    client.force_login(local_staff(mixed.cao_loc))
    huu_lung = set(Case.objects.filter(unit=mixed.ho_son).values_list("code", flat=True))
    cao_loc = set(Case.objects.filter(unit=mixed.hop_thanh).values_list("code", flat=True))
    page = set(case_codes(client.get(url, {"stuck_days": 1}).content.decode()))
    exported = {row[0] for row in _csv(client, url)}
    assert page and page <= cao_loc and not page & huu_lung
    assert exported == page


@pytest.mark.parametrize("url", LISTS)
def test_local_lists_hold_exactly_the_areas_rows(english, mixed, url):
    english.force_login(local_staff(mixed.cao_loc))
    expected = Expected(TODAY, Case.objects.filter(unit=mixed.hop_thanh))
    want = {
        OVERDUE: set(expected.overdue()),
        STUCK: set(expected.stuck(1)),
        ENFORCEMENT: expected.enforcement(),
        COMPLAINTS: {code for code, _day in expected.complaints()},
    }[url]
    assert {row["Code"] for row in download(english, url, stuck_days=1)} == want


@pytest.mark.parametrize("url", LISTS)
def test_a_user_without_a_profile_gets_empty_lists(client, mixed, url):
    client.force_login(UserFactory())
    assert case_codes(client.get(url, {"stuck_days": 1}).content.decode()) == []
    assert _csv(client, url) == []


def _csv(client, url):
    return csv_rows(client.get(url, {"_export": "csv", "stuck_days": 1}))[1:]


# --- bad input, exports, query counts -------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"zone": "abc"},
        {"phase": "999999"},
        {"unit": "-1"},
        {"stage": "nowhere"},
        {"synthetic": "maybe"},
        {"overdue": "yesterday"},
        {"sort": "nonsense"},
        {"page": "abc"},
        {"page": "99999"},
    ],
)
@pytest.mark.parametrize("url", LISTS)
def test_lists_survive_bad_input(officer, areas, url, params):
    build_mixed(areas, 8)
    response = officer.get(url, {**params, "stuck_days": 1})
    assert response.status_code == 200


def test_xlsx_export_holds_the_filtered_rows_with_real_dates_and_numbers(officer, mixed):
    expected = Expected(TODAY).overdue(("decision_now", "payment_now"))
    response = officer.get(OVERDUE, {"overdue": "now", "_export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.values)
    column = {name: index for index, name in enumerate(header)}
    assert {row[column["Code"]]: row[column["Days overdue"]] for row in rows} == expected
    assert all(row[column["Plan approved"]].date() <= TODAY for row in rows)


def test_export_refuses_an_unknown_format(officer, mixed):
    assert officer.get(STUCK, {"_export": "pdf"}).status_code == 400


@pytest.mark.parametrize(
    ("url", "export"),
    [(url, False) for url in (*LISTS, reverse("clearance:bottlenecks"))] + [(url, True) for url in LISTS],
)
def test_query_count_does_not_grow_with_rows(logged_in_client, areas, fixed_today, url, export):
    fixed_today(TODAY)
    params = {"stuck_days": 1, **({"_export": "csv"} if export else {})}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = logged_in_client.get(url, params)
            if export:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        return len(captured.captured_queries)

    build_mixed(areas, 12, seed=1)
    small = queries()
    Case.objects.all().delete()
    build_mixed(areas, 48, seed=1)
    assert queries() == small


@pytest.mark.parametrize(
    ("url", "sort", "column", "key"),
    [
        (OVERDUE, "overdue_by", "Days overdue", int),
        (OVERDUE, "-approved_on", "Plan approved", str),
        (STUCK, "-days_in_stage", "Days in stage", int),
        (STUCK, "stage_since", "Stage began", str),
        (COMPLAINTS, "days_open", "Days open", int),
        (ENFORCEMENT, "code", "Code", str),
    ],
)
def test_lists_sort_by_their_columns(officer, mixed, url, sort, column, key):
    values = [key(row[column]) for row in download(officer, url, sort=sort, stuck_days=1)]
    assert len(values) > 1
    assert values == sorted(values, reverse=sort.startswith("-"))
