"""Progress report pages: list, submit, detail with its versions, correct, sign off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from clearance.exports import export_response
from clearance.forms.reports import ReportFilter, ReportForm, ReviewForm
from clearance.models import ProgressReport
from clearance.paging import paginate
from clearance.read.case_tables import ReportTable
from clearance.services import reports as services
from clearance.services.reports import ConflictError, correction_refusal, existing_correction
from zones.access import scope_for
from zones.templatetags.lsip_format import ha, num, qualified, vnd

REPORTS_PER_PAGE = 50
QUEUE_SIZE = 20

# (field, label, format) for the figures of one report, in the order of the weekly report.
FIGURES = (
    ("reported_on", gettext_lazy("Figures as of"), "date"),
    ("cases_total", gettext_lazy("Affected cases"), "num"),
    ("cases_counted", gettext_lazy("Cases counted"), "num"),
    ("area_counted_ha", gettext_lazy("Area counted (ha)"), "ha"),
    ("plans_approved_cases", gettext_lazy("Plans approved (cases)"), "num"),
    ("plans_approved_vnd", gettext_lazy("Plans approved (VND)"), "vnd"),
    ("cases_paid", gettext_lazy("Cases paid"), "num"),
    ("amount_paid_vnd", gettext_lazy("Amount paid (VND)"), "vnd"),
    ("area_handed_over_ha", gettext_lazy("Area handed over (ha)"), "ha"),
    ("graves_relocated", gettext_lazy("Graves relocated"), "num"),
    ("resettlement_plots_allocated", gettext_lazy("Resettlement plots allocated"), "num"),
    ("obstacles", gettext_lazy("Obstacles"), "text"),
    ("proposals", gettext_lazy("Proposals"), "text"),
)
QUALIFIERS = {"cases_counted": "cases_counted_qualifier", "area_handed_over_ha": "area_handed_over_qualifier"}
FORMATS = {"num": num, "ha": ha, "vnd": vnd}


def _reports():
    return ProgressReport.objects.select_related(
        "phase__zone", "unit__parent", "source", "reported_by", "reviewed_by", "corrects", "correction"
    )


def _report_for(request, pk):
    """The one way these views fetch a report: 404 outside the user's area, as for a missing one."""
    return scope_for(request.user).get_or_404(_reports(), pk=pk)


@login_required
@require_safe
def report_list(request):
    scope = scope_for(request.user)
    reports = scope.reports(_reports())
    report_filter = ReportFilter(request.GET, queryset=reports.newest_first(), scope=scope)
    table = ReportTable(report_filter.qs)
    export = export_response(request, table, filename="lsip-reports")
    if export is not None:
        return export
    paginate(request, table, per_page=REPORTS_PER_PAGE)
    awaiting, awaiting_count = [], 0
    if scope.can_sign_off:
        # Oldest first: the province works through the queue in the order reports arrived.
        queue = reports.filter(status=ProgressReport.Status.SUBMITTED, correction__isnull=True).order_by(
            "created_at", "id"
        )
        awaiting, awaiting_count = list(queue[:QUEUE_SIZE]), queue.count()
    return render(
        request,
        "clearance/reports/list.html",
        {
            "filter": report_filter,
            "table": table,
            "awaiting": awaiting,
            "awaiting_count": awaiting_count,
        },
    )


@login_required
def report_new(request):
    scope = scope_for(request.user)
    if not scope.can_submit_reports:
        raise PermissionDenied
    initial = {name: request.GET[name] for name in ("phase", "unit") if request.GET.get(name, "").isdigit()}
    form = ReportForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(user=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Report saved and sent to the province for sign-off."))
            return redirect("clearance:report_detail", pk=report.pk)
    return render(request, "clearance/reports/form.html", {"form": form})


@login_required
@require_safe
def report_detail(request, pk):
    report = _report_for(request, pk)
    return _render_detail(request, report)


@login_required
def report_correct(request, pk):
    scope = scope_for(request.user)
    previous = _report_for(request, pk)
    if not scope.can_submit_reports:
        raise PermissionDenied
    refusal = correction_refusal(previous)
    if refusal:
        messages.error(request, refusal)
        return redirect("clearance:report_detail", pk=previous.pk)
    if request.method != "POST":
        later = _later_version(previous)
        if later is not None:
            messages.info(request, _("This version was already corrected; the latest version is shown below."))
            return redirect("clearance:report_detail", pk=_latest(later).pk)
    form = ReportForm(request.POST or None, scope=scope, previous=previous, initial=ReportForm.initial_from(previous))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_correct(user=request.user, previous=previous, **form.service_arguments())
        except ConflictError as conflict:
            theirs = conflict.current
            yours = ProgressReport(phase=previous.phase, unit=previous.unit, **form.service_arguments())
            context = {
                "previous": previous,
                "theirs": theirs,
                "message": conflict.message,
                "rows": _figure_rows(theirs, yours),
                "form": form,
                "can_correct_theirs": _later_version(theirs) is None,
            }
            return render(request, "clearance/reports/conflict.html", context, status=409)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Correction saved as a new version and sent to the province for sign-off."))
            return redirect("clearance:report_detail", pk=report.pk)
    return render(request, "clearance/reports/form.html", {"form": form, "previous": previous})


@login_required
@require_POST
def report_review(request, pk):
    scope = scope_for(request.user)
    report = _report_for(request, pk)
    if not scope.can_sign_off:
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, report, review_form=form)
    try:
        if form.cleaned_data["action"] == ReviewForm.ACCEPT:
            services.report_accept(user=request.user, report=report)
            messages.success(request, _("Report accepted."))
        else:
            services.report_return(user=request.user, report=report, reason=form.cleaned_data["reason"])
            messages.success(request, _("Report returned to the unit with your reason."))
    except ConflictError as conflict:
        return _render_detail(request, _report_for(request, pk), conflict=conflict.message, status=409)
    return redirect("clearance:report_detail", pk=report.pk)


# --- helpers --------------------------------------------------------------------------------------


def _render_detail(request, report, *, review_form=None, conflict=None, status=200):
    scope = scope_for(request.user)
    versions = _versions(report)
    later = _later_version(report)
    can_review = (
        scope.can_sign_off
        and report.status == ProgressReport.Status.SUBMITTED
        and later is None
        and report.reported_by_id != request.user.pk
    )
    can_correct = scope.can_submit_reports and later is None and correction_refusal(report) is None
    history = report.history.select_related("history_user").order_by("-history_date", "-history_id")
    return render(
        request,
        "clearance/reports/detail.html",
        {
            "report": report,
            "rows": _figure_rows(report, report.corrects),
            "versions": versions,
            "later": later,
            "can_review": can_review,
            "can_correct": can_correct,
            "review_form": review_form or ReviewForm(),
            "conflict": conflict,
            "history": history,
        },
        status=status,
    )


def _later_version(report):
    try:
        return report.correction
    except ProgressReport.DoesNotExist:
        return None


def _latest(report):
    while (later := existing_correction(report)) is not None:
        report = later
    return report


def _versions(report):
    """Every version of the report, oldest first: what it corrects, and what corrected it."""
    older = []
    current = report
    while current.corrects_id is not None:
        current = ProgressReport.objects.select_related("reported_by", "reviewed_by").get(pk=current.corrects_id)
        older.append(current)
    newer = []
    current = report
    while (current := existing_correction(current)) is not None:
        newer.append(current)
    return [*reversed(older), report, *newer]


def _shown(report, name, kind):
    value = getattr(report, name)
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"
    if kind == "text":
        return value or "—"
    shown = FORMATS[kind](value)
    if name in QUALIFIERS:
        shown = qualified(shown, getattr(report, QUALIFIERS[name]))
    return shown


def _figure_rows(report, other=None):
    """The report's figures, beside another version's when given, marking what differs."""
    rows = []
    for name, label, kind in FIGURES:
        value = _shown(report, name, kind)
        other_value = _shown(other, name, kind) if other is not None else None
        rows.append(
            {
                "label": label,
                "value": value,
                "other": other_value,
                "differs": other is not None and value != other_value,
                "text": kind == "text",
            }
        )
    return rows
