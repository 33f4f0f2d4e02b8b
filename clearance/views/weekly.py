"""The weekly progress report (báo cáo tiến độ GPMB): a printable page, and the same as an XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clearance.exports import EXPORT_PARAMETER
from clearance.filters import CaseFilter, WeekForm
from clearance.models import Case
from clearance.read.weekly import Week, report_for_week
from clearance.weekly.columns import heading_rows, page_cells
from clearance.weekly.xlsx import xlsx_response
from zones.access import scope_for

# The case list's filters that narrow the report; its other filters (stage, search…) do not apply.
FILTERS = ("zone", "phase", "unit")


@login_required
@require_safe
def weekly_report(request):
    export = request.GET.get(EXPORT_PARAMETER)
    if export not in (None, "xlsx"):
        return HttpResponseBadRequest(
            _("The weekly report can be downloaded as XLSX only."), content_type="text/plain; charset=utf-8"
        )
    scope = scope_for(request.user)
    week, week_error = _week(request, timezone.localdate())
    # Choices hold only what the user may see, so a zone of another area is refused, never widened to.
    case_filter = CaseFilter(
        {name: request.GET[name] for name in FILTERS if name in request.GET},
        queryset=Case.objects.none(),
        request=request,
    )
    form = case_filter.form
    form.is_valid()
    chosen = {name: form.cleaned_data.get(name) for name in FILTERS}
    report = report_for_week(scope, week=week, **chosen)
    title = _("Site clearance progress report")
    if export:
        return xlsx_response(report, title)
    top, bottom = heading_rows()
    return render(
        request,
        "clearance/weekly/report.html",
        {
            "title": title,
            "report": report,
            "facts": report.facts(),
            "form": form,
            "filter_fields": [form[name] for name in FILTERS],
            "week_error": week_error,
            "heading_top": top,
            "heading_bottom": bottom,
            "rows": [(row, page_cells(row)) for row in [*report.rows, report.total]],
        },
    )


def _week(request, today):
    """The week asked for, or the current one with the reason why the one asked for is not shown."""
    current = Week.of(today)
    form = WeekForm(request.GET)
    if not form.is_valid():
        return current, " ".join([*form.errors["week"], _("The current week is shown.")])
    week = Week.of(form.monday(today))
    if week.monday > current.monday:
        return current, _("The week %(week)s has not started yet; the current week is shown.") % {"week": week.iso}
    return week, None
