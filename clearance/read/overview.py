"""The overview page: registry totals beside reported totals, progress by phase, bottlenecks, trends, zones.

Everything is read through the user's scope, in a fixed number of queries whatever the number of
cases (the registry rollups' totals and one query per 40 report dates, the latest reports' one, the
unit graph's two), and the page's size is bounded whatever the number of zones: it lists the first
OVERVIEW_ZONES zones and clusters of each kind (the rest are on the zone list, linked) and draws the
trend of the OVERVIEW_TREND_PHASES largest phases (the rest are on their zones' pages).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext_lazy as _

from clearance.read import figures, ledger, reported
from clearance.read.bottlenecks import bottleneck_summary
from clearance.read.registry import RollupLedger, scope_filter
from clearance.read.trend import phase_trends
from zones.models import Phase, Qualifier, SummaryFigure, Zone

# Zones (and, apart, clusters) listed on the overview with their phases; the zone list has them all.
OVERVIEW_ZONES = 20
# Phases whose trend charts the overview draws: the ones with the most cases.
OVERVIEW_TREND_PHASES = 4


@dataclass
class ReportedTotal:
    """The sum of one figure over the latest reports that give it (areas that do not overlap)."""

    figure: figures.Figure
    value: object = None
    qualifier: str = Qualifier.EXACT
    reports: list = field(default_factory=list)
    disagreeing: int = 0

    def add(self, report):
        given = reported.stated(report, self.figure.report_field, self.figure.qualifier_field)
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


def reported_totals(current_reports, checks):
    totals = {figure.report_field: ReportedTotal(figure) for figure in reported.PAIRS}
    for report in current_reports:
        for total in totals.values():
            total.add(report)
    for check in checks:
        for comparison in check.disagreements:
            totals[comparison.figure.report_field].disagreeing += 1
    return totals


@dataclass
class Dashboard:
    today: object
    totals: ledger.Figures
    phase_area_ha: Decimal
    phase_figures: dict  # phase id -> Figures
    reported: dict  # report field -> ReportedTotal
    checks: list

    def rows(self):
        """The totals, registry beside reports, one row per figure of figures.OVERVIEW in its order."""
        return [
            TotalRow(
                figure.label,
                figure.value(self.totals),
                figure.unit,
                figure.share_of(self.totals),
                self.reported.get(figure.report_field) if figure.report_field else None,
            )
            for figure in figures.OVERVIEW
        ]


@dataclass
class TotalRow:
    label: str
    value: object
    kind: str  # the figure's unit ("cases", "ha", "vnd", "count"): how the template writes it
    share: object  # percentage of the whole it belongs to, or None
    reported: ReportedTotal | None


def dashboard(scope, *, today, phase_ids=None, phase_area_ha=Decimal(0)):
    """The registry and report totals for the overview, over the phases `phase_ids` (None: every phase in scope).

    `phase_area_ha` is the planned area of those phases (ha), shown beside the registry's figures.
    """
    book = RollupLedger(scope_filter(scope))
    graph = reported.UnitGraph()
    latest = reported.latest_reports(scope)
    book.prefetch([today, *(reported.period_end(r.reported_on, r.source.date_precision) for r in latest)])
    now = book.as_of(today)
    current = reported.without_overlaps(latest, graph)
    checks = reported.report_checks(book, graph, latest)

    def shown(phase_id):
        return phase_ids is None or phase_id in phase_ids

    return Dashboard(
        today=today,
        totals=ledger.Figures.total(f for (phase_id, _unit), f in now.items() if shown(phase_id)),
        phase_area_ha=phase_area_ha,
        phase_figures=ledger.by_phase(now),
        reported=reported_totals(
            [r for r in current if shown(r.phase_id)], [c for c in checks if shown(c.report.phase_id)]
        ),
        checks=checks,
    )


@dataclass
class ZoneSection:
    """The zones or the clusters the overview lists: the first few of `count` matching ones."""

    kind: str
    title: str
    empty_text: str
    zones: list
    count: int

    @property
    def more(self):
        return self.count - len(self.zones)

    @property
    def has_phases(self):
        return any(zone.phases.all() for zone in self.zones)


def matching_zones(scope, query=""):
    """The zones and clusters the scope may see whose name or place matches `query` ("" : all)."""
    zones = scope.zones(Zone.objects.all())
    return zones.search(query) if query else zones


def zones_with_phases(scope, zones):
    """`zones` (a queryset) with unit, investor and source joined, and their phases, each phase with
    `latest_report`: the latest accepted report the scope may see (None without one). Four queries."""
    latest_report = Prefetch(
        "reports",
        # A sliced Prefetch is one window-function query for all phases (Django ≥ 4.2).
        queryset=reported.accepted_reports(scope).newest_first().select_related("source")[:1],
        to_attr="latest_reports",
    )
    phases = Prefetch(
        "phases",
        queryset=Phase.objects.order_by("number").select_related("source").prefetch_related(latest_report),
    )
    zones = list(zones.select_related("unit__parent", "investor", "source").prefetch_related(phases))
    for zone in zones:
        for phase in zone.phases.all():
            phase.latest_report = phase.latest_reports[0] if phase.latest_reports else None
    return zones


def zone_sections(scope, query="", *, limit=None):
    """[ZoneSection] for zones, then clusters: at most `limit` (OVERVIEW_ZONES) of each, by name;
    a fixed number of queries."""
    limit = OVERVIEW_ZONES if limit is None else limit
    matching = matching_zones(scope, query)
    counts = dict(matching.order_by().values_list("kind").annotate(n=Count("pk")))
    if scope.sees_everything:
        empty_texts = (_("No industrial zone recorded yet."), _("No industrial cluster recorded yet."))
    else:
        empty_texts = (_("No industrial zone in your area."), _("No industrial cluster in your area."))
    sections = []
    for kind, title, empty_text in (
        (Zone.Kind.INDUSTRIAL_ZONE, _("Industrial zones"), empty_texts[0]),
        (Zone.Kind.INDUSTRIAL_CLUSTER, _("Industrial clusters"), empty_texts[1]),
    ):
        first = matching.filter(kind=kind).order_by("name", "pk")[:limit]
        first = zones_with_phases(scope, first) if counts.get(kind) else []
        sections.append(ZoneSection(kind, title, empty_text, first, counts.get(kind, 0)))
    return sections


def summary_figures():
    """The province-wide figures the source article states ([SummaryFigure], newest source first per metric)."""
    return list(SummaryFigure.objects.select_related("source").order_by("metric", "-source__published_on"))


def overview_page(scope, query, *, today, stuck_days):
    """The overview page's context; its size and its number of queries do not grow with cases or zones."""
    sections = zone_sections(scope, query)
    if query:
        phases = Phase.objects.filter(zone__in=matching_zones(scope, query).values("pk"))
        phase_ids = set(phases.values_list("pk", flat=True))
    else:
        phases, phase_ids = scope.phases(Phase.objects.all()), None
    area = phases.aggregate(total=Sum("area_ha"))["total"] or Decimal(0)
    figures = dashboard(scope, today=today, phase_ids=phase_ids, phase_area_ha=area)
    charted, more_charts = _charted_phases(sections, figures)
    trends = phase_trends(scope, charted, today=today, summary=True)
    for phase in charted:
        phase.trend = trends[phase.pk]
    return {
        "query": query,
        "found": any(section.count for section in sections),
        "sections": sections,
        # The province-wide figures are the article's, not any area's: every role reads them, nobody else.
        "summary_figures": summary_figures() if scope.role else [],
        "dashboard": figures,
        "charted": charted,
        "more_charts": more_charts,
        "bottlenecks": bottleneck_summary(scope, today=today, stuck_days=stuck_days),
    }


def _charted_phases(sections, board):
    """(the largest phases listed, by cases, to chart here; the other listed phases with something to draw).

    A phase has something to draw when it has cases recorded or a report received.
    """
    drawable = [
        phase
        for section in sections
        for zone in section.zones
        for phase in zone.phases.all()
        if phase.pk in board.phase_figures or phase.latest_report is not None
    ]
    drawable.sort(key=lambda phase: -board.phase_figures[phase.pk].cases if phase.pk in board.phase_figures else 0)
    return drawable[:OVERVIEW_TREND_PHASES], drawable[OVERVIEW_TREND_PHASES:]
