"""The registry as of any day, read from the rollups: the Ledger's interface, at a cost that does
not grow with the number of cases (one query for the totals, one per 40 days asked)."""

from django.db.models import Q, Sum

from clearance.read.ledger import FIGURE_NAMES, Figures
from clearance.rollups import DATED_FIGURES, FIXED_FIGURES

# 13 sums a day: 40 days make a query of 520 sums, well within what both databases take.
DAYS_PER_QUERY = 40


def scope_filter(scope, *, zone=None, phase=None):
    """The rollup rows of the cases `scope.cases()` lets its user see, within a zone or phase if given."""
    where = Q()
    if scope.investor_id is not None:
        where &= Q(phase__zone__investor_id=scope.investor_id)
    elif scope.unit_ids is not None:
        where &= Q(unit_id__in=scope.unit_ids)
    if zone is not None:
        where &= Q(phase__zone=zone)
    if phase is not None:
        where &= Q(phase=phase)
    return where


class RollupLedger:
    """{(phase id, unit id): Figures} as of a day, for the rollup rows matching `where`."""

    def __init__(self, where=None):
        from clearance.models import RegistryTotal

        self.where = where if where is not None else Q()
        self.fixed = {
            (row["phase_id"], row["unit_id"]): row
            for row in RegistryTotal.objects.filter(self.where).values("phase_id", "unit_id", *FIXED_FIGURES)
        }
        self.cache = {}

    def keys(self):
        return set(self.fixed)

    def as_of(self, day):
        """{(phase_id, unit_id): Figures} with every dated step up to and including `day`.

        The result is shared between callers asking for the same day: read it, don't change it.
        """
        self.prefetch([day])
        return self.cache[day]

    def prefetch(self, days):
        """Read the figures as of each of these days, DAYS_PER_QUERY days to a query: the pages that
        compare every report with the registry at its own date ask for many days at once."""
        from clearance.models import RegistryDay

        days = sorted(set(days) - set(self.cache))
        for start in range(0, len(days), DAYS_PER_QUERY):
            chunk = days[start : start + DAYS_PER_QUERY]
            sums = {
                f"{name}_{index}": Sum(name, filter=Q(day__lte=day))
                for index, day in enumerate(chunk)
                for name in DATED_FIGURES
            }
            rows = (
                RegistryDay.objects.filter(self.where, day__lte=chunk[-1])
                .values("phase_id", "unit_id")
                .annotate(**sums)
                .order_by()
            )
            results = [self._fixed_figures() for _day in chunk]
            for row in rows:
                key = (row["phase_id"], row["unit_id"])
                for index, result in enumerate(results):
                    figures = result.setdefault(key, Figures())
                    for name in DATED_FIGURES:
                        setattr(figures, name, row[f"{name}_{index}"] or 0)
            self.cache.update(zip(chunk, results, strict=True))

    def _fixed_figures(self):
        return {key: Figures(**{name: row[name] for name in FIXED_FIGURES}) for key, row in self.fixed.items()}


assert set(FIXED_FIGURES) | set(DATED_FIGURES) == set(FIGURE_NAMES)
