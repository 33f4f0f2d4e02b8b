"""Paging long tables without a COUNT and without deep OFFSETs.

A COUNT over a large filtered, scoped list costs as much as reading it, and OFFSET makes the
database walk every skipped row. So pages are lazy (the next page is known to exist because one
row more than a page was read) and only the first LSIP_MAX_LIST_PAGE pages can be browsed;
filters or an export reach the rest.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import EmptyPage
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator


@dataclass(frozen=True)
class Paging:
    """What a list page says about its paging; templates read it as `table.paging`."""

    notice: str  # why the page shown is not the one asked for, or why there is no next page; "" if neither
    at_limit: bool  # the deepest browsable page, with rows after it: the pager offers no next page
    first: int  # number of the first row shown, 1-based; 0 when the page is empty
    last: int  # number of the last row shown
    total: int | None  # rows in the whole list, known only on its last page


def paginate(request, table, *, per_page):
    """Order the table as the request asks and show one page of it; returns the table's Paging."""
    # RequestConfig takes ?sort= from the request. Pagination is not left to it: it would accept
    # any ?page= and any ?per_page= from the URL, which is exactly the deep OFFSET avoided here.
    RequestConfig(request, paginate=False).configure(table)
    _order_completely(table)
    limit = settings.LSIP_MAX_LIST_PAGE
    asked = request.GET.get(table.prefixed_page_field)
    number, notice = _page_number(asked, limit, per_page)
    try:
        table.paginate(paginator_class=LazyPaginator, per_page=per_page, page=number)
    except EmptyPage:
        # Past the end of the list (it shrank, or the URL was edited): the start of it is more useful.
        table.page = table.paginator.page(1)
        notice = _("There is no page %(page)s in this list; the first page is shown.") % {"page": number}
    page = table.page
    at_limit = page.number >= limit and page.has_next()
    if at_limit:
        notice = _limit_notice(limit, per_page)
    shown = len(page.object_list)
    first = (page.number - 1) * per_page + 1 if shown else 0
    table.paging = Paging(
        notice=notice,
        at_limit=at_limit,
        first=first,
        last=first + shown - 1 if shown else 0,
        total=None if page.has_next() else (page.number - 1) * per_page + shown,
    )
    return table.paging


def _page_number(asked, limit, per_page):
    """The page to show and, when it is not the one asked for, why."""
    if asked is None:
        return 1, ""
    try:
        number = int(asked)
    except ValueError:
        return 1, _("The page number in the address is not valid; the first page is shown.")
    if number < 1:
        return 1, _("The page number in the address is not valid; the first page is shown.")
    if number > limit:
        return 1, _limit_notice(limit, per_page)
    return number, ""


def _limit_notice(limit, per_page):
    return _("Only the first %(rows)s rows can be browsed page by page; narrow the filters or export the list.") % {
        "rows": number_format(limit * per_page, force_grouping=True)
    }


def _order_completely(table):
    """Make the order total, so that a row never shows on two pages nor on none.

    Sorting by a column with ties (stage, commune) leaves the database free to order the tied
    rows differently for each page's query; the primary key settles them.
    """
    data = getattr(table.data, "data", None)
    if not isinstance(data, QuerySet):
        return
    query = data.query
    ordering = list(query.order_by or (data.model._meta.ordering if query.default_ordering else ()))
    if not {"pk", "-pk", "id", "-id"} & {item for item in ordering if isinstance(item, str)}:
        table.data.data = data.order_by(*ordering, "pk")
