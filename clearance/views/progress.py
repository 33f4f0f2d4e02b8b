"""The dashboard's own lists: progress by commune or district, and reported figures beside the registry."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clearance.filters import CaseFilter, ReportCheckFilter
from clearance.models import Case
from clearance.read import reported
from clearance.read.breakdown import breakdown_rows
from clearance.read.progress_tables import BreakdownTable, ReportCheckTable
from clearance.views.lists import list_response
from zones.access import scope_for
from zones.models import Phase

ROWS_PER_PAGE = 50
BREAKDOWNS = {"commune": _("By 2025 commune"), "district": _("By legacy district")}


@login_required
def breakdown(request):
    scope = scope_for(request.user)
    by = request.GET.get("by")
    by = by if by in BREAKDOWNS else "commune"
    case_filter = CaseFilter(request.GET, queryset=scope.cases(Case.objects.all()), request=request)
    phases = scope.phases(Phase.objects.select_related("zone"))
    today = timezone.localdate()
    rows = breakdown_rows(scope, case_filter, phases, today=today, by=by)
    table = BreakdownTable(rows)
    table.columns["label"].column.verbose_name = _("2025 commune") if by == "commune" else _("Legacy district")
    return list_response(
        request,
        table,
        filename=f"lsip-progress-by-{by}",
        per_page=ROWS_PER_PAGE,
        template="clearance/progress/breakdown.html",
        context={
            "filter": case_filter,
            "by": by,
            "hidden": [("by", by)],
            "breakdowns": BREAKDOWNS,
            "today": today,
        },
    )


@login_required
def report_checks(request):
    scope = scope_for(request.user)
    report_filter = ReportCheckFilter(request.GET, request=request)
    latest = reported.latest_reports(scope, report_filter.qs)
    checks = reported.checks_for(scope, latest)
    only_differing = report_filter.form.is_valid() and report_filter.form.cleaned_data.get("differs")
    rows = [
        {"check": check, "comparison": comparison}
        for check in checks
        for comparison in check.comparisons
        if not only_differing or not comparison.agrees
    ]
    table = ReportCheckTable(rows)
    return list_response(
        request,
        table,
        filename="lsip-reported-vs-registry",
        per_page=ROWS_PER_PAGE,
        template="clearance/progress/report_checks.html",
        context={"filter": report_filter, "differing": sum(1 for row in rows if not row["comparison"].agrees)},
    )
