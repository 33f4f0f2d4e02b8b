"""The bottleneck pages: a summary, and one sortable, filterable, exportable list per kind."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearance import rules
from clearance.exports import EXPORT_PARAMETER
from clearance.filters import (
    BottleneckFilter,
    CaseBottleneckFilter,
    ComplaintFilter,
    OverdueFilter,
    StuckForm,
    WeekForm,
)
from clearance.models import Case
from clearance.read import bottlenecks
from clearance.read.bottleneck_tables import ComplaintTable, EnforcementTable, OverdueTable, StuckTable, UnreportedTable
from clearance.views.lists import list_response
from zones.access import scope_for

PER_PAGE = 50


def _warn_if_wrong(request, form, message):
    """Say that a wrong value was replaced by the default; a download has no page to say it on."""
    if form.errors and EXPORT_PARAMETER not in request.GET:
        messages.warning(request, message)


def _stuck_days(request, form):
    days = form.days()
    _warn_if_wrong(
        request,
        form,
        _("The days must be a whole number from 1 to 3650; cases stuck for more than %(days)s days are shown.")
        % {"days": days},
    )
    return days


def _list(request, *, table, filterset, filename, title, intro, extra_form=None, context=None):
    """The house layout of a bottleneck list: a download when asked for, otherwise one page of it."""
    return list_response(
        request,
        table,
        filename=filename,
        per_page=PER_PAGE,
        template="clearance/bottlenecks/list.html",
        context={"title": title, "intro": intro, "filter": filterset, "extra_form": extra_form, **(context or {})},
    )


@login_required
def summary(request):
    today = timezone.localdate()
    days_form = StuckForm(request.GET)
    stuck_days = _stuck_days(request, days_form)
    summary = bottlenecks.bottleneck_summary(scope_for(request.user), today=today, stuck_days=stuck_days)
    return render(request, "clearance/bottlenecks/summary.html", {"bottlenecks": summary, "days_form": days_form})


@login_required
def overdue(request):
    today = timezone.localdate()
    rows = bottlenecks.overdue_cases(scope_for(request.user), today=today)
    filterset = OverdueFilter(request.GET, queryset=rows, request=request)
    return _list(
        request,
        table=OverdueTable(filterset.qs),
        filterset=filterset,
        filename="lsip-overdue",
        title=gettext_lazy("Overdue and late cases"),
        intro=_(
            "The recovery decision is due within %(decision)s days of the plan's approval and payment within "
            "%(payment)s days; a later payment owes interest. Cases past a deadline now, or whose step came after it."
        )
        % {"decision": rules.RECOVERY_DECISION_DAYS, "payment": rules.PAYMENT_DAYS},
    )


@login_required
def stuck(request):
    today = timezone.localdate()
    days_form = StuckForm(request.GET)
    stuck_days = _stuck_days(request, days_form)
    rows = bottlenecks.stuck_cases(scope_for(request.user), today=today, days=stuck_days)
    filterset = CaseBottleneckFilter(request.GET, queryset=rows, request=request)
    return _list(
        request,
        table=StuckTable(filterset.qs),
        filterset=filterset,
        filename="lsip-stuck",
        title=gettext_lazy("Cases stuck in a stage"),
        intro=_("Cases not yet handed over whose current stage began more than %(days)s days ago.")
        % {"days": stuck_days},
        extra_form=days_form,
    )


@login_required
def enforcement(request):
    rows = bottlenecks.enforcement_cases(scope_for(request.user))
    filterset = CaseBottleneckFilter(request.GET, queryset=rows, request=request)
    return _list(
        request,
        table=EnforcementTable(filterset.qs),
        filterset=filterset,
        filename="lsip-enforcement",
        title=gettext_lazy("Compulsory inventory and enforcement"),
        intro=gettext_lazy("Cases with a compulsory inventory decision or an enforced recovery."),
    )


@login_required
def complaints(request):
    rows = bottlenecks.open_complaints(scope_for(request.user), today=timezone.localdate())
    filterset = ComplaintFilter(request.GET, queryset=rows, request=request)
    return _list(
        request,
        table=ComplaintTable(filterset.qs),
        filterset=filterset,
        filename="lsip-complaints",
        title=gettext_lazy("Open complaints"),
        intro=gettext_lazy("Complaints not yet resolved, oldest first."),
    )


@login_required
def unreported(request):
    today = timezone.localdate()
    week_form = WeekForm(request.GET)
    monday = week_form.monday(today)
    _warn_if_wrong(request, week_form, _("That is not a week; the current week is shown."))
    scope = scope_for(request.user)
    filterset = BottleneckFilter(request.GET, queryset=Case.objects.all(), request=request)
    rows = bottlenecks.unreported_units(scope, monday=monday, cases=filterset.qs)
    sunday = monday + datetime.timedelta(days=6)
    return _list(
        request,
        table=UnreportedTable(rows),
        filterset=filterset,
        filename=f"lsip-unreported-{bottlenecks.week_value(monday)}",
        title=gettext_lazy("Units that have not reported"),
        intro=gettext_lazy(
            "Units expected to report for the week: those the open cases of each phase were recorded under "
            "that week. A returned report does not count until it is sent again."
        ),
        extra_form=week_form,
        context={"monday": monday, "sunday": sunday},
    )
