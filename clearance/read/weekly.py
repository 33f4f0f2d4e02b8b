"""The rows of the weekly report: the registry by phase and recorded commune, this week and the one before.

Figures are the case registry as of the Sunday ending the week (clearance.read.ledger.ledger), so the
report of a past week reads the same whenever it is printed. Reports the units sent that week are
read beside the registry, never merged into it: their obstacles and proposals fill those columns,
and their figures are compared with the registry counted up to the report's own date.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clearance.models import ProgressReport
from clearance.read.bottlenecks import week_start
from clearance.read.ledger import Figures
from clearance.read.registry import RollupLedger, scope_filter
from clearance.read.reported import UnitGraph, report_checks
from zones.models import AdminUnit, Phase

ONE_DAY = datetime.timedelta(days=1)
# A report stands for its week while it is awaiting sign-off or accepted; a returned one does not.
STANDING = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday."""

    monday: datetime.date

    @classmethod
    def of(cls, day):
        return cls(week_start(day))

    @property
    def sunday(self):
        return self.monday + 6 * ONE_DAY

    @property
    def previous_sunday(self):
        return self.monday - ONE_DAY

    @property
    def iso(self):
        year, number, _weekday = self.monday.isocalendar()
        return f"{year}-W{number:02d}"


@dataclass
class Row:
    """One line of the report: a commune of a phase, a phase's subtotal ("phase") or the grand total."""

    level: str  # "commune", "phase" or "total"
    now: Figures
    before: Figures
    phase: Phase | None = None
    unit: AdminUnit | None = None
    current_units: list = field(default_factory=list)
    obstacles: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    checks: list = field(default_factory=list)

    def change(self, figure):
        """How much `figure` (a clearance.read.figures.Figure) grew since the Sunday before.

        Hectares are the difference of the two weeks' figures as each report shows them (each
        rounded once from its m²), so last week's figure plus the change is this week's on paper.
        """
        return figure.value(self.now) - figure.value(self.before)

    @property
    def differs(self):
        return any(check.disagreements for check in self.checks)


@dataclass
class WeeklyReport:
    week: Week
    rows: list  # commune rows, each phase followed by its subtotal
    total: Row
    province: str
    scope_text: str

    @property
    def synthetic(self):
        return self.total.now.synthetic

    def facts(self):
        """(label, text) of what the report is: shown above the page's table and in the XLSX title rows."""
        sunday = date_format(self.week.sunday, "SHORT_DATE_FORMAT")
        week = _("%(monday)s – %(sunday)s (%(iso)s)") % {
            "monday": date_format(self.week.monday, "SHORT_DATE_FORMAT"),
            "sunday": sunday,
            "iso": self.week.iso,
        }
        if self.synthetic:
            synthetic = ngettext(
                "Includes %(count)s synthetic case: generated demo data, not real figures.",
                "Includes %(count)s synthetic cases: generated demo data, not real figures.",
                self.synthetic,
            ) % {"count": self.synthetic}
        else:
            synthetic = _("No synthetic cases included.")
        return [
            (_("Province"), self.province),
            (_("Week"), week),
            (_("Scope"), self.scope_text),
            (_("Figures as of"), sunday),
            (_("Source"), _("LSIP case registry, stage events up to %(date)s") % {"date": sunday}),
            (_("Demo data"), synthetic),
        ]


def report_for_week(scope, *, week, zone=None, phase=None, unit=None):
    """The report of `week` over what `scope` may see, narrowed to a zone, a phase or a recorded commune.

    A fixed number of queries, whatever the number of cases: the registry rollups' three (totals,
    this Sunday, last Sunday), the unit graph's two, the phases and the reports.
    """
    reports = scope.reports(
        ProgressReport.objects.filter(status__in=STANDING, reported_on__range=(week.monday, week.sunday))
        # A version corrected by a standing newer one no longer speaks for the unit.
        .exclude(correction__status__in=STANDING)
    )
    if zone is not None:
        reports = reports.filter(phase__zone=zone)
    if phase is not None:
        reports = reports.filter(phase=phase)
    # The commune narrows the rows, not the ledger: a report of a district is compared with the
    # registry of its whole ground even when one commune is shown.
    book = RollupLedger(scope_filter(scope, zone=zone, phase=phase))
    book.prefetch([week.sunday, week.previous_sunday])
    now, before = book.as_of(week.sunday), book.as_of(week.previous_sunday)
    keys = [key for key in now if unit is None or key[1] == unit.pk]

    graph = UnitGraph()
    phases = Phase.objects.filter(pk__in={phase_id for phase_id, _unit_id in keys}).select_related("zone__investor")
    phases = sorted(phases, key=lambda p: (p.zone.kind, p.zone.name, p.number))
    checks = report_checks(book, graph, _latest_per_unit(reports.select_related("unit", "source")))
    grounds = [(check, graph.coverage(check.report.unit_id)) for check in checks]

    rows, subtotals = [], []
    for each_phase in phases:
        communes = sorted((k for k in keys if k[0] == each_phase.pk), key=lambda k: graph.units[k[1]].name)
        phase_rows = [_commune_row(each_phase, graph, now[key], before[key], grounds, key[1]) for key in communes]
        subtotal = Row(
            "phase",
            Figures.total(row.now for row in phase_rows),
            Figures.total(row.before for row in phase_rows),
            phase=each_phase,
        )
        rows += [*phase_rows, subtotal]
        subtotals.append(subtotal)
    total = Row("total", Figures.total(row.now for row in subtotals), Figures.total(row.before for row in subtotals))
    return WeeklyReport(
        week=week,
        rows=rows,
        total=total,
        province=_province(graph),
        scope_text=_scope_text(scope, zone, phase, unit),
    )


def _latest_per_unit(reports):
    """Each unit's newest standing report for each phase, among those of the week."""
    latest = {}
    for report in reports.order_by("-reported_on", "-id"):
        latest.setdefault((report.phase_id, report.unit_id), report)
    return sorted(latest.values(), key=lambda r: (r.unit.name, r.reported_on, r.pk))


def _commune_row(phase, graph, now, before, grounds, unit_id):
    row = Row(
        "commune",
        now,
        before,
        phase=phase,
        unit=graph.units[unit_id],
        current_units=[u for u in graph.current_units(unit_id) if u.pk != unit_id],
    )
    for check, ground in grounds:
        if check.report.phase_id == phase.pk and unit_id in ground:
            row.checks.append(check)
            row.obstacles += [check.report.obstacles.strip()] if check.report.obstacles.strip() else []
            row.proposals += [check.report.proposals.strip()] if check.report.proposals.strip() else []
    return row


def _province(graph):
    provinces = [unit.name for unit in graph.units.values() if unit.level == AdminUnit.Level.PROVINCE]
    return min(provinces) if provinces else _("Lạng Sơn province")


def _scope_text(scope, zone, phase, unit):
    if scope.sees_everything:
        parts = [_("the whole province")]
    elif scope.investor_name:
        parts = [_("zones of %(investor)s") % {"investor": scope.investor_name}]
    elif scope.unit_names:
        parts = [_("area of %(units)s") % {"units": ", ".join(scope.unit_names)}]
    else:
        parts = [_("no area: the account has no role")]
    for label, value in ((_("zone"), zone), (_("phase"), phase), (_("commune"), unit)):
        if value is not None:
            parts.append(f"{label}: {value}")
    return capfirst("; ".join(parts))
