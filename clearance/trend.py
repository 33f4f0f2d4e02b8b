"""Cumulative trend per phase: the case registry's dated steps beside the figures each unit reported.

Three queries for all the phases asked for, whatever the number of phases, cases or reports:
stage events grouped by phase, step and day; payments grouped by phase and day; the accepted
reports. Each figure keeps its source: the registry series say which dates they count, a
reported series names its unit and the reports it comes from, and a figure the report did not
give is left out (not reported is not zero).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from clearance.models import Case, Payment, ProgressReport, StageEvent
from zones.charts import Point, Series, line_chart
from zones.models import Qualifier
from zones.queries import M2_PER_HA, accepted_reports
from zones.templatetags.lsip_format import ha, num, qualified, source_date, vnd

VND_PER_BILLION = Decimal(10) ** 9
Kind = StageEvent.Kind


@dataclass(frozen=True)
class PhaseTrend:
    phase_id: int
    charts: tuple  # zones.charts.LineChart, in reading order

    @property
    def has_data(self):
        return any(not chart.empty for chart in self.charts)


@dataclass(frozen=True)
class _Figure:
    """One chart: where its registry line comes from and which report field it plots."""

    key: str
    kind: str | None  # the stage event counted; None for the payments themselves
    report_field: str
    qualifier_field: str | None
    integer: bool

    def title(self):
        return {
            "counted": _("Cases counted"),
            "paid": _("Cases paid"),
            "handed_over": _("Area handed over"),
            "paid_vnd": _("Amount paid"),
        }[self.key]

    def unit(self):
        return {
            "counted": _("cases"),
            "paid": _("cases"),
            "handed_over": _("ha"),
            "paid_vnd": _("billion ₫"),
        }[self.key]

    def registry_label(self):
        return _("Case registry (payments)") if self.kind is None else _("Case registry (stage dates)")

    def registry_source(self):
        return {
            "counted": _("dates of the inventory step of the cases entered in this portal"),
            "paid": _("dates of the payment step of the cases entered in this portal"),
            "handed_over": _("handover dates of the cases entered in this portal, with their parcels' recovered area"),
            "paid_vnd": _("payments entered in this portal, by payment date"),
        }[self.key]


FIGURES = (
    _Figure("counted", Kind.INVENTORY, "cases_counted", "cases_counted_qualifier", integer=True),
    _Figure("paid", Kind.PAID, "cases_paid", None, integer=True),
    _Figure("handed_over", Kind.HANDED_OVER, "area_handed_over_ha", "area_handed_over_qualifier", integer=False),
    _Figure("paid_vnd", None, "amount_paid_vnd", None, integer=False),
)


def phase_trends(scope, phases, *, today):
    """{phase id: PhaseTrend} for the given phases, over the cases and reports the scope may see."""
    phase_ids = [phase.pk for phase in phases]
    if not phase_ids:
        return {}
    visible = scope.cases(Case.objects.filter(phase_id__in=phase_ids)).values("pk")
    events = _events_by_day(visible)
    payments = _payments_by_day(visible)
    reports = _reports_by_phase_and_unit(scope, phase_ids)
    trends = {}
    for phase_id in phase_ids:
        charts = []
        for figure in FIGURES:
            series = [_registry_series(figure, events, payments, phase_id)]
            series += [_reported_series(figure, unit, rows) for unit, rows in reports.get(phase_id, {}).values()]
            charts.append(
                line_chart(
                    dom_id=f"trend-{phase_id}-{figure.key}",
                    title=figure.title(),
                    unit=figure.unit(),
                    series=series,
                    today=today,
                    integer=figure.integer,
                )
            )
        trends[phase_id] = PhaseTrend(phase_id=phase_id, charts=tuple(charts))
    return trends


def _events_by_day(visible):
    """{(phase id, kind): [(day, cases, recovered m²)]} in date order.

    A case has at most one event of each kind, so joining its parcels adds each parcel's area once;
    the count stays distinct over cases because the join repeats a case once per parcel.
    """
    rows = (
        StageEvent.objects.filter(case__in=visible, kind__in=[figure.kind for figure in FIGURES if figure.kind])
        .values("case__phase_id", "kind", "happened_on")
        .annotate(cases=Count("case", distinct=True), recovered_m2=Sum("case__parcels__recovered_area_m2"))
        .order_by("case__phase_id", "kind", "happened_on")
    )
    result = defaultdict(list)
    for row in rows:
        result[(row["case__phase_id"], row["kind"])].append(
            (row["happened_on"], row["cases"], row["recovered_m2"] or Decimal(0))
        )
    return result


def _payments_by_day(visible):
    """{phase id: [(day, VND paid that day)]} in date order."""
    rows = (
        Payment.objects.filter(case__in=visible)
        .values("case__phase_id", "paid_on")
        .annotate(paid=Sum("amount_vnd"))
        .order_by("case__phase_id", "paid_on")
    )
    result = defaultdict(list)
    for row in rows:
        result[row["case__phase_id"]].append((row["paid_on"], row["paid"]))
    return result


def _reports_by_phase_and_unit(scope, phase_ids):
    """{phase id: {unit id: (unit, [accepted reports, oldest first])}}, units by name."""
    reports = (
        scope.reports(ProgressReport.objects.all())
        .filter(phase_id__in=phase_ids)
        .select_related("unit", "source")
        .order_by("phase_id", "unit__name", "unit_id", "reported_on", "id")
    )
    result = defaultdict(dict)
    for report in reports:
        result[report.phase_id].setdefault(report.unit_id, (report.unit, []))[1].append(report)
    return result


def _registry_series(figure, events, payments, phase_id):
    points = []
    total = Decimal(0)
    if figure.kind is None:
        for day, paid in payments.get(phase_id, []):
            total += paid
            points.append(Point(day, total / VND_PER_BILLION, vnd(total), _("case registry")))
    else:
        for day, cases, recovered_m2 in events.get((phase_id, figure.kind), []):
            if figure.kind == Kind.HANDED_OVER:
                total += recovered_m2 / M2_PER_HA
                text = ha(total)
            else:
                total += cases
                text = num(total)
            points.append(Point(day, total, text, _("case registry")))
    return Series(figure.registry_label(), figure.registry_source(), tuple(points), step=True)


def _reported_series(figure, unit, reports):
    points = []
    for report in reports:
        value = getattr(report, figure.report_field)
        if value is None:
            continue
        qualifier = getattr(report, figure.qualifier_field) if figure.qualifier_field else Qualifier.EXACT
        if figure.key == "paid_vnd":
            plotted, text = Decimal(value) / VND_PER_BILLION, vnd(value)
        elif figure.key == "handed_over":
            plotted, text = value, ha(value)
        else:
            plotted, text = value, num(value)
        points.append(
            Point(
                report.reported_on,
                plotted,
                qualified(text, qualifier),
                report.source.title,
                day_text=source_date(report.reported_on, report.source.date_precision),
            )
        )
    sources = "; ".join(dict.fromkeys(point.source for point in points))
    return Series(_("%(unit)s, reported") % {"unit": unit.name}, sources, tuple(points))
