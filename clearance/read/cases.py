"""Read-side queries for the case pages."""

from clearance.models import Case
from zones.text import search_filter


def cases_for_list():
    """Cases with what a list shows beside them; their recovered area (m²) and amount paid (VND)
    are fields each case keeps (Case.DERIVED_FIELDS), so sorting by them uses an index."""
    return Case.objects.select_related("unit__parent", "phase__zone")


def search_cases(queryset, query):
    """Every word must occur in the case (name, code, ID, village) or in its commune or district name.

    "huu lung" thus finds the cases recorded in the communes of Hữu Lũng district.
    """
    return search_filter(queryset, query, fields=("search_text", "unit__search_text", "unit__parent__search_text"))
