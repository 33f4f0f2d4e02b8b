from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clearance.filters import CaseFilter
from clearance.models import Case, CompensationItem, Stage, StageEvent
from clearance.read.case_tables import CaseTable
from clearance.read.cases import cases_for_list
from clearance.views.lists import list_response
from zones.access import scope_for

CASES_PER_PAGE = 50


def _case_for(request, pk):
    """The one way views fetch a case: 404 outside the user's scope, as for a missing one."""
    return scope_for(request.user).get_or_404(
        Case.objects.select_related("phase__zone", "phase__source", "unit__parent"), pk=pk
    )


@login_required
def case_list(request):
    scope = scope_for(request.user)
    case_filter = CaseFilter(request.GET, queryset=scope.cases(cases_for_list()), request=request)
    table = CaseTable(case_filter.qs)
    return list_response(
        request,
        table,
        filename="lsip-cases",
        per_page=CASES_PER_PAGE,
        template="clearance/case_list.html",
        context={"filter": case_filter},
    )


@login_required
def case_detail(request, pk):
    case = _case_for(request, pk)
    # Plan lines in the order the plan itself lists them: land, assets, support, resettlement.
    compensation = sorted(
        case.compensation.all(), key=lambda item: (CompensationItem.Component.values.index(item.component), item.pk)
    )
    payments = list(case.payments.order_by("paid_on", "id"))
    parcels = list(
        case.parcels.select_related("sheet_unit")
        .prefetch_related("uses")
        .order_by("sheet_unit__name", "map_sheet_no", "parcel_no")
    )
    stages = [
        {"label": label, "reached": case.has_reached(value), "current": value == case.stage}
        for value, label in Stage.choices
    ]
    events = list(case.events.order_by("happened_on", "id"))
    # Every step's history in one query, not one per step (and its users joined, not fetched one by one).
    changes = defaultdict(list)
    for record in StageEvent.history.filter(case_id=case.pk).select_related("history_user"):
        changes[record.id].append(record)
    for event in events:
        event.changes = changes[event.pk]
    return render(
        request,
        "clearance/case_detail.html",
        {
            "case": case,
            "stages": stages,
            "parcels": parcels,
            "parcels_area_m2": sum(parcel.area_m2 for parcel in parcels),
            "parcels_recovered_m2": sum(parcel.recovered_area_m2 for parcel in parcels),
            "assets": case.assets.order_by("kind", "id"),
            "events": events,
            "case_history": case.history.select_related("history_user")[:50],
            "compensation": compensation,
            "compensation_total": sum(item.amount_vnd for item in compensation),
            "payments": payments,
            "payments_total": sum(payment.amount_vnd for payment in payments),
            "resettlement_plots": case.resettlement_plots.order_by("resettlement_area", "plot_no"),
        },
    )
