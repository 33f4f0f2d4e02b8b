"""The working-day calendar: the holidays library, the weekly days off, the Tết holiday, the notices' overrides."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zones.models import CalendarOverride
from zones.workdays import HOLIDAY, NOTICE, WEEKLY, DayOff, Override, WorkCalendar, work_calendar

D = datetime.date
DAY_OFF = CalendarOverride.Kind.DAY_OFF
WORKING_DAY = CalendarOverride.Kind.WORKING_DAY


pytestmark = pytest.mark.usefixtures("in_english")


def calendar(*years, overrides=()):
    return WorkCalendar.build(years or range(2024, 2029), overrides=overrides)


# --- the Tết holiday period -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "period"),
    [
        pytest.param(2024, (D(2024, 2, 8), D(2024, 2, 14)), id="2024"),
        pytest.param(2025, (D(2025, 1, 25), D(2025, 2, 2)), id="2025"),
        pytest.param(2026, (D(2026, 2, 14), D(2026, 2, 22)), id="2026"),
        pytest.param(2027, (D(2027, 2, 4), D(2027, 2, 10)), id="2027"),
        pytest.param(2028, (D(2028, 1, 22), D(2028, 1, 30)), id="2028"),
    ],
)
def test_the_tet_holiday_is_the_run_of_days_off_around_the_first_day_of_the_lunar_year(year, period):
    assert calendar().tet_holiday_period(year) == period


def test_a_notice_can_lengthen_or_shorten_the_tet_holiday():
    longer = Override(D(2027, 2, 3), DAY_OFF, "Nghỉ thêm trước Tết", "1/TB-X", D(2026, 12, 1))
    shorter = Override(D(2026, 2, 14), WORKING_DAY, "Làm bù", "2/TB-X", D(2025, 12, 1))
    assert calendar(overrides=[longer]).tet_holiday_period(2027) == (D(2027, 2, 3), D(2027, 2, 10))
    assert calendar(overrides=[shorter]).tet_holiday_period(2026) == (D(2026, 2, 15), D(2026, 2, 22))


def test_a_year_beyond_the_lunar_calendar_has_no_known_tet_holiday():
    assert calendar(2101).tet_holiday_period(2101) is None


# --- days off ------------------------------------------------------------------------------------


def test_saturday_and_sunday_are_weekly_days_off_and_weekdays_work():
    cal = calendar()
    assert cal.day_off(D(2027, 3, 6)) == DayOff(WEEKLY, "Saturday")
    assert cal.day_off_reason(D(2027, 3, 7)) == "Sunday"
    assert cal.is_working_day(D(2027, 3, 8))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param(D(2024, 4, 29), "Day off (substituted from 05/04/2024)", id="swapped day off 2024"),
        pytest.param(D(2026, 4, 27), "Hung Kings' Commemoration Day (observed)", id="day off in lieu 2026"),
        pytest.param(D(2026, 8, 31), "Day off (substituted from 08/22/2026)", id="swapped day off 2026"),
        pytest.param(D(2026, 11, 24), "Vietnam Cultural Day", id="Vietnam Culture Day from 2026"),
        pytest.param(D(2027, 9, 2), "National Day", id="National Day 2027"),
        pytest.param(D(2027, 2, 10), "Fifth Day of Lunar New Year", id="Tết 2027"),
    ],
)
def test_public_holidays_come_from_the_library_with_their_names(day, name):
    assert calendar().day_off(day) == DayOff(HOLIDAY, name)


@pytest.mark.parametrize("day", [D(2024, 5, 4), D(2025, 4, 26), D(2026, 8, 22)])
def test_saturdays_made_working_days_by_a_swap_are_working_days(day):
    assert day.weekday() == 5
    assert calendar().is_working_day(day)


def test_names_follow_the_language_of_the_page():
    with translation.override("vi"):
        cal = calendar(2027)
        assert cal.day_off_reason(D(2027, 9, 2)) == "Quốc khánh"
        assert cal.day_off_reason(D(2027, 1, 1)) == "Tết Dương lịch"
    assert calendar(2027).day_off_reason(D(2027, 1, 1)) == "New Year's Day"


def test_a_notice_wins_over_the_library_for_its_day():
    festival = Override(D(2027, 3, 15), DAY_OFF, "Lễ hội Lồng tồng", "15/TB-UBND", D(2027, 3, 1))
    working = Override(D(2027, 9, 3), WORKING_DAY, "Đi làm bình thường", "9/TB-X", D(2027, 8, 1))
    cal = calendar(2027, overrides=[festival, working])
    assert cal.day_off(festival.date) == DayOff(NOTICE, "Lễ hội Lồng tồng", "15/TB-UBND", D(2027, 3, 1))
    assert cal.is_working_day(working.date)
    assert cal.day_off_reason(D(2027, 9, 2)) == "National Day"


def test_the_calendar_answers_only_for_its_years():
    cal = calendar(2027)
    with pytest.raises(ValueError, match="built for \\[2027\\], not 2028"):
        cal.day_off(D(2028, 3, 1))
    with pytest.raises(ValueError):
        cal.tet_holiday_period(2026)


# --- from the database -----------------------------------------------------------------------------


def _override(day, kind=DAY_OFF, **values):
    values = {"name": "Nghỉ lễ hội", "notice": "15/TB-UBND", "notice_date": day - datetime.timedelta(days=14)} | values
    return CalendarOverride.objects.create(date=day, kind=kind, **values)


@pytest.mark.django_db
def test_work_calendar_reads_the_overrides_of_its_years_in_one_query(django_assert_num_queries):
    _override(D(2027, 3, 15))
    _override(D(2027, 3, 13), WORKING_DAY, name="Làm bù")
    _override(D(2030, 3, 15))

    with django_assert_num_queries(1):
        cal = work_calendar({2026, 2027, 2028})

    assert set(cal.overrides) == {D(2027, 3, 15), D(2027, 3, 13)}
    assert cal.day_off_reason(D(2027, 3, 15)) == "Nghỉ lễ hội"
    assert cal.is_working_day(D(2027, 3, 13))


@pytest.mark.django_db
def test_one_override_per_date_with_a_message_a_user_can_read():
    _override(D(2027, 3, 15))
    duplicate = CalendarOverride(
        date=D(2027, 3, 15), kind=WORKING_DAY, name="Làm bù", notice="2/TB-X", notice_date=D(2027, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["date"] == ["This date already has a calendar override: change that one instead."]


@pytest.mark.django_db
def test_an_override_needs_its_notice():
    override = CalendarOverride(date=D(2027, 3, 15), kind=DAY_OFF, name="Nghỉ", notice="", notice_date=D(2027, 3, 1))
    with pytest.raises(ValidationError) as error:
        override.full_clean()
    assert set(error.value.message_dict) == {"notice"}
    assert str(_override(D(2027, 3, 15))) == "15/03/2027 Nghỉ lễ hội"
