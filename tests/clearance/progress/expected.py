"""The registry's figures worked out the slow, obvious way: one case at a time, from its raw rows.

The dashboard reads grouped SQL; these loops share none of it, so a wrong join or a missed date
boundary shows up as a difference.
"""

from decimal import Decimal

from clearance.models import Asset, StageEvent

Kind = StageEvent.Kind


def expected_figures(cases, day):
    """A dict of the Figures attributes for the given cases, as of `day`."""
    totals = {
        name: 0
        for name in (
            "cases synthetic counted approved paid handed_over plots_allocated compulsory enforced "
            "approved_vnd paid_vnd"
        ).split()
    }
    totals.update(
        {name: Decimal(0) for name in "area_m2 counted_m2 approved_m2 handed_over_m2 graves graves_relocated".split()}
    )
    for case in cases:
        dated = {event.kind: event.happened_on for event in case.events.all() if event.happened_on <= day}
        area = sum((parcel.recovered_area_m2 for parcel in case.parcels.all()), Decimal(0))
        graves = sum((a.quantity for a in case.assets.all() if a.kind == Asset.Kind.GRAVE), Decimal(0))
        totals["cases"] += 1
        totals["synthetic"] += case.is_synthetic
        totals["area_m2"] += area
        totals["graves"] += graves
        for kind, name in (
            (Kind.INVENTORY, "counted"),
            (Kind.PLAN_APPROVED, "approved"),
            (Kind.PAID, "paid"),
            (Kind.HANDED_OVER, "handed_over"),
            (Kind.COMPULSORY_INVENTORY, "compulsory"),
            (Kind.ENFORCEMENT, "enforced"),
        ):
            totals[name] += kind in dated
        if Kind.INVENTORY in dated:
            totals["counted_m2"] += area
        if Kind.PLAN_APPROVED in dated:
            totals["approved_m2"] += area
            totals["approved_vnd"] += sum(item.amount_vnd for item in case.compensation.all())
        if Kind.HANDED_OVER in dated:
            totals["handed_over_m2"] += area
            totals["graves_relocated"] += graves
        totals["paid_vnd"] += sum(p.amount_vnd for p in case.payments.all() if p.paid_on <= day)
        totals["plots_allocated"] += sum(1 for plot in case.resettlement_plots.all() if plot.allocated_on <= day)
    return totals


def as_dict(figures):
    return {name: getattr(figures, name) for name in expected_figures([], None)}
