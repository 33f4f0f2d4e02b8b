"""The working days the national set's acts fall on, drawn fast."""

import bisect
import datetime

from clearance import rules
from clearance.national import vocabulary as v
from zones.workdays import WorkCalendar

DAY = datetime.timedelta(days=1)


class Dates:
    """Working days of state bodies in the set's period, drawn by bisection: the calendar is asked once a day."""

    def __init__(self):
        # From the library alone, as the demo: the same data whatever overrides a database holds.
        calendar = WorkCalendar.build(range(v.NATIONAL_START.year - 1, v.NATIONAL_END.year + 2))
        days = [v.NATIONAL_START + DAY * i for i in range((v.NATIONAL_END - v.NATIONAL_START).days + 1)]
        self.working = [d for d in days if d.weekday() < 5 and calendar.is_working_day(d)]
        self.enforceable = [d for d in self.working if not rules.enforcement_day_refusals(d, calendar=calendar)]

    def pick(self, rng, start, lo, hi, days=None):
        """A working day lo..hi days after start, at random, or None if there is none by NATIONAL_END."""
        days = days or self.working
        first = bisect.bisect_left(days, start + DAY * lo)
        last = bisect.bisect_right(days, start + DAY * hi)
        return days[first + rng.randrange(last - first)] if last > first else None
