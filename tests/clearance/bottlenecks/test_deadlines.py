"""Overdue, late and stuck at their boundaries, as CaseQuerySet computes them in SQL."""

import datetime

import pytest
from django.urls import reverse

from clearance import rules
from clearance.models import Case, Stage
from tests.clearance.bottlenecks.conftest import D, Kind, approved, days, make_case
from tests.factories import CaseFactory, StageEventFactory


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


# --- the recovery decision: due 10 days after approval ------------------------------------------


@pytest.mark.parametrize(("today", "overdue"), [(D + days(10), False), (D + days(11), True)])
def test_recovery_decision_is_overdue_from_the_eleventh_day(db, today, overdue):
    approved(D, code="OPEN")
    assert rules.recovery_decision_deadline(D) == D + days(10)
    assert codes(Case.objects.overdue(today=today)) == ({"OPEN"} if overdue else set())
    row = Case.objects.with_deadlines(today=today).get()
    assert row.decision_overdue_now is overdue
    assert row.decision_late is False


@pytest.mark.parametrize(("decided", "late"), [(D + days(10), False), (D + days(11), True)])
def test_recovery_decision_after_the_tenth_day_is_late(db, decided, late):
    # Paid on time, so only the decision can make the case late.
    approved(D, decided=decided, paid=D + days(20), code="DECIDED")
    today = D + days(400)
    assert codes(Case.objects.late(today=today)) == ({"DECIDED"} if late else set())
    assert codes(Case.objects.overdue(today=today)) == set()
    row = Case.objects.with_deadlines(today=today).get()
    assert (row.decision_late, row.payment_late) == (late, False)
    assert row.overdue_by == (days(1) if late else days(0))


# --- payment: due 30 days after approval ---------------------------------------------------------


@pytest.mark.parametrize(("today", "overdue"), [(D + days(30), False), (D + days(31), True)])
def test_payment_is_overdue_from_the_thirty_first_day(db, today, overdue):
    approved(D, decided=D + days(5), code="UNPAID")
    assert codes(Case.objects.overdue(today=today)) == ({"UNPAID"} if overdue else set())
    row = Case.objects.with_deadlines(today=today).get()
    assert (row.decision_overdue_now, row.payment_overdue_now) == (False, overdue)
    assert row.overdue_by == (days(1) if overdue else days(0))


@pytest.mark.parametrize(("paid", "late"), [(D + days(30), False), (D + days(31), True)])
def test_payment_after_the_thirtieth_day_owes_interest(db, paid, late):
    approved(D, decided=D + days(5), paid=paid, code="PAID")
    today = D + days(400)
    assert codes(Case.objects.late(today=today)) == ({"PAID"} if late else set())
    assert codes(Case.objects.overdue(today=today)) == set()
    assert rules.is_payment_late(D, paid) is late


def test_a_case_not_yet_approved_is_never_overdue(db):
    make_case(steps={Kind.NOTICE: D, Kind.INVENTORY: D + days(20)}, code="EARLY")
    today = D + days(900)
    assert codes(Case.objects.overdue(today=today)) == set()
    assert codes(Case.objects.late(today=today)) == set()
    row = Case.objects.with_deadlines(today=today).get()
    assert (row.approved_on, row.overdue_by) == (None, None)


def test_overdue_by_is_the_worst_delay_of_the_two_deadlines(db):
    # Decided 15 days late, paid 2 days late: 15 counts. Never decided, 40 days on: 30 past the decision.
    approved(D, decided=D + days(25), paid=D + days(32), code="BOTH-LATE")
    approved(D, code="NOTHING")
    rows = {case.code: case for case in Case.objects.with_deadlines(today=D + days(40))}
    assert rows["BOTH-LATE"].overdue_by == days(15)
    assert (rows["BOTH-LATE"].decision_late, rows["BOTH-LATE"].payment_late) == (True, True)
    assert rows["NOTHING"].overdue_by == days(30)
    assert (rows["NOTHING"].decision_overdue_now, rows["NOTHING"].payment_overdue_now) == (True, True)


def test_overdue_and_late_follow_only_the_cases_own_events(db):
    """Another case's approval never dates this one: the subqueries are correlated on the case."""
    approved(D, decided=D + days(2), paid=D + days(3), code="ON-TIME")
    approved(D - days(100), code="OLD")
    assert codes(Case.objects.overdue(today=D + days(5))) == {"OLD"}


# --- stuck: the current stage began more than N days ago -----------------------------------------


@pytest.mark.parametrize(("began", "stuck"), [(D - days(60), False), (D - days(61), True)])
def test_stuck_after_more_than_n_days_in_the_stage(db, began, stuck):
    make_case(steps={Kind.NOTICE: began - days(30), Kind.INVENTORY: began}, code="WAITING")
    assert codes(Case.objects.stuck(today=D, days=60)) == ({"WAITING"} if stuck else set())


def test_stuck_counts_from_the_event_of_the_current_stage(db):
    # The notice is old, but the inventory, the stage the case is in, is recent.
    make_case(steps={Kind.NOTICE: D - days(300), Kind.INVENTORY: D - days(5)}, code="MOVING")
    make_case(steps={Kind.NOTICE: D - days(300)}, stage=Stage.NOTICE, code="NOTICE-ONLY")
    rows = Case.objects.stuck(today=D, days=30)
    assert codes(rows) == {"NOTICE-ONLY"}
    assert rows.get().days_in_stage == days(300)


def test_a_handed_over_case_is_never_stuck(db):
    make_case(steps={Kind.NOTICE: D - days(400), Kind.HANDED_OVER: D - days(200)}, code="DONE")
    assert codes(Case.objects.stuck(today=D, days=1)) == set()


def test_a_stage_without_its_event_counts_from_the_local_day_the_case_was_recorded(db):
    case = CaseFactory(stage=Stage.PLAN_POSTED, code="UNDATED")
    # 20:00 UTC on 1 March is 03:00 on 2 March in Lạng Sơn: the local date is the one that counts.
    recorded = datetime.datetime(2024, 3, 1, 20, 0, tzinfo=datetime.UTC)
    Case.objects.filter(pk=case.pk).update(created_at=recorded)
    StageEventFactory(case=case, kind=Kind.NOTICE, happened_on=datetime.date(2023, 1, 1))
    row = Case.objects.with_stage_dates().get()
    assert (row.stage_since, row.stage_dated) == (datetime.date(2024, 3, 2), False)
    today = datetime.date(2024, 3, 2) + days(10)
    assert codes(Case.objects.stuck(today=today, days=10)) == set()
    assert codes(Case.objects.stuck(today=today, days=9)) == {"UNDATED"}


def test_compulsory_inventory_and_enforcement_cases(db):
    make_case(steps={Kind.NOTICE: D, Kind.COMPULSORY_INVENTORY: D + days(20)}, code="COMPULSORY")
    make_case(steps={Kind.NOTICE: D, Kind.ENFORCEMENT: D + days(300), Kind.HANDED_OVER: D + days(300)}, code="ENF")
    make_case(steps={Kind.NOTICE: D, Kind.INVENTORY: D + days(20)}, code="WILLING")
    rows = {case.code: case for case in Case.objects.compulsory_or_enforced()}
    assert set(rows) == {"COMPULSORY", "ENF"}
    assert (rows["COMPULSORY"].compulsory_on, rows["COMPULSORY"].enforced_on) == (D + days(20), None)
    assert (rows["ENF"].compulsory_on, rows["ENF"].enforced_on) == (None, D + days(300))


# --- the case list's overdue filter ---------------------------------------------------------------


@pytest.mark.parametrize(("choice", "expected"), [("now", {"OPEN"}), ("late", {"LATE"}), ("", {"OPEN", "LATE", "OK"})])
def test_case_list_filters_by_overdue(logged_in_client, fixed_today, choice, expected):
    fixed_today(D + days(31))
    approved(D, code="OPEN")
    approved(D - days(100), decided=D - days(95), paid=D - days(60), code="LATE")
    approved(D, decided=D + days(1), paid=D + days(2), code="OK")
    html = logged_in_client.get(reverse("clearance:case_list"), {"overdue": choice}).content.decode()
    assert {code for code in ("OPEN", "LATE", "OK") if f">{code}</a>" in html} == expected


def test_case_list_says_when_the_overdue_choice_is_wrong(logged_in_client, db):
    approved(D, code="OPEN")
    response = logged_in_client.get(reverse("clearance:case_list"), {"overdue": "yesterday"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html
    assert ">OPEN</a>" in html
