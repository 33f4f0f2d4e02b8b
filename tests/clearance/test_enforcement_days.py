"""Enforcement days (Land Law 2024 art. 89 cl. 1 point b) at their boundaries: pure rules, no database.

The calendar comes from the holidays library and overrides given as values; building it from the
database is tested in tests/zones/test_workdays.py, and the form in tests/clearance/test_case_updates.py.
"""

import datetime

import pytest
from django.utils import translation

from clearance import rules
from clearance.models import Stage, StageEvent
from zones.models import CalendarOverride
from zones.workdays import Override, WorkCalendar

Kind = StageEvent.Kind
D = datetime.date
T = datetime.time
TODAY = D(2028, 12, 31)

# A lawful timeline up to the payment: enforcement may follow from the recovery decision.
RECORDED = {
    Kind.NOTICE: D(2024, 3, 1),
    Kind.INVENTORY: D(2024, 4, 15),
    Kind.PLAN_POSTED: D(2024, 6, 3),
    Kind.PLAN_APPROVED: D(2024, 9, 3),
    Kind.RECOVERY_DECIDED: D(2024, 9, 9),
    Kind.PAID: D(2024, 9, 20),
}

# A provincial notice: a minority's traditional festival as a day off; a Saturday made a working day.
FESTIVAL = Override(
    D(2027, 3, 15),
    CalendarOverride.Kind.DAY_OFF,
    "Nghỉ lễ hội truyền thống của đồng bào Tày, Nùng",
    "15/TB-UBND",
    D(2027, 3, 1),
)
WORKING_SATURDAY = Override(
    D(2027, 3, 13), CalendarOverride.Kind.WORKING_DAY, "Làm bù cho ngày 15/03/2027", "15/TB-UBND", D(2027, 3, 1)
)


pytestmark = pytest.mark.usefixtures("in_english")


def enforcement(day, *, start_time=None, recorded=RECORDED, overrides=()):
    calendar = WorkCalendar.build(rules.calendar_years(day), overrides=overrides)
    return rules.check_side_event(
        current=Stage.PAID,
        recorded=recorded,
        kind=Kind.ENFORCEMENT,
        happened_on=day,
        today=TODAY,
        calendar=calendar,
        start_time=start_time,
    )


def messages(refusals):
    return " ".join(refusal.message for refusal in refusals)


# --- order ------------------------------------------------------------------------------------


def test_enforcement_needs_the_recovery_decision():
    before_decision = {kind: day for kind, day in RECORDED.items() if kind != Kind.RECOVERY_DECIDED}
    refusals = enforcement(D(2024, 10, 1), recorded=before_decision)
    assert "Enforcement comes only after the recovery decision, which is not recorded." in messages(refusals)
    refusals = enforcement(D(2024, 9, 6))
    assert "after the recovery decision of 09/09/2024, not on 06/09/2024" in messages(refusals)
    assert enforcement(D(2024, 9, 9)) == []


def test_an_enforcement_is_never_checked_without_the_calendar():
    with pytest.raises(TypeError):
        rules.check_side_event(
            current=Stage.PAID, recorded=RECORDED, kind=Kind.ENFORCEMENT, happened_on=D(2027, 3, 10), today=TODAY
        )


# --- 15 days before and after the Tết holiday --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        # Tết 2027: holiday 04/02–10/02/2027, so no enforcement 20/01–25/02/2027.
        pytest.param(D(2027, 1, 19), False, id="2027 the Tuesday before the window"),
        pytest.param(D(2027, 1, 20), True, id="2027 first day of the window"),
        pytest.param(D(2027, 2, 25), True, id="2027 last day of the window"),
        pytest.param(D(2027, 2, 26), False, id="2027 the Friday after the window"),
        # Tết 2028: holiday 22/01–30/01/2028, so no enforcement 07/01–14/02/2028.
        pytest.param(D(2028, 1, 6), False, id="2028 the Thursday before the window"),
        pytest.param(D(2028, 1, 7), True, id="2028 first day of the window"),
        pytest.param(D(2028, 2, 14), True, id="2028 last day of the window"),
        pytest.param(D(2028, 2, 15), False, id="2028 the Tuesday after the window"),
        pytest.param(D(2027, 3, 10), False, id="a Wednesday in March 2027"),
    ],
)
def test_no_enforcement_within_15_days_of_the_tet_holiday(day, refused):
    refusals = enforcement(day)
    assert bool(refusals) is refused
    if refused:
        assert [r.field for r in refusals] == ["date"]
        assert "within 15 days before or after the Tết holiday" in messages(refusals)


def test_the_tet_refusal_names_the_holiday_period_and_the_window():
    assert messages(enforcement(D(2027, 2, 1))) == (
        "Enforcement is never carried out within 15 days before or after the Tết holiday (04/02/2027–10/02/2027): "
        "01/02/2027 falls between 20/01/2027 and 25/02/2027."
    )


def test_the_window_runs_from_the_ends_of_the_holiday_not_from_the_first_day_of_tet():
    # Tết 2025 fell on 29/01; its holiday ran 25/01–02/02, so 16/02 and 17/02 are still refused.
    assert enforcement(D(2025, 2, 17))
    assert enforcement(D(2025, 2, 18)) == []
    assert enforcement(D(2025, 1, 9)) == []
    assert enforcement(D(2025, 1, 10))


# --- days off and public holidays ----------------------------------------------------------------


def test_saturday_and_sunday_are_refused_by_name():
    saturday, sunday = enforcement(D(2027, 3, 6)), enforcement(D(2027, 3, 7))
    assert messages(saturday).startswith("06/03/2027 is a Saturday, a weekly day off")
    assert messages(sunday).startswith("07/03/2027 is a Sunday, a weekly day off")
    assert [r.field for r in saturday + sunday] == ["date", "date"]


def test_a_public_holiday_is_refused_by_its_name():
    assert messages(enforcement(D(2027, 9, 2))) == (
        "02/09/2027 is a public holiday: National Day. "
        "Enforcement is never carried out on a day off or a public holiday."
    )
    assert "03/09/2027 is a public holiday: National Day" in messages(enforcement(D(2027, 9, 3)))
    assert "24/11/2027 is a public holiday: Vietnam Cultural Day" in messages(enforcement(D(2027, 11, 24)))


def test_a_public_holiday_is_named_in_vietnamese():
    with translation.override("vi"):
        text = messages(enforcement(D(2027, 9, 2)))
    # The sentence around the name is translated once the catalogue has it.
    assert "02/09/2027" in text and "Quốc khánh" in text


def test_the_library_knows_the_swapped_days():
    assert enforcement(D(2025, 4, 26)) == []  # a Saturday made a working day for 02/05/2025
    assert "02/05/2025 is a public holiday: Day off" in messages(enforcement(D(2025, 5, 2)))
    assert "03/01/2028 is a public holiday: New Year's Day (observed)" in messages(enforcement(D(2028, 1, 3)))


def test_a_day_off_declared_by_a_notice_is_refused_with_its_notice():
    assert enforcement(FESTIVAL.date) == []  # a Monday, until the notice is entered
    assert messages(enforcement(FESTIVAL.date, overrides=[FESTIVAL])) == (
        "15/03/2027 is a day off: Nghỉ lễ hội truyền thống của đồng bào Tày, Nùng (notice 15/TB-UBND of 01/03/2027). "
        "Enforcement is never carried out on a day off or a public holiday."
    )


def test_a_working_day_declared_by_a_notice_is_accepted():
    assert enforcement(WORKING_SATURDAY.date)
    assert enforcement(WORKING_SATURDAY.date, overrides=[WORKING_SATURDAY]) == []


def test_a_notice_wins_over_the_library():
    holiday = Override(D(2027, 9, 3), CalendarOverride.Kind.WORKING_DAY, "Đi làm", "1/TB-X", D(2027, 8, 1))
    assert enforcement(holiday.date, overrides=[holiday]) == []


# --- never from 22:00 to 06:00 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_time", "refused"),
    [
        pytest.param(T(22, 30), True, id="22:30"),
        pytest.param(T(22, 0), True, id="22:00"),
        pytest.param(T(5, 59), True, id="05:59"),
        pytest.param(T(6, 0), False, id="06:00"),
        pytest.param(T(8, 0), False, id="08:00"),
        pytest.param(T(21, 59), False, id="21:59"),
        pytest.param(None, False, id="no time recorded"),
    ],
)
def test_no_enforcement_starts_at_night(start_time, refused):
    refusals = enforcement(D(2027, 3, 10), start_time=start_time)
    assert bool(refusals) is refused
    if refused:
        assert [r.field for r in refusals] == ["time"]
        assert messages(refusals) == (
            f"Enforcement never starts between 22:00 and 06:00 the next morning: {start_time:%H:%M} is at night."
        )


def test_a_night_start_on_a_sunday_gets_both_refusals():
    refusals = enforcement(D(2027, 3, 7), start_time=T(23, 0))
    assert [r.field for r in refusals] == ["date", "time"]
