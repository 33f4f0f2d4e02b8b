"""The zone page: its phases with their report history, trend and registry by commune.

A fixed number of SQL queries whatever the number of cases: the registry is read from its rollups.
"""

from django.db.models import Prefetch

from clearance.models import ProgressReport
from clearance.read import figures
from clearance.read.ledger import Figures
from clearance.read.registry import RollupLedger, scope_filter
from clearance.read.trend import phase_trends
from zones.models import AdminUnit, UnitSuccession, ZoneDocument


def zone_page(scope, zone, *, today):
    """The zone page's context: {"zone", "phases" (each with .registry, .registry_by_commune, .trend), "documents"}."""
    registry = registry_by_phase_and_unit(zone, scope, today=today)
    phases = phases_with_history(zone, scope)
    trends = phase_trends(scope, phases, today=today)
    for phase in phases:
        phase.registry, phase.registry_by_commune = registry.get(phase.pk, (None, []))
        phase.trend = trends[phase.pk]
    return {
        "zone": zone,
        "phases": phases,
        "documents": zone_documents(zone),
        "registry_figures": figures.ZONE_PAGE,
    }


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


def registry_by_phase_and_unit(zone, scope, *, today):
    """Registry figures per phase over the cases the scope may see, broken down by the commune they were recorded under.

    The registry's one definition as of today (clearance.read.ledger, read from its rollups: the
    same figures as the overview's). Returns {phase_id: (phase total, [per-commune ledger.Figures, each
    with its `unit`, by commune name])}.
    """
    rows = RollupLedger(scope_filter(scope, zone=zone)).as_of(today)

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
    for (phase_id, unit_id), row in rows.items():
        row.unit = units[unit_id]  # the commune the row's cases were recorded under
        total, communes = result.setdefault(phase_id, (Figures(), []))
        total.add(row)
        communes.append(row)
    for _, communes in result.values():
        communes.sort(key=lambda row: (row.unit.name, row.unit.pk))
    return result
