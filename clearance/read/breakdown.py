"""The breakdown page: the registry per phase and 2025 commune, or per phase and legacy district.

Narrowed only by zone, phase or commune (or not at all), the rows are read from the registry
rollups (clearance.rollups), at a cost that does not grow with the number of cases. A filter on
what the rollups do not keep apart (a search, the stage, the kind, land uses, deadlines, synthetic
data) is answered from the cases it selects, through clearance.read.ledger: the same definition,
counted from the cases.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from clearance.read import ledger
from clearance.read.registry import RollupLedger, scope_filter
from clearance.read.reported import UnitGraph

# The filters of clearance.filters.CaseFilter that the rollups can answer: they narrow whole
# (phase, commune) rows.
ROLLUP_FILTERS = {"zone", "phase", "unit"}


@dataclass
class Group:
    """Registry figures of a breakdown row: a 2025 commune or a legacy district, within one phase."""

    phase: object
    units: list  # the 2025 commune(s) or legacy district(s) the row stands for
    recorded: list = field(default_factory=list)  # the units the cases were recorded under
    figures: ledger.Figures = field(default_factory=ledger.Figures)

    @property
    def label(self):
        return " / ".join(unit.name for unit in self.units) if self.units else ""

    @property
    def is_split(self):
        """Cases of a commune split in 2025 cannot be divided between its two successors."""
        return len(self.units) > 1


def breakdown_rows(scope, case_filter, phases, *, today, by):
    """[Group] per phase and 2025 commune (`by="commune"`) or legacy district (`by="district"`), as of today.

    `case_filter` is a bound clearance.filters.CaseFilter over `scope.cases(...)`; `phases` the
    phases the scope may see (with their zones). Rows are sorted by zone, phase and label.
    """
    data = case_filter.form.cleaned_data if case_filter.is_valid() else None
    narrowed = {name for name, value in (data or {}).items() if value not in (None, "", [])}
    if data is not None and narrowed <= ROLLUP_FILTERS:
        where = scope_filter(scope, zone=data.get("zone"), phase=data.get("phase"))
        if data.get("unit"):
            where &= Q(unit=data["unit"])
        now = RollupLedger(where).as_of(today)
    else:
        now = ledger.ledger(case_filter.qs).as_of(today)
    return group_rows(now, {phase.pk: phase for phase in phases}, UnitGraph(), by=by)


def group_rows(figures_by_key, phases, graph, *, by):
    """{(phase id, unit id): Figures} grouped into [Group] by the 2025 commune or legacy district of the unit."""
    groups = {}
    for (phase_id, unit_id), registry in figures_by_key.items():
        units = graph.current_units(unit_id) if by == "commune" else graph.legacy_districts(unit_id)
        key = (phase_id, tuple(unit.pk for unit in units))
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(phases[phase_id], units)
        group.recorded.append(graph.units[unit_id])
        group.figures.add(registry)
    rows = list(groups.values())
    for group in rows:
        group.recorded.sort(key=lambda unit: unit.name)
    rows.sort(key=lambda g: (g.phase.zone.name, g.phase.number, g.label))
    return rows
