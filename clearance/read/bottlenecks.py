"""Read-side queries for the bottlenecks: overdue, late, stuck, enforced, complaints, unreported units.

Every function takes the user's scope and an explicit `today` (or week), so tests can fix the
date. The definitions and why they were chosen: docs/decisions/0008-overdue-and-stuck.md.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Value
from django.db.models import DateField as DateOutput

from clearance import rules
from clearance.models import Case, Complaint, ProgressReport, Stage
from zones.models import REFORM_DATE, AdminUnit, Phase, UnitSuccession

SUMMARY_TOP = 10
ONE_WEEK = datetime.timedelta(days=7)
# A report counts for its week while it stands; a returned one must be sent again.
COUNTING_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)


def case_rows():
    """Cases with what every bottleneck row shows beside its own columns."""
    return Case.objects.select_related("phase__zone", "unit__parent")


def overdue_cases(scope, *, today, queryset=None):
    """Cases overdue now or done late against the recovery decision or payment deadline, worst first."""
    queryset = case_rows() if queryset is None else queryset
    return scope.cases(queryset).overdue_or_late(today=today).order_by(F("overdue_by").desc(), "phase", "code")


def stuck_cases(scope, *, today, days, queryset=None):
    """Cases not handed over whose current stage began more than `days` days ago, longest first."""
    queryset = case_rows() if queryset is None else queryset
    return scope.cases(queryset).stuck(today=today, days=days).order_by("stage_since", "phase", "code")


def enforcement_cases(scope, *, queryset=None):
    """Cases with a compulsory inventory decision or an enforced recovery, newest first."""
    queryset = case_rows() if queryset is None else queryset
    return (
        scope.cases(queryset)
        .compulsory_or_enforced()
        .order_by(F("enforced_on").desc(nulls_last=True), F("compulsory_on").desc(nulls_last=True), "code")
    )


def open_complaints(scope, *, today):
    """Open complaints on the cases in scope, with how long each has been open, oldest first."""
    cases = scope.cases(Case.objects.all())
    return (
        Complaint.objects.filter(status=Complaint.Status.OPEN, case__in=cases.values("pk"))
        .select_related("case__phase__zone", "case__unit__parent")
        .annotate(
            days_open=ExpressionWrapper(
                Value(today, output_field=DateOutput()) - F("received_on"), output_field=DurationField()
            )
        )
        .order_by("received_on", "id")
    )


# --- units that have not reported --------------------------------------------------------------


def week_start(day):
    """The Monday of the ISO week (Monday–Sunday) holding `day`."""
    return day - datetime.timedelta(days=day.weekday())


def week_value(monday):
    """The week as an HTML week input writes it: 2025-W27."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value):
    """The Monday of a week written as 2025-W27, or None when it is not a real ISO week."""
    try:
        year, week = value.strip().upper().split("-W")
        if len(year) != 4 or len(week) != 2:
            return None
        return datetime.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


@dataclass
class UnreportedRow:
    phase: Phase
    unit: AdminUnit
    last_reported_on: datetime.date | None
    # The communes of the open cases that make this unit expected to report.
    case_units: list = field(default_factory=list)

    @property
    def zone(self):
        return self.phase.zone


def unreported_units(scope, *, monday, cases=None):
    """(phase, unit) pairs expected to report for the week starting `monday` that have not.

    The expected units are those the phase's open cases (not handed over) were recorded under as
    valid that week: from the 2025 reform on, the 2025 commune (a legacy commune counts as the
    2025 communes it became); before it, the legacy district. `cases` narrows the cases (filters).
    Six queries whatever the number of rows.
    """
    cases = Case.objects.all() if cases is None else cases
    open_cases = (
        scope.cases(cases)
        .exclude(stage=Stage.HANDED_OVER)
        .values_list("phase_id", "unit_id", "unit__structure", "unit__parent_id")
        .distinct()
        .order_by()
    )
    pairs = _expected_pairs(list(open_cases), after_reform=monday >= REFORM_DATE)
    if not pairs:
        return []
    phase_ids = {phase_id for phase_id, _unit in pairs}
    sunday = monday + ONE_WEEK - datetime.timedelta(days=1)
    reports = scope.reports(ProgressReport.objects.filter(phase_id__in=phase_ids, status__in=COUNTING_STATUSES))
    reported = set(
        reports.filter(reported_on__range=(monday, sunday)).values_list("phase_id", "unit_id").distinct().order_by()
    )
    last = {
        (phase_id, unit_id): day
        for phase_id, unit_id, day in reports.values("phase_id", "unit_id")
        .annotate(last=Max("reported_on"))
        .values_list("phase_id", "unit_id", "last")
        .order_by()
    }
    missing = {pair: case_units for pair, case_units in pairs.items() if pair not in reported}
    phases = Phase.objects.select_related("zone").in_bulk({phase_id for phase_id, _unit in missing})
    unit_ids = {unit_id for _phase, unit_id in missing} | {u for ids in missing.values() for u in ids}
    units = AdminUnit.objects.select_related("parent").in_bulk(unit_ids)
    rows = [
        UnreportedRow(
            phase=phases[phase_id],
            unit=units[unit_id],
            last_reported_on=last.get((phase_id, unit_id)),
            case_units=sorted((units[u] for u in case_units), key=lambda unit: unit.name),
        )
        for (phase_id, unit_id), case_units in missing.items()
    ]
    rows.sort(key=lambda row: (row.zone.name, row.phase.number, row.unit.name))
    return rows


def _expected_pairs(open_cases, *, after_reform):
    """{(phase id, reporting unit id): {case commune ids}} for (phase, commune, structure, parent) rows."""
    legacy = AdminUnit.Structure.LEGACY
    if after_reform:
        legacy_ids = {unit_id for _p, unit_id, structure, _parent in open_cases if structure == legacy}
        became = _links(UnitSuccession.objects.filter(old_id__in=legacy_ids), "old_id", "new_id")
    else:
        # A case recorded under a 2025 commune answered, before the reform, to the districts of
        # the communes that commune came from.
        current_ids = {unit_id for _p, unit_id, structure, _parent in open_cases if structure != legacy}
        became = _links(
            UnitSuccession.objects.filter(new_id__in=current_ids, old__parent__isnull=False),
            "new_id",
            "old__parent_id",
        )
    pairs = {}
    for phase_id, unit_id, structure, parent_id in open_cases:
        if after_reform:
            reporting = became.get(unit_id, set()) if structure == legacy else {unit_id}
        else:
            reporting = {parent_id} if structure == legacy and parent_id else became.get(unit_id, set())
        for reporting_id in reporting:
            pairs.setdefault((phase_id, reporting_id), set()).add(unit_id)
    return pairs


def _links(successions, key, value):
    links = {}
    for source, target in successions.values_list(key, value):
        links.setdefault(source, set()).add(target)
    return links


# --- the summary for the dashboards ------------------------------------------------------------


@dataclass
class BottleneckSummary:
    today: datetime.date
    stuck_days: int
    monday: datetime.date
    decision_overdue: int
    payment_overdue: int
    decision_late: int
    payment_late: int
    stuck: int
    enforcement: int
    complaints: int
    unreported: int
    most_overdue: list

    @property
    def week(self):
        return week_value(self.monday)

    # The legal periods, for the words beside the counts.
    decision_days = rules.RECOVERY_DECISION_DAYS
    payment_days = rules.PAYMENT_DAYS


def bottleneck_summary(scope, *, today, stuck_days):
    """The count of each kind of bottleneck and the most overdue cases, in at most nine queries."""
    cases = scope.cases(Case.objects.all())
    stuck_before = today - datetime.timedelta(days=stuck_days)
    # The counts are named apart from the annotations they count: an aggregate named like an
    # annotation replaces it in the query, and its filter would then test the count itself.
    counts = cases.with_deadlines(today=today).aggregate(
        n_decision_overdue=Count("pk", filter=Q(decision_overdue_now=True)),
        n_payment_overdue=Count("pk", filter=Q(payment_overdue_now=True)),
        n_decision_late=Count("pk", filter=Q(decision_late=True)),
        n_payment_late=Count("pk", filter=Q(payment_late=True)),
        n_stuck=Count("pk", filter=Q(stage_since__lt=stuck_before) & ~Q(stage=Stage.HANDED_OVER)),
        n_enforcement=Count("pk", filter=Q(compulsory_on__isnull=False) | Q(enforced_on__isnull=False)),
    )
    monday = week_start(today)
    return BottleneckSummary(
        today=today,
        stuck_days=stuck_days,
        monday=monday,
        complaints=open_complaints(scope, today=today).count(),
        unreported=len(unreported_units(scope, monday=monday)),
        most_overdue=list(
            scope.cases(case_rows()).overdue(today=today).order_by(F("overdue_by").desc(), "code")[:SUMMARY_TOP]
        ),
        **{name.removeprefix("n_"): count for name, count in counts.items()},
    )
