"""Line charts drawn as SVG on the server: scales, ticks, lines, markers and legend swatches.

Geometry only: no queries, no JavaScript, no external asset. Every number that lands in an SVG
attribute is built here as a plain string ("123.4"), because a template would localise a float
into "123,4" and an integer into "1.234" under Vietnamese formats and break the drawing. Text
meant for people (tick labels, tooltips, the description) follows the active language's formats.

Series are told apart by dash pattern and marker shape as well as colour, so a chart still
reads when printed in black and white.
"""

import datetime
import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _

from zones.templatetags.lsip_format import format_number

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 604, 28, 258  # the plot area inside the drawing
MAX_X_TICKS = 6
MAX_Y_TICKS = 5
# Past this many points a line carries markers on an even selection of them (always the first and
# the last): hundreds of markers would merge into a thick smear. The data table keeps every point.
MAX_MARKERS = 30
MARKER_SIZE = 4.5
SWATCH_WIDTH, SWATCH_HEIGHT = 40, 14


def coord(value):
    """A plain SVG number: a dot for decimals, no grouping, whatever the active language."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    """One dated figure of a series: plotted at `value`, read as `text` ("hơn 490", "1,35 ha")."""

    day: datetime.date
    value: Decimal
    text: str
    source: str
    # The date as precisely as the source knows it ("2024" for a figure known to the year).
    day_text: str = ""

    @property
    def when(self):
        return self.day_text or short_date(self.day)


@dataclass(frozen=True)
class Series:
    label: str
    source: str
    points: tuple
    # A cumulative count from dated rows holds its value until the next row and until today: drawn
    # as steps. A series of reports joins the reported figures with straight lines.
    step: bool = False


@dataclass(frozen=True)
class Style:
    stroke: str
    dash: str  # an SVG dash array, "" for a solid line
    marker: str
    filled: bool


# Dark strokes that keep their contrast on paper; the dash and the marker differ on every line.
STYLES = (
    Style("#1d2428", "", "circle", True),
    Style("#0b5d7a", "8 4", "square", False),
    Style("#7a2e0b", "2 3", "triangle", True),
    Style("#3d2a7a", "10 3 2 3", "diamond", False),
    Style("#1f4d1f", "5 2", "cross", False),
    Style("#5a3d00", "12 4 2 4 2 4", "x", False),
)


def style_for(index):
    style = STYLES[index % len(STYLES)]
    if index >= len(STYLES):
        # A second round keeps the dash and shape but swaps the fill, so no two lines look alike.
        style = Style(style.stroke, style.dash, style.marker, not style.filled)
    return style


def marker_path(shape, x, y, size=MARKER_SIZE):
    """The marker as one SVG path, so the template draws every shape the same way."""
    s, b = size, size + 1  # pointed shapes are drawn a little bigger to look as heavy as a circle

    def at(dx, dy):
        return f"{coord(x + dx)},{coord(y + dy)}"

    radius = f"{coord(s)},{coord(s)} 0 1,0"
    paths = {
        "circle": f"M{at(-s, 0)}a{radius} {coord(2 * s)},0a{radius} {coord(-2 * s)},0Z",
        "square": f"M{at(-s, -s)}L{at(s, -s)}L{at(s, s)}L{at(-s, s)}Z",
        "triangle": f"M{at(0, -b)}L{at(b, s)}L{at(-b, s)}Z",
        "diamond": f"M{at(0, -b)}L{at(b, 0)}L{at(0, b)}L{at(-b, 0)}Z",
        "cross": f"M{at(-b, 0)}L{at(b, 0)}M{at(0, -b)}L{at(0, b)}",
        "x": f"M{at(-s, -s)}L{at(s, s)}M{at(s, -s)}L{at(-s, s)}",
    }
    if shape not in paths:
        raise ValueError(f"Unknown marker shape {shape!r}")
    return paths[shape]


def short_date(day):
    return _short_date(day, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _short_date(day, language):
    # A chart writes the same few hundred days again and again (tooltips, the data table): formatting
    # a date looks up the language's formats each time, so each day is written once per language.
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Tick:
    at: str  # x for the time axis, y for the value axis
    label: str
    label_at: str  # where the label's baseline goes across the axis


@dataclass(frozen=True)
class Marker:
    d: str
    tooltip: str


@dataclass(frozen=True)
class DrawnSeries:
    series: Series
    style: Style
    line: str  # the polyline's points
    markers: tuple
    swatch_line: str
    swatch_marker: str


@dataclass(frozen=True)
class LineChart:
    dom_id: str
    title: str
    unit: str
    series: tuple = ()
    x_ticks: tuple = ()
    y_ticks: tuple = ()
    start: datetime.date | None = None
    end: datetime.date | None = None
    description: str = ""
    frame: dict = field(default_factory=dict)

    @property
    def empty(self):
        return not self.series

    @property
    def start_text(self):
        return short_date(self.start) if self.start else ""

    @property
    def end_text(self):
        return short_date(self.end) if self.end else ""


def line_chart(*, dom_id, title, unit, series, today, integer=False):
    """Lay out series of dated points from the first dated point to today.

    `integer` keeps the value axis on whole numbers (a count of cases has no 2,5).
    A chart whose series have no points comes back empty: the template says so in words.
    """
    series = [one for one in series if one.points]
    if not series:
        return LineChart(dom_id=dom_id, title=title, unit=unit)
    days = [point.day for one in series for point in one.points]
    start, end = min(days), max(max(days), today)
    top, y_ticks = value_ticks(max(point.value for one in series for point in one.points), integer=integer)
    x_of = _time_scale(start, end)

    def y_of(value):
        return BOTTOM - float(value) / float(top) * (BOTTOM - TOP)

    drawn = tuple(
        _draw(one, style_for(index), x_of, y_of, end) for index, one in enumerate(sorted(series, key=_legend_order))
    )
    return LineChart(
        dom_id=dom_id,
        title=title,
        unit=unit,
        series=drawn,
        x_ticks=tuple(Tick(coord(x_of(day)), label, coord(BOTTOM + 18)) for day, label in date_ticks(start, end)),
        y_ticks=tuple(Tick(coord(y_of(value)), format_number(value), coord(LEFT - 8)) for value in y_ticks),
        start=start,
        end=end,
        description=_describe(title, unit, drawn, start, end),
        frame={
            "width": str(WIDTH),
            "height": str(HEIGHT),
            "left": str(LEFT),
            "right": str(RIGHT),
            "top": str(TOP),
            "bottom": str(BOTTOM),
            "tick_end": str(BOTTOM + 5),
            "unit_y": str(TOP - 12),
            "swatch_width": str(SWATCH_WIDTH),
            "swatch_height": str(SWATCH_HEIGHT),
        },
    )


def _legend_order(series):
    # Steps (the registry) first, then the reports in the order given.
    return not series.step


def _draw(series, style, x_of, y_of, end):
    points = sorted(series.points, key=lambda point: point.day)
    xy = [(x_of(point.day), y_of(point.value)) for point in points]
    if series.step:
        line = [xy[0]]
        for index in range(1, len(xy)):
            x, y = xy[index]
            line += [(x, xy[index - 1][1]), (x, y)]
        line.append((x_of(end), xy[-1][1]))
    else:
        line = xy
    shown = _marker_indexes(len(points))
    markers = tuple(
        Marker(marker_path(style.marker, *xy[i]), f"{series.label}: {points[i].text} ({points[i].when})") for i in shown
    )
    middle = SWATCH_HEIGHT / 2
    return DrawnSeries(
        series=Series(series.label, series.source, tuple(points), series.step),
        style=style,
        line=" ".join(f"{coord(x)},{coord(y)}" for x, y in line),
        markers=markers,
        swatch_line=f"2,{coord(middle)} {SWATCH_WIDTH - 2},{coord(middle)}",
        swatch_marker=marker_path(style.marker, SWATCH_WIDTH / 2, middle, size=3.5),
    )


def _marker_indexes(count):
    if count <= MAX_MARKERS:
        return range(count)
    return sorted({round(i * (count - 1) / (MAX_MARKERS - 1)) for i in range(MAX_MARKERS)})


def _time_scale(start, end):
    span = max((end - start).days, 1)

    def x_of(day):
        return LEFT + (day - start).days / span * (RIGHT - LEFT)

    return x_of


def value_ticks(highest, *, integer=False):
    """A round top for the value axis and the ticks from 0 to it: steps of 1, 2, 2,5 or 5 × 10ⁿ."""
    highest = Decimal(str(highest))
    if highest <= 0:
        highest = Decimal(1)
    raw = highest / MAX_Y_TICKS
    exponent = math.floor(math.log10(raw))
    step = None
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        candidate = (multiple * Decimal(10) ** exponent).normalize()
        if integer and candidate != candidate.to_integral_value():
            continue
        if candidate >= raw:
            step = candidate
            break
    if integer:  # counts below one tick of 0,1 find no whole candidate: their step is 1
        step = max(step or Decimal(1), Decimal(1))
    count = math.ceil(highest / step)
    return step * count, [step * i for i in range(count + 1)]


def date_ticks(start, end):
    """Dates to mark on the time axis, with their labels: days for a short span, months or years beyond."""
    span = (end - start).days
    if span <= 62:
        step = next(step for step in (1, 2, 3, 7, 14) if span // step + 1 <= MAX_X_TICKS)
        days = [start + datetime.timedelta(days=step * i) for i in range(span // step + 1)]
        return [(day, short_date(day)) for day in days]
    first = start.year * 12 + start.month - 1 + (start.day > 1)
    last = end.year * 12 + end.month - 1
    for step in (1, 2, 3, 6, 12, 24, 60, 120):
        months = [month for month in range(first, last + 1) if month % step == 0]
        if len(months) <= MAX_X_TICKS:
            break
    days = [datetime.date(month // 12, month % 12 + 1, 1) for month in months]
    label = "Y" if step >= 12 else "YEAR_MONTH_FORMAT"
    return [(day, formats.date_format(day, label)) for day in days]


def _describe(title, unit, drawn, start, end):
    """What the chart shows, in words, for screen readers and for a reader who cannot see the lines."""
    parts = [
        _("%(title)s (%(unit)s), cumulative, from %(start)s to %(end)s.")
        % {"title": title, "unit": unit, "start": short_date(start), "end": short_date(end)}
    ]
    for one in drawn:
        last = one.series.points[-1]
        parts.append(
            _("%(series)s (source: %(source)s): %(figure)s as of %(day)s.")
            % {"series": one.series.label, "source": one.series.source, "figure": last.text, "day": last.when}
        )
    return " ".join(parts)
