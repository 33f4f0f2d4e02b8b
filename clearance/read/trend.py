"""Cumulative trend per phase: the case registry's dated figures beside the figures each unit reported.

Two queries for all the phases asked for, whatever the number of phases, cases or reports: the
registry rollups' days (clearance.rollups: the registry's one definition, as every page counts it)
grouped by phase and day, and the accepted reports. Each chart is a figure of
clearance.read.figures.TREND and keeps its source: the registry series says what it counts, a
reported series names its unit and the reports it comes from, and a figure the report did not
give is left out (not reported is not zero).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearance.models import RegistryDay
from clearance.read import figures
from clearance.read.registry import scope_filter
from clearance.read.reported import accepted_reports, stated
from zones.charts import Point, Series, line_chart
from zones.templatetags.lsip_format import qualified, source_date
from zones.units import m2_to_ha

VND_PER_BILLION = Decimal(10) ** 9


@dataclass(frozen=True)
class PhaseTrend:
    phase_id: int
    charts: tuple  # zones.charts.LineChart, in reading order

    @property
    def has_data(self):
        return any(not chart.empty for chart in self.charts)


@dataclass(frozen=True)
class _Chart:
    """One chart: a registry figure, drawn from the registry's days beside what the reports give of it."""

    figure: figures.Figure
    dated: str  # the RegistryDay field that adds up to the figure (areas in m², converted once)
    axis_unit: str  # the value axis' unit
    per_unit: Decimal = Decimal(1)  # plotted value = figure ÷ per_unit (VND are drawn in billions)

    @property
    def registry_label(self):
        return _("Case registry (payments)") if self.figure.unit == figures.VND else _("Case registry (stage dates)")

    @property
    def integer(self):
        return self.figure.unit in (figures.CASES, figures.COUNT)  # a count has no 2,5 on its value axis

    def point_value(self, total):
        """(plotted value, text) of the registry's total so far of `dated`."""
        if self.figure.unit == figures.HA:
            # Added up in m², then converted once: the text as every page writes it, the line drawn exactly.
            return m2_to_ha(total, places=None), self.figure.text(m2_to_ha(total))
        return Decimal(total) / self.per_unit, self.figure.text(total)


_DATED = {"counted": "counted", "paid": "paid", "handed_over_ha": "handed_over_m2", "paid_vnd": "paid_vnd"}
_AXIS = {figures.CASES: gettext_lazy("cases"), figures.HA: gettext_lazy("ha"), figures.VND: gettext_lazy("billion ₫")}
CHARTS = tuple(
    _Chart(
        figure,
        _DATED[figure.name],
        _AXIS[figure.unit],
        VND_PER_BILLION if figure.unit == figures.VND else Decimal(1),
    )
    for figure in figures.TREND
)


def phase_trends(scope, phases, *, today, summary=False):
    """{phase id: PhaseTrend} for the given phases, over the cases and reports the scope may see.

    `summary=True` (the overview) draws the registry alone, one point a month (its last day with a
    step): a size that does not grow with days or reporting units; the zone page draws every day
    beside every unit's reports.
    """
    phase_ids = [phase.pk for phase in phases]
    if not phase_ids:
        return {}
    days = _registry_by_day(scope, phase_ids)
    reports = {} if summary else _reports_by_phase_and_unit(scope, phase_ids)
    trends = {}
    for phase_id in phase_ids:
        charts = []
        for chart in CHARTS:
            series = [_registry_series(chart, days.get(phase_id, []), monthly=summary)]
            series += [_reported_series(chart, unit, rows) for unit, rows in reports.get(phase_id, {}).values()]
            charts.append(
                line_chart(
                    dom_id=f"trend-{phase_id}-{chart.figure.name}",
                    title=chart.figure.label,
                    unit=chart.axis_unit,
                    series=series,
                    today=today,
                    integer=chart.integer,
                )
            )
        trends[phase_id] = PhaseTrend(phase_id=phase_id, charts=tuple(charts))
    return trends


def _registry_by_day(scope, phase_ids):
    """{phase id: [{"day", and each chart's `dated` field: what the registry gained that day}]} by day."""
    dated = [chart.dated for chart in CHARTS]
    rows = (
        RegistryDay.objects.filter(scope_filter(scope) & Q(phase_id__in=phase_ids))
        .values("phase_id", "day")
        .annotate(**{f"gained_{name}": Sum(name) for name in dated})
        .order_by("phase_id", "day")
    )
    result = defaultdict(list)
    for row in rows:
        result[row["phase_id"]].append({"day": row["day"], **{name: row[f"gained_{name}"] for name in dated}})
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


def _registry_series(chart, days, *, monthly=False):
    points = []
    total = Decimal(0)
    for row in days:
        if not row[chart.dated]:
            continue  # the registry gained something else that day
        total += row[chart.dated]
        value, text = chart.point_value(total)
        if monthly and points and (points[-1].day.year, points[-1].day.month) == (row["day"].year, row["day"].month):
            points.pop()  # the month's last day with a step stands for it
        points.append(Point(row["day"], value, text, _("case registry")))
    return Series(chart.registry_label, chart.figure.source, tuple(points), step=True)


def _reported_series(chart, unit, reports):
    figure = chart.figure
    points = []
    for report in reports:
        given = stated(report, figure.report_field, figure.qualifier_field)
        if given is None:
            continue
        value, qualifier = given
        points.append(
            Point(
                report.reported_on,
                Decimal(value) / chart.per_unit,
                qualified(figure.text(value), qualifier),
                report.source.title,
                day_text=source_date(report.reported_on, report.source.date_precision),
            )
        )
    sources = "; ".join(dict.fromkeys(point.source for point in points))
    return Series(_("%(unit)s, reported") % {"unit": unit.name}, sources, tuple(points))
