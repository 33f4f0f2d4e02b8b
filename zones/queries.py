"""Read-side queries for the zone pages: a fixed number of SQL queries, whatever the data size."""

from decimal import Decimal

from django.db.models import Prefetch

from clearance.models import ProgressReport
from zones.models import AdminUnit, Phase, SummaryFigure, UnitSuccession, Zone, ZoneDocument
from zones.units import m2_to_ha


def accepted_reports(scope):
    """The reports that count as published figures: signed off, and not replaced by a signed-off correction."""
    return scope.reports(
        ProgressReport.objects.filter(status=ProgressReport.Status.ACCEPTED).exclude(
            correction__status=ProgressReport.Status.ACCEPTED
        )
    )


def zones_for_overview(scope, query=""):
    """The zones and clusters the scope may see, with their phases and each phase's latest accepted report.

    Four queries, whatever the number of zones.
    """
    latest_report = Prefetch(
        "reports",
        # A sliced Prefetch is one window-function query for all phases (Django ≥ 4.2).
        queryset=accepted_reports(scope).newest_first().select_related("source")[:1],
        to_attr="latest_reports",
    )
    phases = Prefetch(
        "phases",
        queryset=Phase.objects.order_by("number").select_related("source").prefetch_related(latest_report),
    )
    zones = (
        scope.zones(Zone.objects.select_related("unit__parent", "investor", "source"))
        .prefetch_related(phases)
        .order_by("kind", "name")
    )
    if query:
        zones = zones.search(query)
    zones = list(zones)
    for zone in zones:
        for phase in zone.phases.all():
            phase.latest_report = phase.latest_reports[0] if phase.latest_reports else None
    return zones


def summary_figures():
    return list(SummaryFigure.objects.select_related("source").order_by("metric", "-source__published_on"))


def phases_with_history(zone, scope):
    """The zone's phases, each with every report the scope may see, newest first.

    Each phase gets `latest_accepted`: the report the overview shows as its latest figures.
    """
    reports = Prefetch(
        "reports",
        queryset=scope.reports(ProgressReport.objects.newest_first()).select_related(
            "source", "unit", "reported_by", "correction"
        ),
        to_attr="history_newest_first",
    )
    phases = list(zone.phases.order_by("number").select_related("source").prefetch_related(reports))
    for phase in phases:
        phase.latest_accepted = next((report for report in phase.history_newest_first if _is_current(report)), None)
        for report in phase.history_newest_first:
            report.is_latest = report is phase.latest_accepted
    return phases


def _is_current(report):
    """Accepted, and not replaced by an accepted correction (the correction is joined, not queried)."""
    if report.status != ProgressReport.Status.ACCEPTED:
        return False
    try:
        correction = report.correction
    except ProgressReport.DoesNotExist:
        return True
    return correction.status != ProgressReport.Status.ACCEPTED


def zone_documents(zone):
    return list(ZoneDocument.objects.filter(zone=zone).order_by("doc_date", "id"))


class RegistryFigures:
    """What the case registry says for a phase or a commune, beside (never instead of) reported figures."""

    def __init__(self, unit=None):
        self.unit = unit
        self.cases = 0
        self.counted = 0
        self.handed_over = 0
        self.synthetic = 0
        self.recovered_m2 = Decimal(0)
        self.handed_over_m2 = Decimal(0)
        self.paid_vnd = 0

    def add(self, other):
        for name in ("cases", "counted", "handed_over", "synthetic", "recovered_m2", "handed_over_m2", "paid_vnd"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def recovered_ha(self):
        return m2_to_ha(self.recovered_m2)

    @property
    def handed_over_ha(self):
        return m2_to_ha(self.handed_over_m2)

    @property
    def all_synthetic(self):
        return self.cases > 0 and self.synthetic == self.cases


def registry_by_phase_and_unit(zone, scope, *, today):
    """Registry figures per phase over the cases the scope may see, broken down by the commune they were recorded under.

    The registry's one definition as of today (clearance.progress, read from its rollups: the
    same figures as the overview's). Returns {phase_id: (phase total, [per-commune figures, by
    commune name])}.
    """
    from clearance.rollups.reader import RollupLedger, scope_filter

    rows = {}
    for key, figures in RollupLedger(scope_filter(scope, zone=zone)).as_of(today).items():
        row = rows[key] = RegistryFigures()
        row.cases, row.counted, row.handed_over = figures.cases, figures.counted, figures.handed_over
        row.synthetic, row.recovered_m2 = figures.synthetic, figures.area_m2
        row.handed_over_m2, row.paid_vnd = figures.handed_over_m2, figures.paid_vnd

    units = AdminUnit.objects.filter(pk__in={unit_id for _, unit_id in rows}).select_related("parent")
    units = units.prefetch_related(
        Prefetch(
            "successions_to",
            queryset=UnitSuccession.objects.select_related("new").order_by("new__name"),
            to_attr="conversions",
        )
    )
    units = {unit.pk: unit for unit in units}

    result = {}
    for (phase_id, unit_id), figures in rows.items():
        figures.unit = units[unit_id]
        total, communes = result.setdefault(phase_id, (RegistryFigures(), []))
        total.add(figures)
        communes.append(figures)
    for _, communes in result.values():
        communes.sort(key=lambda figures: (figures.unit.name, figures.unit.pk))
    return result
