"""The Land Law 2024 rules at their boundaries: pure functions, no database."""

import datetime

import pytest

from clearance import rules
from clearance.models import Stage, StageEvent

Kind = StageEvent.Kind
D = datetime.date
TODAY = D(2025, 6, 1)

NOTICE = D(2024, 3, 1)
INVENTORY = D(2024, 4, 15)
POSTED = D(2024, 6, 3)
APPROVED = D(2024, 9, 2)  # a holiday: only enforcement is barred on holidays
DECIDED = D(2024, 9, 9)
PAID = D(2024, 9, 20)


pytestmark = pytest.mark.usefixtures("in_english")


def acts(*kinds):
    dates = {
        Kind.NOTICE: NOTICE,
        Kind.INVENTORY: INVENTORY,
        Kind.PLAN_POSTED: POSTED,
        Kind.PLAN_APPROVED: APPROVED,
        Kind.RECOVERY_DECIDED: DECIDED,
        Kind.PAID: PAID,
    }
    return {kind: dates[kind] for kind in kinds}


MAIN = [Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED, Kind.RECOVERY_DECIDED, Kind.PAID]


def advance(stage, day, *, recorded, current=None, non_agricultural=False, today=TODAY):
    if current is None:
        current = max(recorded, key=Stage.order) if recorded else Stage.NOTICE
    return rules.check_advance(
        current=current,
        recorded=recorded,
        stage=stage,
        happened_on=day,
        today=today,
        non_agricultural=non_agricultural,
    )


def messages(refusals):
    return " ".join(refusal.message for refusal in refusals)


# --- order ------------------------------------------------------------------------------------


def test_a_new_case_records_its_notice_first_then_each_following_stage():
    assert rules.next_stage(Stage.NOTICE, {}) == Stage.NOTICE
    assert rules.next_stage(Stage.NOTICE, acts(Kind.NOTICE)) == Stage.INVENTORY
    assert rules.next_stage(Stage.PAID, acts(*MAIN)) == Stage.HANDED_OVER
    assert rules.next_stage(Stage.HANDED_OVER, {**acts(*MAIN), Kind.HANDED_OVER: D(2024, 10, 1)}) is None


def test_a_stage_cannot_be_skipped():
    refusals = advance(Stage.PLAN_POSTED, D(2024, 5, 1), recorded=acts(Kind.NOTICE))
    assert [r.field for r in refusals] == ["stage"]
    assert "the next step is “inventory (survey count)”, not “compensation plan posted”" in messages(refusals)


def test_a_recorded_stage_cannot_be_recorded_again():
    refusals = advance(Stage.NOTICE, D(2024, 5, 1), recorded=acts(Kind.NOTICE, Kind.INVENTORY))
    assert messages(refusals) == "The recovery notice is already recorded, dated 01/03/2024."


def test_nothing_follows_the_handover():
    recorded = {**acts(*MAIN), Kind.HANDED_OVER: D(2024, 10, 1)}
    refusals = advance(Stage.HANDED_OVER, D(2024, 10, 2), recorded={**acts(*MAIN)}, current=Stage.HANDED_OVER)
    assert refusals == []  # handover not yet recorded for a case entered at that stage: it may be
    refusals = advance(Stage.HANDED_OVER, D(2024, 10, 2), recorded=recorded, current=Stage.HANDED_OVER)
    assert "already recorded, dated 01/10/2024" in messages(refusals)


def test_the_next_stage_follows_in_order_on_the_same_day():
    assert advance(Stage.INVENTORY, NOTICE, recorded=acts(Kind.NOTICE)) == []


# --- dates ------------------------------------------------------------------------------------


def test_a_date_cannot_be_in_the_future_but_today_is_fine():
    refusals = advance(Stage.INVENTORY, D(2025, 6, 2), recorded=acts(Kind.NOTICE))
    assert [r.field for r in refusals] == ["date"]
    assert messages(refusals) == (
        "The date of the inventory (survey count) (02/06/2025) cannot be in the future: today is 01/06/2025."
    )
    assert advance(Stage.INVENTORY, TODAY, recorded=acts(Kind.NOTICE)) == []


def test_a_stage_cannot_be_dated_before_the_previous_one():
    refusals = advance(Stage.INVENTORY, D(2024, 2, 29), recorded=acts(Kind.NOTICE))
    assert [r.field for r in refusals] == ["date"]
    assert messages(refusals) == (
        "The inventory (survey count) cannot be dated 29/02/2024: "
        "it comes on or after the recovery notice of 01/03/2024."
    )


def test_the_inventory_comes_after_a_compulsory_inventory_decision():
    recorded = {**acts(Kind.NOTICE), Kind.COMPULSORY_INVENTORY: D(2024, 4, 1)}
    assert "compulsory inventory decision of 01/04/2024" in messages(
        advance(Stage.INVENTORY, D(2024, 3, 31), recorded=recorded, current=Stage.NOTICE)
    )
    assert advance(Stage.INVENTORY, D(2024, 4, 1), recorded=recorded, current=Stage.NOTICE) == []


# --- public posting: 30 days ------------------------------------------------------------------


def test_plan_approval_on_day_29_of_the_posting_is_refused():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED)
    refusals = advance(Stage.PLAN_APPROVED, POSTED + datetime.timedelta(days=29), recorded=recorded)
    assert [r.field for r in refusals] == ["date"]
    assert messages(refusals) == (
        "The compensation plan must be posted publicly for 30 days before it is approved: "
        "posted on 03/06/2024, it can be approved from 03/07/2024; 02/07/2024 is only day 29."
    )


def test_plan_approval_on_day_30_of_the_posting_is_accepted():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED)
    assert rules.earliest_plan_approval(POSTED) == D(2024, 7, 3)
    assert advance(Stage.PLAN_APPROVED, D(2024, 7, 3), recorded=recorded) == []


def test_plan_approval_needs_the_posting_recorded():
    refusals = advance(
        Stage.PLAN_APPROVED, D(2024, 7, 3), recorded=acts(Kind.NOTICE, Kind.INVENTORY), current=Stage.PLAN_APPROVED
    )
    assert "public posting is not recorded" in messages(refusals)


# --- recovery decision: notice 90/180 days, after the approval ----------------------------------


@pytest.mark.parametrize(
    ("non_agricultural", "days"),
    [pytest.param(False, 90, id="agricultural 90 days"), pytest.param(True, 180, id="non-agricultural 180 days")],
)
def test_recovery_decision_needs_the_notice_period(non_agricultural, days):
    notice = D(2024, 1, 2)
    recorded = {
        Kind.NOTICE: notice,
        Kind.INVENTORY: D(2024, 1, 10),
        Kind.PLAN_POSTED: D(2024, 1, 15),
        Kind.PLAN_APPROVED: D(2024, 2, 20),
    }
    earliest = notice + datetime.timedelta(days=days)
    assert rules.earliest_recovery_decision(notice, non_agricultural=non_agricultural) == earliest
    refusals = advance(
        Stage.RECOVERY_DECIDED,
        earliest - datetime.timedelta(days=1),
        recorded=recorded,
        non_agricultural=non_agricultural,
    )
    assert [r.field for r in refusals] == ["date"]
    assert f"at least {days} days before the recovery decision" in messages(refusals)
    assert f"notice of 02/01/2024, so the decision can be dated from {earliest:%d/%m/%Y}" in messages(refusals)
    assert advance(Stage.RECOVERY_DECIDED, earliest, recorded=recorded, non_agricultural=non_agricultural) == []


def test_recovery_decision_before_the_plan_approval_is_refused():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED)
    refusals = advance(Stage.RECOVERY_DECIDED, APPROVED - datetime.timedelta(days=1), recorded=recorded)
    assert "it comes on or after the compensation plan approved of 02/09/2024" in messages(refusals)
    assert advance(Stage.RECOVERY_DECIDED, APPROVED, recorded=recorded) == []


def test_recovery_decision_needs_the_notice_recorded():
    recorded = acts(Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED)
    refusals = advance(Stage.RECOVERY_DECIDED, D(2025, 1, 6), recorded=recorded)
    assert "The recovery notice is not recorded: it must be served at least 90 days" in messages(refusals)


def test_the_10_day_limit_for_the_recovery_decision_is_a_deadline_not_a_refusal():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED)
    deadline = rules.recovery_decision_deadline(APPROVED)
    assert deadline == D(2024, 9, 12)
    assert advance(Stage.RECOVERY_DECIDED, deadline + datetime.timedelta(days=20), recorded=recorded) == []
    assert not rules.is_overdue(deadline, done_on=deadline, today=TODAY)
    assert rules.is_overdue(deadline, done_on=D(2024, 9, 13), today=TODAY)
    assert not rules.is_overdue(deadline, today=deadline)
    assert rules.is_overdue(deadline, today=D(2024, 9, 13))


# --- payment ----------------------------------------------------------------------------------


def test_payment_before_the_plan_approval_is_refused():
    refusals = rules.check_payment(recorded=acts(Kind.NOTICE, Kind.INVENTORY), paid_on=D(2024, 8, 1), today=TODAY)
    assert messages(refusals) == ("No payment before the compensation plan is approved: the approval is not recorded.")
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED)
    refusals = rules.check_payment(recorded=recorded, paid_on=D(2024, 9, 1), today=TODAY)
    assert [r.field for r in refusals] == ["date"]
    assert messages(refusals) == (
        "No payment before the compensation plan is approved: approved on 02/09/2024, paid on 01/09/2024."
    )
    assert rules.check_payment(recorded=recorded, paid_on=APPROVED, today=TODAY) == []


def test_a_future_payment_is_refused():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.PLAN_APPROVED)
    refusals = rules.check_payment(recorded=recorded, paid_on=D(2025, 6, 2), today=TODAY)
    assert "(02/06/2025) cannot be in the future" in messages(refusals)


def test_the_paid_stage_needs_the_plan_approval():
    recorded = acts(Kind.NOTICE, Kind.INVENTORY, Kind.PLAN_POSTED, Kind.RECOVERY_DECIDED)
    refusals = advance(Stage.PAID, D(2024, 9, 20), recorded=recorded, current=Stage.RECOVERY_DECIDED)
    assert "No payment before the compensation plan is approved" in messages(refusals)


def test_payment_is_due_30_days_after_the_approval_and_later_is_late():
    assert rules.payment_deadline(APPROVED) == D(2024, 10, 2)
    assert not rules.is_payment_late(APPROVED, D(2024, 10, 2))
    assert rules.is_payment_late(APPROVED, D(2024, 10, 3))
    recorded = acts(*MAIN[:5])
    assert advance(Stage.PAID, D(2024, 12, 2), recorded=recorded) == []  # late, but recorded


def test_handover_comes_after_the_payment():
    refusals = advance(Stage.HANDED_OVER, PAID - datetime.timedelta(days=1), recorded=acts(*MAIN))
    assert "it comes on or after the paid of 20/09/2024" in messages(refusals)
    assert advance(Stage.HANDED_OVER, PAID, recorded=acts(*MAIN)) == []


# --- compulsory inventory: the notice, then 15 days ---------------------------------------------


def side(kind, day, *, recorded, current=Stage.NOTICE, today=TODAY):
    return rules.check_side_event(current=current, recorded=recorded, kind=kind, happened_on=day, today=today)


def test_compulsory_inventory_needs_the_notice():
    refusals = side(Kind.COMPULSORY_INVENTORY, D(2024, 4, 1), recorded={})
    assert messages(refusals) == "A compulsory inventory decision needs the recovery notice recorded first."


def test_compulsory_inventory_14_days_after_the_notice_is_refused_15_accepted():
    recorded = acts(Kind.NOTICE)
    refusals = side(Kind.COMPULSORY_INVENTORY, NOTICE + datetime.timedelta(days=14), recorded=recorded)
    assert [r.field for r in refusals] == ["date"]
    assert messages(refusals) == (
        "A compulsory inventory decision comes at least 15 days after the recovery notice (01/03/2024), "
        "after the days of persuasion: from 16/03/2024, not 15/03/2024."
    )
    assert side(Kind.COMPULSORY_INVENTORY, D(2024, 3, 16), recorded=recorded) == []


def test_compulsory_inventory_after_the_inventory_is_refused():
    refusals = side(Kind.COMPULSORY_INVENTORY, D(2024, 5, 1), recorded=acts(Kind.NOTICE, Kind.INVENTORY))
    assert "The inventory is already done" in messages(refusals)
    refusals = side(Kind.COMPULSORY_INVENTORY, D(2024, 5, 1), recorded=acts(Kind.NOTICE), current=Stage.PLAN_POSTED)
    assert "The inventory is already done" in messages(refusals)


def test_a_side_event_is_recorded_once():
    recorded = {**acts(Kind.NOTICE), Kind.COMPULSORY_INVENTORY: D(2024, 4, 1)}
    refusals = side(Kind.COMPULSORY_INVENTORY, D(2024, 4, 2), recorded=recorded)
    assert messages(refusals) == "The compulsory inventory decision is already recorded, dated 01/04/2024."


# Enforcement, its order and its days: tests/clearance/test_enforcement_days.py.


# --- resettlement and complaints -------------------------------------------------------------


def test_resettlement_follows_the_plan_approval():
    refusals = side(Kind.RESETTLEMENT, D(2024, 9, 1), recorded=acts(*MAIN[:4]), current=Stage.PLAN_APPROVED)
    assert "approved compensation plan of 02/09/2024, not on 01/09/2024" in messages(refusals)
    assert side(Kind.RESETTLEMENT, APPROVED, recorded=acts(*MAIN[:4]), current=Stage.PLAN_APPROVED) == []
    assert "the approval is not recorded" in messages(side(Kind.RESETTLEMENT, APPROVED, recorded=acts(Kind.NOTICE)))


def test_a_complaint_is_resolved_on_or_after_it_was_received():
    received = D(2024, 5, 10)
    refusals = rules.check_complaint_resolution(received_on=received, resolved_on=D(2024, 5, 9), today=TODAY)
    assert messages(refusals) == (
        "A complaint is resolved on or after the day it was received (10/05/2024), not 09/05/2024."
    )
    assert rules.check_complaint_resolution(received_on=received, resolved_on=received, today=TODAY) == []
    assert rules.check_complaint(received_on=D(2025, 6, 2), today=TODAY)
    assert rules.check_complaint(received_on=TODAY, today=TODAY) == []


# --- hints ------------------------------------------------------------------------------------


def test_the_advance_form_tells_the_earliest_date_and_the_deadline():
    recorded = acts(*MAIN[:4])
    hints = rules.advance_hints(stage=Stage.RECOVERY_DECIDED, recorded=recorded, non_agricultural=True)
    text = " ".join(hints)
    assert "Notice of 01/03/2024: the decision can be dated from 28/08/2024 (180 days)." in text
    assert "Due by 12/09/2024" in text
    assert rules.advance_hints(stage=None, recorded=recorded, non_agricultural=False) == [
        "The land of this case has been handed over: there is no further stage."
    ]
