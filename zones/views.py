from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from zones import queries
from zones.models import Zone


def _zone_for(request, pk):
    """The one way views fetch a zone."""
    # Area scoping goes here once users are tied to units; for now every officer reads every zone.
    return get_object_or_404(Zone.objects.select_related("unit__parent", "investor", "source"), pk=pk)


@login_required
def overview(request):
    query = request.GET.get("q", "").strip()
    zones = queries.zones_for_overview(query)
    sections = []
    for kind, title, empty_text in (
        (Zone.Kind.INDUSTRIAL_ZONE, _("Industrial zones"), _("No industrial zone recorded yet.")),
        (Zone.Kind.INDUSTRIAL_CLUSTER, _("Industrial clusters"), _("No industrial cluster recorded yet.")),
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
    return render(
        request,
        "zones/overview.html",
        {"query": query, "found": bool(zones), "sections": sections, "summary_figures": queries.summary_figures()},
    )


@login_required
def zone_detail(request, pk):
    zone = _zone_for(request, pk)
    registry = queries.registry_by_phase_and_unit(zone)
    phases = queries.phases_with_history(zone)
    for phase in phases:
        phase.registry, phase.registry_by_commune = registry.get(phase.pk, (None, []))
    return render(
        request,
        "zones/zone_detail.html",
        {"zone": zone, "phases": phases, "documents": queries.zone_documents(zone)},
    )
