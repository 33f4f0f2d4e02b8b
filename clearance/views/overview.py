"""The overview, the zone list and a zone's page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from clearance.read.overview import matching_zones, overview_page
from clearance.read.zone import zone_page
from clearance.read.zone_tables import ZoneTable
from clearance.views.lists import list_response
from zones.access import scope_for
from zones.models import Zone

ZONES_PER_PAGE = 50


def _zone_for(request, pk):
    """The one way views fetch a zone: 404 outside the user's scope, as for a missing one."""
    return scope_for(request.user).get_or_404(Zone.objects.select_related("unit__parent", "investor", "source"), pk=pk)


@login_required
def overview(request):
    context = overview_page(
        scope_for(request.user),
        request.GET.get("q", "").strip(),
        today=timezone.localdate(),
        stuck_days=settings.LSIP_STUCK_DAYS,
    )
    return render(request, "clearance/zones/overview.html", context)


@login_required
def zone_list(request):
    """Every zone or cluster the user may see, a page at a time, narrowed by kind and by name or place."""
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    zones = matching_zones(scope_for(request.user), query).select_related("unit", "investor", "source")
    if kind in Zone.Kind.values:
        zones = zones.filter(kind=kind)
    table = ZoneTable(zones.order_by("kind", "name"))
    return list_response(
        request,
        table,
        filename="lsip-zones",
        per_page=ZONES_PER_PAGE,
        template="clearance/zones/zone_list.html",
        context={"query": query, "kind": kind, "kinds": Zone.Kind.choices},
    )


@login_required
def zone_detail(request, pk):
    context = zone_page(scope_for(request.user), _zone_for(request, pk), today=timezone.localdate())
    return render(request, "clearance/zones/zone_detail.html", context)
