"""The provincial dashboard's figures: registry totals, reported totals, breakdowns and disagreements.

Everything is read through the user's scope, in a fixed number of queries whatever the number of
cases (the registry rollups' totals and one query per 40 report dates, the latest reports' one, the
unit graph's two); the breakdowns read the ledger over the cases they filter.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from clearance import progress, reported
from clearance.progress import percent
from clearance.rollups.reader import RollupLedger, scope_filter
from zones.models import Qualifier


@dataclass
class ReportCheck:
    """One unit's latest accepted report beside the registry counted up to its date."""

    report: object
    as_of: object
    figures: progress.Figures
    comparisons: list

    @property
    def disagreements(self):
        return [comparison for comparison in self.comparisons if not comparison.agrees]


@dataclass
class ReportedTotal:
    """The sum of one figure over the latest reports that give it (areas that do not overlap)."""

    pair: reported.Pair
    value: object = None
    qualifier: str = Qualifier.EXACT
    reports: list = field(default_factory=list)
    disagreeing: int = 0

    def add(self, report):
        given = reported.stated(report, self.pair.report_field, self.pair.qualifier_field)
        if given is None:
            return
        figure, qualifier = given
        self.value = figure if self.value is None else self.value + figure
        self.qualifier = _combined(self.qualifier, qualifier, first=not self.reports)
        self.reports.append(report)

    @property
    def first(self):
        """The oldest of the reports summed (its source says how precise its date is)."""
        return min(self.reports, key=lambda report: report.reported_on) if self.reports else None

    @property
    def last(self):
        return max(self.reports, key=lambda report: report.reported_on) if self.reports else None


def _combined(so_far, stated, *, first):
    """ "more than 490" plus exactly 20 is more than 510; anything with "about" in it is about."""
    if first or so_far == stated:
        return stated
    if Qualifier.EXACT in (so_far, stated):
        return stated if so_far == Qualifier.EXACT else so_far
    return Qualifier.ABOUT


@dataclass
class Group:
    """Registry figures of a breakdown row: a 2025 commune or a legacy district, within one phase."""

    phase: object
    units: list  # the 2025 commune(s) or legacy district(s) the row stands for
    recorded: list = field(default_factory=list)  # the units the cases were recorded under
    figures: progress.Figures = field(default_factory=progress.Figures)

    @property
    def label(self):
        return " / ".join(unit.name for unit in self.units) if self.units else ""

    @property
    def is_split(self):
        """Cases of a commune split in 2025 cannot be divided between its two successors."""
        return len(self.units) > 1


def report_checks(book, graph, reports):
    book.prefetch(reported.period_end(r.reported_on, r.source.date_precision) for r in reports)
    checks = []
    for report in reports:
        as_of, figures = reported.registry_for_report(report, book, graph)
        checks.append(ReportCheck(report, as_of, figures, reported.compare(report, figures)))
    return checks


def reported_totals(current_reports, checks):
    totals = {pair.report_field: ReportedTotal(pair) for pair in reported.PAIRS}
    for report in current_reports:
        for total in totals.values():
            total.add(report)
    for check in checks:
        for comparison in check.disagreements:
            totals[comparison.pair.report_field].disagreeing += 1
    return totals


def breakdown(figures_by_key, phases, graph, *, by):
    """Rows per phase and 2025 commune (`by="commune"`) or legacy district (`by="district"`)."""
    groups = {}
    for (phase_id, unit_id), figures in figures_by_key.items():
        units = graph.current_units(unit_id) if by == "commune" else graph.legacy_districts(unit_id)
        key = (phase_id, tuple(unit.pk for unit in units))
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(phases[phase_id], units)
        group.recorded.append(graph.units[unit_id])
        group.figures.add(figures)
    rows = list(groups.values())
    for group in rows:
        group.recorded.sort(key=lambda unit: unit.name)
    rows.sort(key=lambda g: (g.phase.zone.name, g.phase.number, g.label))
    return rows


@dataclass
class Dashboard:
    today: object
    totals: progress.Figures
    phase_area_ha: Decimal
    phase_figures: dict  # phase id -> Figures
    reported: dict  # report field -> ReportedTotal
    checks: list

    def rows(self):
        """The province totals, registry beside reports, in the order of the weekly report's columns."""
        t, r = self.totals, self.reported
        return [
            TotalRow(_("Affected cases"), t.cases, "cases", None, r["cases_total"]),
            TotalRow(_("Area to recover"), t.area_ha, "ha", None, None),
            TotalRow(_("Counted (cases)"), t.counted, "cases", t.share("counted"), r["cases_counted"]),
            TotalRow(_("Counted (area)"), t.counted_ha, "ha", percent(t.counted_m2, t.area_m2), r["area_counted_ha"]),
            TotalRow(_("Plans approved (cases)"), t.approved, "cases", t.share("approved"), r["plans_approved_cases"]),
            TotalRow(_("Plans approved (area)"), t.approved_ha, "ha", percent(t.approved_m2, t.area_m2), None),
            TotalRow(_("Plans approved (VND)"), t.approved_vnd, "vnd", None, r["plans_approved_vnd"]),
            TotalRow(_("Paid (cases)"), t.paid, "cases", t.share("paid"), r["cases_paid"]),
            TotalRow(_("Paid (VND)"), t.paid_vnd, "vnd", percent(t.paid_vnd, t.approved_vnd), r["amount_paid_vnd"]),
            TotalRow(_("Handed over (cases)"), t.handed_over, "cases", t.share("handed_over"), None),
            TotalRow(_("Handed over (area)"), t.handed_over_ha, "ha", t.handed_over_area_pct, r["area_handed_over_ha"]),
            TotalRow(
                _("Graves relocated"),
                t.graves_relocated,
                "count",
                percent(t.graves_relocated, t.graves),
                r["graves_relocated"],
            ),
            TotalRow(
                _("Resettlement plots allocated"), t.plots_allocated, "count", None, r["resettlement_plots_allocated"]
            ),
            TotalRow(_("Compulsory inventory (cases)"), t.compulsory, "cases", None, None),
            TotalRow(_("Enforced recovery (cases)"), t.enforced, "cases", None, None),
        ]


@dataclass
class TotalRow:
    label: str
    value: object
    kind: str  # "cases", "ha", "vnd", "count": how the template writes it
    share: object  # percentage of the whole it belongs to, or None
    reported: ReportedTotal | None


def dashboard(scope, zones, *, today):
    """The figures for the overview page, over the zones (with their phases prefetched) it shows."""
    book = RollupLedger(scope_filter(scope))
    graph = reported.UnitGraph()
    latest = reported.latest_reports(scope)
    book.prefetch([today, *(reported.period_end(r.reported_on, r.source.date_precision) for r in latest)])
    now = book.as_of(today)
    current = reported.without_overlaps(latest, graph)
    checks = report_checks(book, graph, latest)
    phases = [phase for zone in zones for phase in zone.phases.all()]
    shown = {phase.pk for phase in phases}
    return Dashboard(
        today=today,
        totals=progress.Figures.total(f for (phase_id, _unit), f in now.items() if phase_id in shown),
        phase_area_ha=sum((phase.area_ha for phase in phases if phase.area_ha is not None), Decimal(0)),
        phase_figures=progress.by_phase(now),
        reported=reported_totals(
            [r for r in current if r.phase_id in shown], [c for c in checks if c.report.phase_id in shown]
        ),
        checks=checks,
    )


def checks_for(scope, reports):
    """Each report beside the registry of the cases the scope may see (registry up to the report's date)."""
    return report_checks(RollupLedger(scope_filter(scope)), reported.UnitGraph(), reports)


def commune_breakdowns(cases, phases, *, today, by):
    """Breakdown rows for the given cases, as of today, with the unit graph they need."""
    graph = reported.UnitGraph()
    now = progress.ledger(cases).as_of(today)
    return breakdown(now, {phase.pk: phase for phase in phases}, graph, by=by)
