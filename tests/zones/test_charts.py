"""The SVG line charts: scales, ticks, step lines, markers and what the template draws from them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from zones import charts
from zones.charts import Point, Series, line_chart, value_ticks

DAY = datetime.date(2024, 3, 1)
NUMBER = r"-?\d+(?:\.\d+)?"


def days(n):
    return DAY + datetime.timedelta(days=n)


def point(day, value, text=None, source="Báo cáo số 1"):
    return Point(day, Decimal(value), text or str(value), source)


def xy_pairs(points_attribute):
    return [tuple(float(n) for n in pair.split(",")) for pair in points_attribute.split()]


def y_of(chart, value):
    """The y of a value on the chart's scale, read back from its ticks (value axis starts at 0)."""
    top_tick = chart.y_ticks[-1]
    top = float(top_tick.label.replace(".", "").replace(",", "."))
    return charts.BOTTOM - value / top * (charts.BOTTOM - charts.TOP)


@pytest.mark.parametrize(
    ("highest", "integer", "ticks"),
    [
        (1500, True, [0, 500, 1000, 1500]),
        (3, True, [0, 1, 2, 3]),
        (7, True, [0, 2, 4, 6, 8]),
        (Decimal("0.35"), False, [0, Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.4")]),
        (Decimal("12.5"), False, [0, Decimal("2.5"), 5, Decimal("7.5"), 10, Decimal("12.5")]),
        (0, True, [0, 1]),
        (Decimal("0.3"), True, [0, 1]),  # a count axis under one tick of 0,1: whole steps still
    ],
)
def test_value_axis_has_round_ticks_from_zero_over_the_highest_value(highest, integer, ticks):
    top, values = value_ticks(highest, integer=integer)
    assert values == ticks
    assert top == ticks[-1] >= highest


def test_counts_never_get_fractional_ticks():
    for highest in range(1, 60):
        _, values = value_ticks(highest, integer=True)
        assert all(value == int(value) for value in values), highest
        assert len(values) <= charts.MAX_Y_TICKS + 2


def test_short_spans_are_marked_by_day_with_full_dates():
    with translation.override("vi"):
        ticks = charts.date_ticks(DAY, days(20))
    assert ticks[0] == (DAY, "01/03/2024")
    assert len(ticks) <= charts.MAX_X_TICKS
    assert all(DAY <= day <= days(20) for day, _ in ticks)


def test_long_spans_are_marked_at_month_starts():
    with translation.override("vi"):
        ticks = charts.date_ticks(datetime.date(2024, 3, 15), datetime.date(2024, 8, 20))
    assert ticks == [(datetime.date(2024, month, 1), f"{month:02d}/2024") for month in range(4, 9)]


def test_spans_of_years_are_marked_by_year():
    ticks = charts.date_ticks(datetime.date(2019, 5, 1), datetime.date(2025, 6, 1))
    assert [label for _, label in ticks] == ["2020", "2021", "2022", "2023", "2024", "2025"]


def test_the_time_axis_runs_from_the_first_dated_point_to_today():
    chart = line_chart(
        dom_id="c",
        title="Cases counted",
        unit="cases",
        series=[Series("Registry", "stage dates", (point(days(3), 1), point(days(10), 2)), step=True)],
        today=days(40),
    )
    assert (chart.start, chart.end) == (days(3), days(40))
    # A point dated after today (an entry mistake, or a plan) still fits on the axis.
    later = line_chart(
        dom_id="c", title="t", unit="u", series=[Series("A", "s", (point(days(50), 1),))], today=days(40)
    )
    assert later.end == days(50)


def test_a_cumulative_registry_line_is_drawn_in_steps_held_until_today():
    series = Series("Registry", "stage dates", (point(DAY, 1), point(days(10), 3), point(days(20), 4)), step=True)
    chart = line_chart(dom_id="c", title="t", unit="cases", series=[series], today=days(40), integer=True)
    (drawn,) = chart.series
    line = xy_pairs(drawn.line)
    x = [charts.LEFT + d / 40 * (charts.RIGHT - charts.LEFT) for d in (0, 10, 20, 40)]
    expected = [
        (x[0], y_of(chart, 1)),
        (x[1], y_of(chart, 1)),
        (x[1], y_of(chart, 3)),
        (x[2], y_of(chart, 3)),
        (x[2], y_of(chart, 4)),
        (x[3], y_of(chart, 4)),
    ]
    assert line == [pytest.approx(pair, abs=0.06) for pair in expected]
    assert line[-1][0] == charts.RIGHT


def test_reported_figures_are_joined_point_to_point_and_stop_at_the_last_report():
    series = Series("Xã Hồ Sơn, reported", "Báo cáo", (point(days(30), 400), point(DAY, 100)))
    chart = line_chart(dom_id="c", title="t", unit="cases", series=[series], today=days(60), integer=True)
    line = xy_pairs(chart.series[0].line)
    assert len(line) == 2
    assert line[0][0] == charts.LEFT  # sorted by date, whatever order they came in
    assert line[1][0] == pytest.approx(charts.LEFT + 30 / 60 * (charts.RIGHT - charts.LEFT), abs=0.06)
    assert line[1][1] < line[0][1]  # 400 is drawn higher than 100


def test_series_differ_by_dash_and_marker_not_only_colour():
    first = [charts.style_for(index) for index in range(len(charts.STYLES))]
    assert len({style.dash for style in first}) == len(first)
    assert len({style.marker for style in first}) == len(first)
    twice = [charts.style_for(index) for index in range(2 * len(charts.STYLES))]
    assert len({(style.dash, style.marker, style.filled) for style in twice}) == len(twice)


def test_every_marker_shape_has_a_path_and_an_unknown_one_is_refused():
    for style in charts.STYLES:
        assert re.fullmatch(r"M[-0-9., MLHVaZ]+", charts.marker_path(style.marker, 100, 50))
    with pytest.raises(ValueError):
        charts.marker_path("star", 1, 1)


def test_long_series_carry_markers_on_a_selection_including_the_first_and_the_last():
    points = tuple(point(days(i), i + 1) for i in range(100))
    chart = line_chart(dom_id="c", title="t", unit="u", series=[Series("R", "s", points, step=True)], today=days(99))
    (drawn,) = chart.series
    assert len(drawn.markers) == charts.MAX_MARKERS
    assert drawn.markers[0].tooltip == f"R: 1 ({charts.short_date(DAY)})"
    assert drawn.markers[-1].tooltip == f"R: 100 ({charts.short_date(days(99))})"
    assert len(drawn.series.points) == 100  # the data table keeps them all


def test_series_without_points_are_left_out_and_a_chart_without_any_is_empty():
    chart = line_chart(dom_id="c", title="t", unit="u", series=[Series("R", "s", ()), Series("A", "s", ())], today=DAY)
    assert chart.empty
    with translation.override("en"):
        html = render_to_string("_partials/line_chart.html", {"chart": chart})
    assert "No dated figures yet" in html
    assert "<svg" not in html


@pytest.fixture
def big_chart():
    """Figures in the thousands and billions, where Vietnamese formats put dots."""
    return [
        Series(
            "Case registry (stage dates)",
            "stage dates",
            (point(DAY, 1200, source="case registry"), point(days(400), 1499, source="case registry")),
            step=True,
        ),
        Series(
            "Xã Hồ Sơn, reported", "Báo cáo tháng 12", (point(days(200), 1500, "more than 1,500", "Báo cáo tháng 12"),)
        ),
    ]


def test_svg_numbers_stay_plain_under_vietnamese_formats(big_chart):
    with translation.override("vi"):
        chart = line_chart(
            dom_id="trend-12345-counted", title="Số trường hợp", unit="hộ", series=big_chart, today=days(500)
        )
        html = render_to_string("_partials/line_chart.html", {"chart": chart})
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, flags=re.S).group(0)
    for name in ("x", "y", "x1", "x2", "y1", "y2", "width", "height", "dy"):
        for value in re.findall(rf'\s{name}="([^"]*)"', svg):
            assert re.fullmatch(NUMBER, value), (name, value)
            assert 0 <= float(value) <= charts.WIDTH
    for value in re.findall(r'\spoints="([^"]*)"', svg):
        assert re.fullmatch(rf"{NUMBER},{NUMBER}(?: {NUMBER},{NUMBER})*", value), value
    for value in re.findall(r'\sd="([^"]*)"', svg):
        assert re.fullmatch(r"[MLa0-9., -]+Z?", value) and not re.search(r"\d,\d+,\d", value), value
    assert 'viewBox="0 0 640 300"' in svg
    assert 'id="trend-12345-counted-title"' in svg
    # People read the figures the Vietnamese way.
    assert ">1.500</text>" in svg
    assert re.search(r">\d\d/\d{4}</text>", svg)


def test_the_chart_is_an_image_with_title_description_legend_and_data_table(big_chart):
    with translation.override("en"):
        chart = line_chart(dom_id="c1", title="Cases counted", unit="cases", series=big_chart, today=days(500))
        html = render_to_string("_partials/line_chart.html", {"chart": chart})
    assert 'role="img"' in html
    assert 'aria-labelledby="c1-title c1-desc"' in html
    assert '<title id="c1-title">Cases counted (cases)</title>' in html
    desc = re.search(r'<desc id="c1-desc">(.*?)</desc>', html, flags=re.S).group(1)
    assert "from 01/03/2024 to 14/07/2025" in desc
    assert "Xã Hồ Sơn, reported (source: Báo cáo tháng 12): more than 1,500 as of 17/09/2024" in desc
    legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', html, flags=re.S).group(1)
    assert "<strong>Case registry (stage dates)</strong> – source: stage dates" in legend
    assert "<strong>Xã Hồ Sơn, reported</strong> – source: Báo cáo tháng 12" in legend
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"num\">(.*?)</td><td>(.*?)</td></tr>", html)
    assert rows == [
        ("Case registry (stage dates)", "01/03/2024", "1200", "case registry"),
        ("Case registry (stage dates)", "05/04/2025", "1499", "case registry"),
        ("Xã Hồ Sơn, reported", "17/09/2024", "more than 1,500", "Báo cáo tháng 12"),
    ]
    # The qualifier stays with the figure in the tooltip too.
    assert "<title>Xã Hồ Sơn, reported: more than 1,500 (17/09/2024)</title>" in html
    # Print legibility: the registry line is solid with filled circles, the report dashed with squares.
    assert html.count("stroke-dasharray=") == 2  # the dashed line and its legend swatch
