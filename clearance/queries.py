"""Read-side queries for the case pages."""

from django.db.models import DecimalField, IntegerField, OuterRef, Subquery, Sum

from clearance.models import Case, LandParcel, Payment
from zones.text import search_filter


def cases_for_list():
    """Cases with their recovered area and amount paid, one row per case.

    The sums are correlated subqueries: joining parcels and payments directly would
    repeat every payment once per parcel and inflate both totals.
    """
    recovered = (
        LandParcel.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(total=Sum("recovered_area_m2"))
        .values("total")
    )
    paid = Payment.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(total=Sum("amount_vnd"))
    return Case.objects.select_related("unit__parent", "phase__zone").annotate(
        recovered_m2=Subquery(recovered, output_field=DecimalField(max_digits=14, decimal_places=1)),
        paid_vnd=Subquery(paid.values("total"), output_field=IntegerField()),
    )


def search_cases(queryset, query):
    """Every word must occur in the case (name, code, ID, village) or in its commune or district name.

    "huu lung" thus finds the cases recorded in the communes of Hữu Lũng district.
    """
    return search_filter(queryset, query, fields=("search_text", "unit__search_text", "unit__parent__search_text"))
