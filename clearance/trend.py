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
from django.utils.translation import gettext_lazy

from clearance.models import Case, Payment, StageEvent
from clearance.reported import stated
from zones.charts import Point, Series, line_chart
from zones.queries import accepted_reports
from zones.templatetags.lsip_format import ha, m2_as_ha, num, qualified, source_date, vnd
from zones.units import m2_to_ha

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
    """One chart: the stage event its registry line counts and the report field it plots."""

    key: str
    title: str
    unit: str
    kind: str | None  # the stage event counted; None: the registry line sums the payments themselves
    registry_source: str
    report_field: str
    qualifier_field: str | None
    display: object  # how a figure is written for people: num, ha or vnd
    per_unit: Decimal = Decimal(1)  # plotted value = figure ÷ per_unit (VND are drawn in billions)

    @property
    def registry_label(self):
        return _("Case registry (payments)") if self.kind is None else _("Case registry (stage dates)")

    @property
    def integer(self):
        return self.display is num  # a count has no 2,5 on its value axis


FIGURES = (
    _Figure(
        "counted",
        gettext_lazy("Cases counted"),
        gettext_lazy("cases"),
        Kind.INVENTORY,
        gettext_lazy("dates of the inventory step of the cases entered in this portal"),
        "cases_counted",
        "cases_counted_qualifier",
        num,
    ),
    _Figure(
        "paid",
        gettext_lazy("Cases paid"),
        gettext_lazy("cases"),
        Kind.PAID,
        gettext_lazy("dates of the payment step of the cases entered in this portal"),
        "cases_paid",
        None,
        num,
    ),
    _Figure(
        "handed_over",
        gettext_lazy("Area handed over"),
        gettext_lazy("ha"),
        Kind.HANDED_OVER,
        gettext_lazy("handover dates of the cases entered in this portal, with their parcels' recovered area"),
        "area_handed_over_ha",
        "area_handed_over_qualifier",
        ha,
    ),
    _Figure(
        "paid_vnd",
        gettext_lazy("Amount paid"),
        gettext_lazy("billion ₫"),
        None,
        gettext_lazy("payments entered in this portal, by payment date"),
        "amount_paid_vnd",
        None,
        vnd,
        per_unit=VND_PER_BILLION,
    ),
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
                    title=figure.title,
                    unit=figure.unit,
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
        accepted_reports(scope)
        .filter(phase_id__in=phase_ids)
        .select_related("unit", "source")
        .order_by("phase_id", "unit__name", "unit_id", "reported_on", "id")
    )
    result = defaultdict(dict)
    for report in reports:
        result[report.phase_id].setdefault(report.unit_id, (report.unit, []))[1].append(report)
    return result


def _registry_series(figure, events, payments, phase_id):
    if figure.kind is None:
        amounts = payments.get(phase_id, [])
    elif figure.kind == Kind.HANDED_OVER:
        amounts = [(day, recovered_m2) for day, _cases, recovered_m2 in events.get((phase_id, figure.kind), [])]
    else:
        amounts = [(day, cases) for day, cases, _m2 in events.get((phase_id, figure.kind), [])]
    points = []
    total = Decimal(0)
    for day, amount in amounts:
        total += amount
        if figure.kind == Kind.HANDED_OVER:
            # Added up in m², then converted once: the text as every page writes it, the line drawn exactly.
            points.append(Point(day, m2_to_ha(total, places=None), m2_as_ha(total), _("case registry")))
        else:
            points.append(Point(day, total / figure.per_unit, figure.display(total), _("case registry")))
    return Series(figure.registry_label, figure.registry_source, tuple(points), step=True)


def _reported_series(figure, unit, reports):
    points = []
    for report in reports:
        given = stated(report, figure.report_field, figure.qualifier_field)
        if given is None:
            continue
        value, qualifier = given
        points.append(
            Point(
                report.reported_on,
                Decimal(value) / figure.per_unit,
                qualified(figure.display(value), qualifier),
                report.source.title,
                day_text=source_date(report.reported_on, report.source.date_precision),
            )
        )
    sources = "; ".join(dict.fromkeys(point.source for point in points))
    return Series(_("%(unit)s, reported") % {"unit": unit.name}, sources, tuple(points))
