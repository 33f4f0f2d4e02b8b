"""Reported figures beside the registry's: each unit's latest accepted report, and where the two disagree.

A report's figures are never merged into the registry's, nor the other way round: the pages show
both, and flag a figure where the registry, counted up to the report's date, does not fit what the
report states ("more than 490" fits 495; "57 ha" exactly does not fit 58,35 ha).
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from clearance.models import ProgressReport
from clearance.read import figures
from clearance.read.ledger import Figures
from clearance.read.registry import RollupLedger, scope_filter
from zones.models import AdminUnit, Qualifier, Source, UnitSuccession
from zones.units import round_ha

# How far "about" and "nearly" may be from the registry and still agree.
TOLERANCE = Decimal("0.05")


# The figures a report can give, each beside the registry's (clearance.read.figures).
PAIRS = figures.REPORTED


@dataclass
class Comparison:
    figure: figures.Figure
    reported: object
    qualifier: str
    registered: object

    @property
    def agrees(self):
        return agrees(self.reported, self.registered, self.qualifier, ha=self.figure.unit == figures.HA)


def agrees(reported, registered, qualifier=Qualifier.EXACT, *, ha=False):
    """Whether the registry's figure fits the reported one as the report states it."""
    reported, registered = Decimal(reported), Decimal(registered)
    if ha:
        registered = round_ha(registered)
    if qualifier == Qualifier.MORE_THAN:
        return registered > reported
    if qualifier == Qualifier.NEARLY:
        return reported * (1 - TOLERANCE) <= registered <= reported
    if qualifier == Qualifier.ABOUT:
        return abs(registered - reported) <= reported * TOLERANCE
    return registered == reported


def stated(report, field, qualifier_field=None):
    """(figure, qualifier) as the report states it, or None where it gives no figure (not zero)."""
    value = getattr(report, field)
    if value is None:
        return None
    return value, getattr(report, qualifier_field) if qualifier_field else Qualifier.EXACT


def compare(report, registry):
    """The figures the report gives, each beside the registry's; what the report leaves out is skipped."""
    comparisons = []
    for figure in PAIRS:
        given = stated(report, figure.report_field, figure.qualifier_field)
        if given is not None:
            comparisons.append(Comparison(figure, *given, figure.value(registry)))
    return comparisons


def period_end(day, precision):
    """The last day a date stated to this precision can mean: a report "of 2024" may be of December."""
    if precision == Source.Precision.YEAR:
        return datetime.date(day.year, 12, 31)
    if precision == Source.Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def accepted_reports(scope):
    """The reports that count as published figures: signed off, and not replaced by a signed-off correction."""
    return scope.reports(
        ProgressReport.objects.filter(status=ProgressReport.Status.ACCEPTED).exclude(
            correction__status=ProgressReport.Status.ACCEPTED
        )
    )


def latest_reports(scope, narrowed=None):
    """Each unit's latest accepted report for each phase it reports on (one query).

    `narrowed` is accepted_reports(scope) with filters applied (zone, phase, unit): a filter picks
    among the latest reports, it never makes an older report the latest.
    """
    accepted = accepted_reports(scope)
    newest = accepted.filter(phase=OuterRef("phase"), unit=OuterRef("unit")).newest_first().values("pk")[:1]
    return list(
        (accepted if narrowed is None else narrowed)
        .filter(pk=Subquery(newest))
        .select_related("unit__parent", "source", "phase__zone")
        .order_by("phase__zone__name", "phase__number", "unit__name", "pk")
    )


class UnitGraph:
    """Which units cover which, across the 2025 reform: loaded once, two queries."""

    def __init__(self):
        self.units = {unit.pk: unit for unit in AdminUnit.objects.only("pk", "name", "parent", "structure", "level")}
        self.children = {}
        for unit in self.units.values():
            self.children.setdefault(unit.parent_id, []).append(unit.pk)
        self.successors, self.predecessors = {}, {}
        for old_id, new_id in UnitSuccession.objects.values_list("old_id", "new_id"):
            self.successors.setdefault(old_id, []).append(new_id)
            self.predecessors.setdefault(new_id, []).append(old_id)

    def coverage(self, unit_id):
        """The ground a unit answers for, by zones.access's rule: a legacy unit, its communes and what
        they became in 2025; a 2025 unit and the legacy communes it came from."""
        unit = self.units[unit_id]
        if unit.structure == AdminUnit.Structure.CURRENT:
            return frozenset({unit_id, *self.predecessors.get(unit_id, ())})
        legacy = {unit_id, *self.children.get(unit_id, ())}
        return frozenset(legacy.union(*(self.successors.get(old_id, ()) for old_id in legacy)))

    def current_units(self, unit_id):
        """The 2025 unit(s) a recorded unit is, or became (two for a commune split in 2025)."""
        unit = self.units[unit_id]
        if unit.structure == AdminUnit.Structure.CURRENT:
            return [unit]
        return sorted((self.units[pk] for pk in self.successors.get(unit_id, ())), key=lambda u: u.name)

    def legacy_districts(self, unit_id):
        """The legacy district(s) a recorded unit was in, or came from."""
        unit = self.units[unit_id]
        if unit.structure == AdminUnit.Structure.LEGACY:
            if unit.level == AdminUnit.Level.DISTRICT:
                return [unit]
            return [self.units[unit.parent_id]] if unit.parent_id in self.units else []
        parents = {self.units[old].parent_id for old in self.predecessors.get(unit_id, ())}
        return sorted((self.units[pk] for pk in parents if pk in self.units), key=lambda u: u.name)


def without_overlaps(reports, graph):
    """Per phase, the newest report of each ground: a newer report of a unit that is, or lies within,
    the ground of an older one replaces it (a 2025 commune's report replaces its old district's).
    Two 2025 communes sharing a split legacy commune are separate grounds: both are kept."""
    kept = []
    for report in sorted(reports, key=lambda r: (r.reported_on, r.pk), reverse=True):
        if not any(
            newer.phase_id == report.phase_id
            and (newer.unit_id in graph.coverage(report.unit_id) or report.unit_id in graph.coverage(newer.unit_id))
            for newer in kept
        ):
            kept.append(report)
    return sorted(kept, key=lambda r: (r.phase_id, r.unit.name, r.pk))


def registry_for_report(report, ledger, graph, by_phase=None):
    """(as of, Figures): the registry over the report's phase and ground, counted up to the last day
    the report can mean. `by_phase` is a cache shared by the reports of one page: {day: {phase id:
    [(unit id, Figures)]}}, so each report adds up only its own phase's rows."""
    ground = graph.coverage(report.unit_id)
    as_of = period_end(report.reported_on, report.source.date_precision)
    by_phase = {} if by_phase is None else by_phase
    phases = by_phase.get(as_of)
    if phases is None:
        phases = by_phase[as_of] = defaultdict(list)
        for (phase_id, unit_id), figures in ledger.as_of(as_of).items():
            phases[phase_id].append((unit_id, figures))
    return as_of, Figures.total(figures for unit_id, figures in phases.get(report.phase_id, ()) if unit_id in ground)


@dataclass
class ReportCheck:
    """One unit's latest accepted report beside the registry counted up to its date."""

    report: object
    as_of: object
    figures: Figures
    comparisons: list

    @property
    def disagreements(self):
        return [comparison for comparison in self.comparisons if not comparison.agrees]


def report_checks(book, graph, reports):
    """[ReportCheck] of each report beside `book` (a ledger: RollupLedger or ledger.Ledger) up to its date."""
    book.prefetch(period_end(r.reported_on, r.source.date_precision) for r in reports)
    checks, by_phase = [], {}
    for report in reports:
        as_of, registry = registry_for_report(report, book, graph, by_phase)
        checks.append(ReportCheck(report, as_of, registry, compare(report, registry)))
    return checks


def checks_for(scope, reports):
    """Each report beside the registry of the cases the scope may see (registry up to the report's date)."""
    return report_checks(RollupLedger(scope_filter(scope)), UnitGraph(), reports)
