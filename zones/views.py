from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clearance.bottlenecks import bottleneck_summary
from clearance.dashboard import dashboard
from clearance.trend import phase_trends
from zones import queries
from zones.access import scope_for
from zones.models import Zone

# Phases whose trend charts the overview draws: the ones with the most cases.
OVERVIEW_TREND_PHASES = 4


def _zone_for(request, pk):
    """The one way views fetch a zone: 404 outside the user's scope, as for a missing one."""
    return scope_for(request.user).get_or_404(Zone.objects.select_related("unit__parent", "investor", "source"), pk=pk)


@login_required
def overview(request):
    scope = scope_for(request.user)
    query = request.GET.get("q", "").strip()
    zones = queries.zones_for_overview(scope, query)
    sections = []
    if scope.sees_everything:
        empty_texts = (_("No industrial zone recorded yet."), _("No industrial cluster recorded yet."))
    else:
        empty_texts = (_("No industrial zone in your area."), _("No industrial cluster in your area."))
    for kind, title, empty_text in (
        (Zone.Kind.INDUSTRIAL_ZONE, _("Industrial zones"), empty_texts[0]),
        (Zone.Kind.INDUSTRIAL_CLUSTER, _("Industrial clusters"), empty_texts[1]),
    ):
        of_kind = [zone for zone in zones if zone.kind == kind]
        sections.append(
            {
                "kind": kind,
                "title": title,
                "empty_text": empty_text,
                "zones": of_kind,
                "has_phases": any(zone.phases.all() for zone in of_kind),
            }
        )
    # The province-wide figures are the article's, not any area's: every role reads them, nobody else.
    summary_figures = queries.summary_figures() if scope.role else []
    today = timezone.localdate()
    figures = dashboard(scope, zones, today=today)
    # Charts only for the phases with something to draw (cases recorded or reports received), and
    # on this page only for the largest few, so that it stays one screen's worth however many phases
    # the country has; every phase's charts are on its zone's page, linked below them.
    drawable = [
        phase
        for zone in zones
        for phase in zone.phases.all()
        if phase.pk in figures.phase_figures or phase.latest_report is not None
    ]
    drawable.sort(key=lambda phase: -figures.phase_figures[phase.pk].cases if phase.pk in figures.phase_figures else 0)
    charted, more_charts = drawable[:OVERVIEW_TREND_PHASES], drawable[OVERVIEW_TREND_PHASES:]
    trends = phase_trends(scope, charted, today=today)
    for phase in charted:
        phase.trend = trends[phase.pk]
    return render(
        request,
        "zones/overview.html",
        {
            "query": query,
            "found": bool(zones),
            "sections": sections,
            "summary_figures": summary_figures,
            "dashboard": figures,
            "charted": charted,
            "more_charts": more_charts,
            "bottlenecks": bottleneck_summary(scope, today=today, stuck_days=settings.LSIP_STUCK_DAYS),
        },
    )


@login_required
def zone_detail(request, pk):
    scope = scope_for(request.user)
    zone = _zone_for(request, pk)
    registry = queries.registry_by_phase_and_unit(zone, scope, today=timezone.localdate())
    phases = queries.phases_with_history(zone, scope)
    trends = phase_trends(scope, phases, today=timezone.localdate())
    for phase in phases:
        phase.registry, phase.registry_by_commune = registry.get(phase.pk, (None, []))
        phase.trend = trends[phase.pk]
    return render(
        request,
        "zones/zone_detail.html",
        {"zone": zone, "phases": phases, "documents": queries.zone_documents(zone)},
    )
