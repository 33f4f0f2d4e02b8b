"""The breakdown reads the rollups when it can, and the cases when a filter needs them: the same figures."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from clearance.filters import CaseFilter
from clearance.models import Case, Stage
from clearance.read import ledger
from clearance.read.breakdown import breakdown_rows, group_rows
from clearance.read.reported import UnitGraph
from zones.access import scope_for
from zones.models import Phase

TODAY = datetime.date(2026, 1, 1)


def _rows(user, params):
    scope = scope_for(user)
    request = RequestFactory().get("/progress/", params)
    request.user = user
    case_filter = CaseFilter(params, queryset=scope.cases(Case.objects.all()), request=request)
    phases = scope.phases(Phase.objects.select_related("zone"))
    return breakdown_rows(scope, case_filter, phases, today=TODAY, by="commune")


def _raw(cases):
    phases = {phase.pk: phase for phase in Phase.objects.select_related("zone")}
    return group_rows(ledger.ledger(cases).as_of(TODAY), phases, UnitGraph(), by="commune")


def _figures(rows):
    return [(row.phase.pk, row.label, row.figures) for row in rows]


@pytest.mark.parametrize("narrowing", ["none", "zone", "phase", "unit"])
def test_rows_from_the_rollups_equal_rows_counted_from_the_cases(world, narrowing):
    case = world.cases[0]
    params, cases = {
        "none": ({}, Case.objects.all()),
        "zone": ({"zone": case.phase.zone_id}, Case.objects.filter(phase__zone=case.phase.zone_id)),
        "phase": ({"phase": case.phase_id}, Case.objects.filter(phase=case.phase_id)),
        "unit": ({"unit": case.unit_id}, Case.objects.filter(unit=case.unit_id)),
    }[narrowing]
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(world.officer, params)
    assert _figures(rows) == _figures(_raw(cases))
    # From the rollups: their totals and days, and the unit graph (the cases would take nine more).
    assert not any('"clearance_case"' in query["sql"] for query in queries.captured_queries)


def test_a_filter_the_rollups_cannot_answer_is_counted_from_the_cases(world):
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(world.officer, {"stage": Stage.HANDED_OVER})
    assert any('"clearance_case"' in query["sql"] for query in queries.captured_queries)
    assert sum(row.figures.cases for row in rows) == Case.objects.filter(stage=Stage.HANDED_OVER).count() == 3
    assert _figures(rows) == _figures(_raw(Case.objects.filter(stage=Stage.HANDED_OVER)))


def test_local_staff_rows_from_the_rollups_stay_in_their_area(world):
    rows = _rows(world.cao_loc_staff, {})
    assert {row.label for row in rows} == {"Xã Cao Lộc"}
    assert sum(row.figures.cases for row in rows) == 2
