"""Units that have not reported for a week, on Lạng Sơn's real units and their 2025 conversion."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearance.demo import vsip_phase_1
from clearance.models import ProgressReport, Stage
from clearance.read.bottlenecks import parse_week, unreported_units, week_start, week_value
from tests.clearance.bottlenecks.conftest import csv_rows
from tests.factories import CaseFactory, PhaseFactory, ProgressReportFactory, ZoneFactory, local_staff
from zones.access import scope_for
from zones.models import REFORM_DATE, AdminUnit, Phase, UnitSuccession

Status = ProgressReport.Status
UNREPORTED = reverse("clearance:bottleneck_unreported")
HO_SON, BINH_XA = 6451, 6622  # legacy communes of Hữu Lũng and Đình Lập
CAO_LOC = 183
XA_HUU_LUNG = 6385  # the 2025 commune Hồ Sơn became
# 2025-W20 runs from Monday 12 to Sunday 18 May 2025, before the reform; 2025-W28 from 7 July, after it.
W20 = datetime.date(2025, 5, 12)
W28 = datetime.date(2025, 7, 7)


def legacy(code):
    return AdminUnit.objects.get(structure=AdminUnit.Structure.LEGACY, code=code)


def cao_loc_commune():
    return AdminUnit.objects.legacy().communes().filter(parent__code=CAO_LOC).order_by("code").first()


def current(code):
    return AdminUnit.objects.get(structure=AdminUnit.Structure.CURRENT, code=code)


def successors(unit):
    return set(AdminUnit.objects.filter(successions_from__old=unit))


@pytest.fixture
def phase(lang_son):
    return vsip_phase_1()


@pytest.fixture
def officer_scope(user):
    return scope_for(user)


def pairs(rows):
    return {(row.phase, row.unit) for row in rows}


def table_rows(html):
    """The text of each cell of each row of the page's table; [] when the table is empty."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, flags=re.S):
        if "colspan" in row:  # the line an empty table shows
            continue
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return rows


def report(phase, unit, day, status=Status.SUBMITTED):
    return ProgressReportFactory(phase=phase, unit=unit, reported_on=day, status=status)


# --- which units are expected -------------------------------------------------------------------


def test_before_the_reform_the_legacy_district_is_expected(phase, officer_scope):
    ho_son = legacy(HO_SON)
    CaseFactory(phase=phase, unit=ho_son)
    rows = unreported_units(officer_scope, monday=W20)
    assert pairs(rows) == {(phase, ho_son.parent)}
    assert rows[0].case_units == [ho_son]
    # The article's report, accepted, is the district's last one.
    last = ProgressReport.objects.filter(phase=phase, unit=ho_son.parent).latest("reported_on")
    assert (last.status, rows[0].last_reported_on) == (Status.ACCEPTED, last.reported_on)
    assert last.reported_on < W20


def test_from_the_reform_a_legacy_commune_answers_as_the_2025_commune_it_became(phase, officer_scope):
    CaseFactory(phase=phase, unit=legacy(HO_SON))
    assert pairs(unreported_units(officer_scope, monday=W28)) == {(phase, current(XA_HUU_LUNG))}


def test_a_split_commune_makes_both_2025_communes_expected(phase, officer_scope):
    binh_xa = legacy(BINH_XA)
    became = successors(binh_xa)
    assert len(became) == 2 and UnitSuccession.objects.filter(old=binh_xa, partial=True).exists()
    CaseFactory(phase=phase, unit=binh_xa)
    assert pairs(unreported_units(officer_scope, monday=W28)) == {(phase, unit) for unit in became}
    assert pairs(unreported_units(officer_scope, monday=W20)) == {(phase, binh_xa.parent)}


def test_a_case_recorded_under_a_2025_commune(phase, officer_scope):
    xa_huu_lung = current(XA_HUU_LUNG)
    CaseFactory(phase=phase, unit=xa_huu_lung)
    assert pairs(unreported_units(officer_scope, monday=W28)) == {(phase, xa_huu_lung)}
    # Before the reform it answered to the districts of the communes it was formed from.
    districts = {unit.parent for unit in AdminUnit.objects.filter(successions_to__new=xa_huu_lung)}
    assert pairs(unreported_units(officer_scope, monday=W20)) == {(phase, district) for district in districts}


def test_the_week_holding_the_reform_day_still_belongs_to_the_districts(phase, officer_scope):
    ho_son = legacy(HO_SON)
    CaseFactory(phase=phase, unit=ho_son)
    monday = week_start(REFORM_DATE)
    assert monday < REFORM_DATE
    assert pairs(unreported_units(officer_scope, monday=monday)) == {(phase, ho_son.parent)}
    assert pairs(unreported_units(officer_scope, monday=monday + datetime.timedelta(days=7))) == {
        (phase, current(XA_HUU_LUNG))
    }


def test_only_phases_with_open_cases_expect_a_report(phase, officer_scope):
    CaseFactory(phase=phase, unit=legacy(HO_SON), stage=Stage.HANDED_OVER)
    other = PhaseFactory(zone=ZoneFactory(unit=cao_loc_commune().parent), number=2)
    CaseFactory(phase=other, unit=cao_loc_commune(), stage=Stage.PAID)
    assert pairs(unreported_units(officer_scope, monday=W20)) == {(other, cao_loc_commune().parent)}


# --- what counts as reported ----------------------------------------------------------------------


def test_a_report_on_sunday_counts_for_its_week_and_monday_for_the_next(phase, officer_scope):
    ho_son = legacy(HO_SON)
    district = ho_son.parent
    CaseFactory(phase=phase, unit=ho_son)
    sunday = W20 + datetime.timedelta(days=6)
    report(phase, district, sunday)
    assert unreported_units(officer_scope, monday=W20) == []
    rows = unreported_units(officer_scope, monday=W20 + datetime.timedelta(days=7))
    assert pairs(rows) == {(phase, district)}
    assert rows[0].last_reported_on == sunday

    report(phase, district, sunday + datetime.timedelta(days=1))
    assert unreported_units(officer_scope, monday=W20 + datetime.timedelta(days=7)) == []
    assert pairs(unreported_units(officer_scope, monday=W20 - datetime.timedelta(days=7))) == {(phase, district)}


def test_a_returned_report_does_not_count_an_accepted_one_does(phase, officer_scope):
    ho_son = legacy(HO_SON)
    district = ho_son.parent
    CaseFactory(phase=phase, unit=ho_son)
    report(phase, district, W20 - datetime.timedelta(days=30), Status.ACCEPTED)
    report(phase, district, W20 + datetime.timedelta(days=2), Status.RETURNED)
    rows = unreported_units(officer_scope, monday=W20)
    assert pairs(rows) == {(phase, district)}
    # The returned report is not the last one: it has to be sent again.
    assert rows[0].last_reported_on == W20 - datetime.timedelta(days=30)

    report(phase, district, W20 + datetime.timedelta(days=3), Status.ACCEPTED)
    assert unreported_units(officer_scope, monday=W20) == []


def test_a_report_of_another_phase_or_unit_does_not_count(phase, officer_scope):
    ho_son = legacy(HO_SON)
    CaseFactory(phase=phase, unit=ho_son)
    other_phase = PhaseFactory(zone=phase.zone, number=9)
    report(other_phase, ho_son.parent, W20)
    report(phase, ho_son, W20)  # the commune itself, not the district expected before the reform
    assert pairs(unreported_units(officer_scope, monday=W20)) == {(phase, ho_son.parent)}


def test_local_staff_see_only_their_own_units(phase):
    ho_son, hop_thanh = legacy(HO_SON), cao_loc_commune()
    cluster = PhaseFactory(zone=ZoneFactory(unit=hop_thanh.parent))
    CaseFactory(phase=phase, unit=ho_son)
    CaseFactory(phase=cluster, unit=hop_thanh)
    report(phase, ho_son.parent, W20 - datetime.timedelta(days=7))
    cao_loc = scope_for(local_staff(hop_thanh.parent))
    huu_lung = scope_for(local_staff(ho_son.parent))
    assert pairs(unreported_units(cao_loc, monday=W20)) == {(cluster, hop_thanh.parent)}
    assert pairs(unreported_units(huu_lung, monday=W20)) == {(phase, ho_son.parent)}


# --- weeks as the week input writes them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "monday"),
    [
        ("2025-W20", W20),
        ("2025-w28", W28),
        ("2020-W53", datetime.date(2020, 12, 28)),
        ("2025-W01", datetime.date(2024, 12, 30)),
        ("2025-W53", None),  # 2025 has 52 weeks
        ("2025-W00", None),
        ("2025-W5", None),
        ("2025-05-12", None),
        ("week 20", None),
        ("", None),
    ],
)
def test_parse_week(value, monday):
    assert parse_week(value) == monday
    if monday:
        assert week_value(monday) == value.upper()


# --- the page --------------------------------------------------------------------------------------


def test_page_lists_the_units_with_their_last_report(english, user, phase):
    english.force_login(user)
    ho_son, xa_huu_lung = legacy(HO_SON), current(XA_HUU_LUNG)
    CaseFactory(phase=phase, unit=ho_son)
    html = english.get(UNREPORTED, {"week": "2025-W28"}).content.decode()
    assert "Week from 07/07/2025 to 13/07/2025" in html
    assert table_rows(html) == [[phase.zone.name, str(phase), xa_huu_lung.name, ho_son.name, "never"]]

    report(phase, xa_huu_lung, datetime.date(2025, 7, 13))
    assert table_rows(english.get(UNREPORTED, {"week": "2025-W28"}).content.decode()) == []
    html = english.get(UNREPORTED, {"week": "2025-W29"}).content.decode()
    assert table_rows(html) == [[phase.zone.name, str(phase), xa_huu_lung.name, ho_son.name, "13/07/2025"]]


@pytest.mark.parametrize("week", ["2025-W99", "next week", "2025-13-01"])
def test_a_wrong_week_is_said_and_the_current_week_shown(english, user, phase, fixed_today, week):
    fixed_today(W20 + datetime.timedelta(days=3))
    english.force_login(user)
    CaseFactory(phase=phase, unit=legacy(HO_SON))
    response = english.get(UNREPORTED, {"week": week})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That is not a week; the current week is shown." in html
    assert 'class="error"' in html
    assert "Week from 12/05/2025 to 18/05/2025" in html


def test_filters_narrow_the_cases_that_make_units_expected(logged_in_client, phase):
    ho_son, hop_thanh = legacy(HO_SON), cao_loc_commune()
    cluster = PhaseFactory(zone=ZoneFactory(unit=hop_thanh.parent))
    CaseFactory(phase=phase, unit=ho_son)
    CaseFactory(phase=cluster, unit=hop_thanh)

    def units(params):
        rows = csv_rows(logged_in_client.get(UNREPORTED, {"week": "2025-W20", "_export": "csv", **params}))
        return {(zone, unit) for zone, _phase, unit, *_rest in rows[1:]}

    assert units({}) == {(phase.zone.name, ho_son.parent.name), (cluster.zone.name, hop_thanh.parent.name)}
    assert units({"zone": cluster.zone.pk}) == {(cluster.zone.name, hop_thanh.parent.name)}
    assert units({"unit": ho_son.pk}) == {(phase.zone.name, ho_son.parent.name)}
    assert units({"phase": phase.pk}) == {(phase.zone.name, ho_son.parent.name)}


def test_cao_loc_staff_export_none_of_huu_lungs_units(client, phase):
    ho_son, hop_thanh = legacy(HO_SON), cao_loc_commune()
    CaseFactory(phase=phase, unit=ho_son)
    client.force_login(local_staff(hop_thanh.parent))
    rows = csv_rows(client.get(UNREPORTED, {"week": "2025-W20", "_export": "csv"}))
    assert len(rows) == 1  # the header only


def test_query_count_does_not_grow_with_phases_and_units(logged_in_client, phase):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = logged_in_client.get(UNREPORTED, {"week": "2025-W28"})
        assert response.status_code == 200
        return len(captured.captured_queries)

    communes = list(AdminUnit.objects.legacy().communes().filter(successions_to__isnull=False).distinct()[:12])
    CaseFactory(phase=phase, unit=communes[0])
    small = queries()
    zone = phase.zone
    for number, commune in enumerate(communes[1:], start=2):
        CaseFactory(phase=Phase.objects.create(zone=zone, number=number, source=phase.source), unit=commune)
        CaseFactory(phase=phase, unit=commune)
    assert queries() == small


def test_page_sorts_by_last_report_units_that_never_reported_first(english, user, phase):
    english.force_login(user)
    ho_son, binh_xa = legacy(HO_SON), legacy(BINH_XA)
    CaseFactory(phase=phase, unit=ho_son)
    CaseFactory(phase=phase, unit=binh_xa)
    report(phase, current(XA_HUU_LUNG), datetime.date(2025, 7, 1))
    rows = table_rows(english.get(UNREPORTED, {"week": "2025-W28", "sort": "last_reported_on"}).content.decode())
    assert [row[4] for row in rows] == ["never", "never", "01/07/2025"]
    rows = table_rows(english.get(UNREPORTED, {"week": "2025-W28", "sort": "-last_reported_on"}).content.decode())
    assert [row[4] for row in rows] == ["01/07/2025", "never", "never"]
