"""The working-day calendar of state bodies, for any year: weekly days off, public holidays, the Tết holiday.

- Weekly days off: Saturday and Sunday. State bodies work Monday to Friday, 40 hours a week
  (Decision 188/1999/QĐ-TTg, art. 1).
- Public holidays and the Tết holiday: the `holidays` library (pinned in requirements.txt), which
  follows the Labour Code 2019 art. 112 and the government's yearly notices: the days of Tết, the
  days off in lieu, the swapped days off and the Saturdays they make working days.
- A notice the library does not know yet, a traditional Tết of an ethnic minority or a local special
  case declared by the province: a CalendarOverride row, which wins over the library for its date.

Pure Python plus one query for the overrides. Why and how the rules use it: docs/decisions/0006-case-rules.md.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import holidays
from django.utils import translation
from django.utils.dates import WEEKDAYS

from zones.models import CalendarOverride

ONE_DAY = datetime.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6
# The library's name of the first day of the lunar year, in its default language (Vietnamese).
LUNAR_NEW_YEAR = "Tết Nguyên Đán"

# Why a day is a day off (DayOff.kind).
WEEKLY = "weekly"
HOLIDAY = "holiday"
NOTICE = "notice"


class Override(NamedTuple):
    """A CalendarOverride as the calendar keeps it: a plain value, so the calendar can be built without a database."""

    date: datetime.date
    kind: str
    name: str
    notice: str = ""
    notice_date: datetime.date | None = None


class DayOff(NamedTuple):
    """Why a day is not a working day: a weekly day off, a public holiday (named), or a day declared by a notice."""

    kind: str
    name: str
    notice: str = ""
    notice_date: datetime.date | None = None


def _library_language():
    return "vi" if (translation.get_language() or "vi").startswith("vi") else "en_US"


@functools.lru_cache(maxsize=32)
def _library(years, language):
    """The library's holidays of these years: (day → name, Saturdays made working days, year → first day of Tết)."""
    named = holidays.country_holidays("VN", years=years, language=language)
    # The first day of the lunar year is looked up by its Vietnamese name, whatever the language shown.
    vietnamese = named if language == "vi" else holidays.country_holidays("VN", years=years, language="vi")
    lunar_new_years = {day.year: day for day in vietnamese.get_named(LUNAR_NEW_YEAR, lookup="exact")}
    return dict(named), frozenset(named.weekend_workdays), lunar_new_years


@dataclass(frozen=True)
class WorkCalendar:
    """The days off of the years it was built for; ask it only about those years."""

    years: frozenset
    holiday_names: Mapping  # day → the holiday's name, in the language active when the calendar was built
    weekend_workdays: frozenset  # Saturdays (or Sundays) a swap made working days
    lunar_new_years: Mapping  # year → the first day of the lunar year (mùng 1 Tết)
    overrides: Mapping  # day → Override

    @classmethod
    def build(cls, years: Iterable[int], *, overrides: Iterable = ()):
        """The calendar of these years from the library and the given overrides (no database).

        `overrides`: Override values or CalendarOverride rows; those of other years are left out.
        """
        years = frozenset(years)
        names, weekend_workdays, lunar_new_years = _library(tuple(sorted(years)), _library_language())
        kept = {o.date: Override(o.date, o.kind, o.name, o.notice, o.notice_date) for o in overrides}
        return cls(
            years=years,
            holiday_names=MappingProxyType(names),
            weekend_workdays=weekend_workdays,
            lunar_new_years=MappingProxyType(lunar_new_years),
            overrides=MappingProxyType({day: o for day, o in kept.items() if day.year in years}),
        )

    def _check(self, year):
        if year not in self.years:
            raise ValueError(f"the calendar was built for {sorted(self.years)}, not {year}")

    def day_off(self, day) -> DayOff | None:
        """Why `day` is a day off, or None for a working day."""
        self._check(day.year)
        return self._day_off(day)

    def _day_off(self, day):
        override = self.overrides.get(day)
        if override is not None:
            if override.kind == CalendarOverride.Kind.WORKING_DAY:
                return None
            return DayOff(NOTICE, override.name, override.notice, override.notice_date)
        if day in self.holiday_names:
            return DayOff(HOLIDAY, self.holiday_names[day])
        if day.weekday() in (SATURDAY, SUNDAY) and day not in self.weekend_workdays:
            return DayOff(WEEKLY, str(WEEKDAYS[day.weekday()]))
        return None

    def day_off_reason(self, day) -> str | None:
        """The holiday's or the notice's name, "Saturday" or "Sunday" (translated), or None for a working day."""
        off = self.day_off(day)
        return off.name if off else None

    def is_working_day(self, day) -> bool:
        return self.day_off(day) is None

    def tet_holiday_period(self, year):
        """The Tết holiday (thời gian nghỉ Tết Nguyên đán) of `year` as (first day, last day), or None if unknown.

        The run of consecutive days off — weekends, holidays and notices' days off, less the days made
        working days — that holds the first day of the lunar year.
        """
        self._check(year)
        first = last = self.lunar_new_years.get(year)
        if first is None:
            return None  # beyond the library's lunar calendar (it ends in 2100)
        while self._day_off(first - ONE_DAY):
            first -= ONE_DAY
        while self._day_off(last + ONE_DAY):
            last += ONE_DAY
        return first, last


def work_calendar(years) -> WorkCalendar:
    """The calendar of these years: the library, and the overrides of those years read in one query."""
    years = frozenset(years)
    rows = CalendarOverride.objects.filter(date__year__in=sorted(years)).values_list(
        "date", "kind", "name", "notice", "notice_date"
    )
    return WorkCalendar.build(years, overrides=[Override(*row) for row in rows])
