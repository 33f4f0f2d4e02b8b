"""Trend series per phase: the registry's dated steps and the units' accepted reports, scoped and counted."""

import datetime
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clearance.models import ProgressReport, StageEvent
from clearance.read.trend import phase_trends
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    SourceFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
    ZoneFactory,
)
from zones.access import scope_for
from zones.models import Qualifier, Source, StaffProfile

Kind = StageEvent.Kind
Status = ProgressReport.Status
TODAY = datetime.date(2025, 3, 31)
D = datetime.date


def chart(trend, key):
    (found,) = [chart for chart in trend.charts if chart.dom_id.endswith(f"-{key}")]
    return found


def series_named(chart, label):
    # Labels are translated when read; the tests name them in English.
    with translation.override("en"):
        found = [drawn.series for drawn in chart.series if str(drawn.series.label) == label]
    return found[0] if found else None


def registry(chart, label="Case registry (stage dates)"):
    series = series_named(chart, label)
    return [] if series is None else [(point.day, point.value) for point in series.points]


def cumulative(dated_amounts):
    """[(day, running total)] over (day, amount) rows, one point per day: the expectation, built by hand."""
    per_day = defaultdict(Decimal)
    for day, amount in dated_amounts:
        per_day[day] += Decimal(amount)
    total, points = Decimal(0), []
    for day in sorted(per_day):
        total += per_day[day]
        points.append((day, total))
    return points


def event_rows(phase, kind, units=None):
    events = StageEvent.objects.filter(case__phase=phase, kind=kind)
    if units is not None:
        events = events.filter(case__unit__in=units)
    return list(events.select_related("case"))


def trends_for(user, *phases, today=TODAY):
    with translation.override("en"):
        return phase_trends(scope_for(user), phases, today=today)


@pytest.fixture
def area(db):
    """Hữu Lũng with two communes and Cao Lộc with one, and the staff of each district."""
    huu_lung = DistrictFactory(name="Huyện Hữu Lũng")
    cao_loc = DistrictFactory(name="Huyện Cao Lộc")
    units = {
        "ho_son": CommuneFactory(name="Xã Hồ Sơn", parent=huu_lung),
        "hoa_thang": CommuneFactory(name="Xã Hòa Thắng", parent=huu_lung),
        "hop_thanh": CommuneFactory(name="Xã Hợp Thành", parent=cao_loc),
        "huu_lung": huu_lung,
        "cao_loc": cao_loc,
    }
    for name, district in (("huu_lung_staff", huu_lung), ("cao_loc_staff", cao_loc)):
        units[name] = StaffProfileFactory(
            user=UserFactory(username=name), role=StaffProfile.Role.LOCAL_STAFF, units=[district]
        ).user
    return units


@pytest.fixture
def phase(area):
    """Cases with dated steps on several days (two on one day), parcels of several sizes and payments."""
    phase = PhaseFactory(zone=ZoneFactory(unit=area["huu_lung"]))
    plan = [
        # commune, inventory day, paid day, handed-over day, parcels (m²), payments
        ("ho_son", D(2024, 3, 1), D(2024, 6, 10), D(2024, 7, 1), ["800", "700"], [100_000_000, 50_000_000]),
        ("ho_son", D(2024, 3, 1), D(2024, 6, 10), None, ["1200.5"], [200_000_000]),
        ("hoa_thang", D(2024, 3, 5), D(2024, 8, 2), D(2024, 8, 2), ["5000"], [300_000_000]),
        ("hoa_thang", D(2024, 4, 20), None, None, ["450"], []),
        ("hop_thanh", D(2024, 3, 3), D(2024, 6, 12), D(2024, 9, 9), ["9000", "250"], [400_000_000]),
        ("hop_thanh", None, None, None, ["300"], []),
    ]
    for unit, counted, paid, handed_over, parcels, payments in plan:
        case = CaseFactory(phase=phase, unit=area[unit])
        for recovered in parcels:
            LandParcelFactory(case=case, area_m2=Decimal(recovered), recovered_area_m2=Decimal(recovered))
        for kind, day in ((Kind.INVENTORY, counted), (Kind.PAID, paid), (Kind.HANDED_OVER, handed_over)):
            if day:
                StageEventFactory(case=case, kind=kind, happened_on=day)
        # Events the charts do not count, and payments on their own dates.
        StageEventFactory(case=case, kind=Kind.NOTICE, happened_on=D(2024, 1, 15))
        for index, amount in enumerate(payments):
            PaymentFactory(case=case, amount_vnd=amount, paid_on=(paid or D(2024, 6, 1)) + datetime.timedelta(index))
    # Another phase's case must not leak into this one.
    other = CaseFactory(phase=PhaseFactory(zone=phase.zone, number=2), unit=area["ho_son"])
    StageEventFactory(case=other, kind=Kind.INVENTORY, happened_on=D(2024, 3, 1))
    return phase


def test_registry_series_equal_a_cumulative_of_the_raw_rows(user, phase):
    (trend,) = trends_for(user, phase).values()

    for key, kind in (("counted", Kind.INVENTORY), ("paid", Kind.PAID)):
        expected = cumulative((event.happened_on, 1) for event in event_rows(phase, kind))
        assert registry(chart(trend, key)) == expected
    # Two inventories on 01/03/2024 make one step of two.
    assert registry(chart(trend, "counted"))[0] == (D(2024, 3, 1), 2)

    handed = [
        (event.happened_on, sum(p.recovered_area_m2 for p in event.case.parcels.all()) / 10000)
        for event in event_rows(phase, Kind.HANDED_OVER)
    ]
    assert registry(chart(trend, "handed_over_ha")) == cumulative(handed)
    assert registry(chart(trend, "handed_over_ha"))[-1][1] == Decimal("1.575")  # 0,15 + 0,5 + 0,925 ha

    payments = [(p.paid_on, p.amount_vnd) for case in phase.cases.all() for p in case.payments.all()]
    paid_vnd = series_named(chart(trend, "paid_vnd"), "Case registry (payments)")
    assert [(point.day, point.value * 10**9) for point in paid_vnd.points] == cumulative(payments)
    assert paid_vnd.points[-1].text == "1,050,000,000 ₫"


def test_the_overviews_summary_keeps_each_months_last_point_and_no_reports(user, phase, reports):
    (full,) = trends_for(user, phase).values()
    with translation.override("en"):
        (summary,) = phase_trends(scope_for(user), [phase], today=TODAY, summary=True).values()
    for key in ("counted", "paid", "handed_over_ha"):
        daily = registry(chart(full, key))
        monthly = registry(chart(summary, key))
        expected = [
            point
            for index, point in enumerate(daily)
            if index + 1 == len(daily)
            or (daily[index + 1][0].year, daily[index + 1][0].month) != (point[0].year, point[0].month)
        ]
        assert monthly == expected and monthly[-1] == daily[-1]
        assert len(chart(summary, key).series) == 1  # the registry alone: the units' reports are on the zone page
    assert len(registry(chart(full, "counted"))) > len(registry(chart(summary, "counted")))


def test_registry_series_name_their_source(user, phase):
    (trend,) = trends_for(user, phase).values()
    counted = chart(trend, "counted").series[0].series
    with translation.override("en"):
        assert str(counted.label) == "Case registry (stage dates)"
        assert "inventory step" in str(counted.source)
        assert "handed over up to the day" in str(chart(trend, "handed_over_ha").series[0].series.source)


def test_local_staff_see_only_their_own_area_in_the_registry_series(area, phase):
    (huu_lung,) = trends_for(area["huu_lung_staff"], phase).values()
    (cao_loc,) = trends_for(area["cao_loc_staff"], phase).values()

    ours = [area["ho_son"], area["hoa_thang"]]
    for key, kind in (("counted", Kind.INVENTORY), ("paid", Kind.PAID)):
        expected = cumulative((event.happened_on, 1) for event in event_rows(phase, kind, units=ours))
        assert registry(chart(huu_lung, key)) == expected
    assert registry(chart(cao_loc, "counted")) == [(D(2024, 3, 3), 1)]
    assert registry(chart(cao_loc, "handed_over_ha")) == [(D(2024, 9, 9), Decimal("0.925"))]
    assert D(2024, 3, 3) not in {day for day, _ in registry(chart(huu_lung, "counted"))}


def test_a_user_without_a_profile_gets_empty_charts(phase):
    (trend,) = trends_for(UserFactory(username="nobody"), phase).values()
    assert not trend.has_data
    assert all(chart.empty for chart in trend.charts)


@pytest.fixture
def reports(area, phase):
    """What Hồ Sơn and Hòa Thắng reported: accepted, replaced, returned, awaiting sign-off, with gaps."""
    source = SourceFactory(title="Báo cáo tiến độ GPMB", date_precision=Source.Precision.DAY)
    article = SourceFactory(title="Báo Lạng Sơn", date_precision=Source.Precision.MONTH)

    def report(unit, day, status=Status.ACCEPTED, **figures):
        figures = {"cases_counted": None, "area_handed_over_ha": None, **figures}
        return ProgressReportFactory(
            phase=phase,
            unit=area[unit],
            reported_on=day,
            source=figures.pop("source", source),
            status=status,
            **figures,
        )

    report("ho_son", D(2024, 3, 8), cases_counted=2, cases_paid=None, source=article)
    report("ho_son", D(2024, 4, 8), cases_counted=None, area_handed_over_ha=Decimal("0.5"))  # counted not reported
    wrong = report("ho_son", D(2024, 5, 8), cases_counted=30, cases_paid=3)
    report("ho_son", D(2024, 5, 8), cases_counted=3, cases_paid=1, corrects=wrong)
    report("ho_son", D(2024, 6, 8), Status.RETURNED, cases_counted=99)
    report("ho_son", D(2024, 7, 8), Status.SUBMITTED, cases_counted=98)
    report(
        "hoa_thang",
        D(2024, 4, 1),
        cases_counted=490,
        cases_counted_qualifier=Qualifier.MORE_THAN,
        amount_paid_vnd=291_290_000_000,
    )
    # A correction still awaiting sign-off does not replace the accepted report it corrects.
    pending = report("hoa_thang", D(2024, 5, 1), cases_counted=495)
    report("hoa_thang", D(2024, 5, 1), Status.SUBMITTED, cases_counted=600, corrects=pending)
    report("hop_thanh", D(2024, 5, 1), cases_counted=1)
    return phase


def test_reported_series_skip_unreported_figures_and_unaccepted_or_replaced_reports(user, reports):
    (trend,) = trends_for(user, reports).values()
    counted = chart(trend, "counted")

    ho_son = series_named(counted, "Xã Hồ Sơn, reported")
    assert [(p.day, p.value, p.text) for p in ho_son.points] == [(D(2024, 3, 8), 2, "2"), (D(2024, 5, 8), 3, "3")]
    assert [p.when for p in ho_son.points] == ["03/2024", "08/05/2024"]  # as precisely as each source dates it
    assert ho_son.source == "Báo Lạng Sơn; Báo cáo tiến độ GPMB"

    hoa_thang = series_named(counted, "Xã Hòa Thắng, reported")
    assert [(p.value, p.text) for p in hoa_thang.points] == [(490, "more than 490"), (495, "495")]

    # Only the corrected 1 counts for paid; the April report's area is there, its missing count is not zero.
    assert [(p.day, p.value) for p in series_named(chart(trend, "paid"), "Xã Hồ Sơn, reported").points] == [
        (D(2024, 5, 8), 1)
    ]
    handed = series_named(chart(trend, "handed_over_ha"), "Xã Hồ Sơn, reported")
    assert [(p.day, p.text) for p in handed.points] == [(D(2024, 4, 8), "0.5 ha")]
    vnd = series_named(chart(trend, "paid_vnd"), "Xã Hòa Thắng, reported")
    assert [(p.value, p.text) for p in vnd.points] == [(Decimal("291.29"), "291,290,000,000 ₫")]
    # A unit that never reported a figure gets no line for it.
    assert series_named(chart(trend, "paid"), "Xã Hòa Thắng, reported") is None


def test_reported_series_follow_the_reporting_unit_scope(area, reports):
    (cao_loc,) = trends_for(area["cao_loc_staff"], reports).values()
    labels = [drawn.series.label for drawn in chart(cao_loc, "counted").series]
    assert labels == ["Case registry (stage dates)", "Xã Hợp Thành, reported"]


def _phase_with_cases(zone, number, cases):
    phase = PhaseFactory(zone=zone, number=number)
    for index in range(cases):
        case = CaseFactory(phase=phase)
        LandParcelFactory(case=case)
        LandParcelFactory(case=case)
        PaymentFactory(case=case, paid_on=D(2024, 6, 1 + index % 20))
        for kind in (Kind.INVENTORY, Kind.PAID, Kind.HANDED_OVER):
            StageEventFactory(case=case, kind=kind, happened_on=D(2024, 3, 1 + index % 25))
        ProgressReportFactory(phase=phase, reported_on=D(2024, 4, 1 + index % 25), status=Status.ACCEPTED)
    return phase


def test_query_count_is_fixed_for_one_or_many_phases_and_cases(user, django_assert_num_queries):
    scope = scope_for(user)
    zone = ZoneFactory()
    one = [_phase_with_cases(zone, 1, 1)]
    with django_assert_num_queries(2):
        phase_trends(scope, one, today=TODAY)

    many = one + [_phase_with_cases(zone, number, 12) for number in range(2, 6)]
    with django_assert_num_queries(2), translation.override("en"):
        trends = phase_trends(scope, many, today=TODAY)
    assert all(trend.has_data for trend in trends.values())
    assert registry(chart(trends[many[-1].pk], "counted"))[-1][1] == 12

    with django_assert_num_queries(0):
        assert phase_trends(scope, [], today=TODAY) == {}


# --- on the zone page --------------------------------------------------------------------------


def svg_charts(html):
    return re.findall(r'<svg class="chart".*?</svg>', html, flags=re.S)


def test_zone_page_shows_the_charts_of_each_phase(logged_in_client, reports):
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[reports.zone.pk])).content.decode()

    section = re.search(r'<section class="phase" id="phase-1">.*?</section>', html, flags=re.S).group(0)
    assert len(svg_charts(section)) == 4
    for key in ("counted", "paid", "handed_over_ha", "paid_vnd"):
        assert f'id="trend-{reports.pk}-{key}"' in section
    assert "<strong>Xã Hòa Thắng, reported</strong> – source: Báo cáo tiến độ GPMB" in section
    assert "<title>Xã Hòa Thắng, reported: more than 490 (01/04/2024)</title>" in section
    assert 'href="/static/css/charts.css"' in html

    # Phase 2 has one case dated by its inventory and nothing else: three charts say so in words.
    second = re.search(r'<section class="phase" id="phase-2">.*?</section>', html, flags=re.S).group(0)
    assert len(svg_charts(second)) == 1
    assert second.count("No dated figures yet") == 3


def test_zone_page_of_a_phase_without_dated_figures_says_so(logged_in_client, area):
    phase = PhaseFactory(zone=ZoneFactory(unit=area["huu_lung"]))
    CaseFactory(phase=phase, unit=area["ho_son"])  # entered, but no step dated yet
    ProgressReportFactory(phase=phase, status=Status.SUBMITTED)  # not signed off
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = logged_in_client.get(reverse("clearance:zone_detail", args=[phase.zone.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No dated figures for this phase yet" in html
    assert not svg_charts(html)


def test_zone_page_charts_of_another_district_stay_out_of_the_local_view(client, area, phase):
    client.force_login(area["cao_loc_staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("clearance:zone_detail", args=[phase.zone.pk])).content.decode()
    counted = re.search(rf'<figure class="line-chart" id="trend-{phase.pk}-counted">.*?</figure>', html, flags=re.S)
    rows = re.findall(
        r"<tr><td>Case registry \(stage dates\)</td><td>(.*?)</td><td class=\"num\">(.*?)</td>", counted[0]
    )
    assert rows == [("03/03/2024", "1")]


def test_zone_page_coordinates_stay_plain_for_big_figures_in_vietnamese(logged_in_client, area):
    zone = ZoneFactory(pk=12345, unit=area["huu_lung"])
    phase = PhaseFactory(pk=23456, zone=zone)
    for index in range(3):
        ProgressReportFactory(
            phase=phase,
            unit=area["ho_son"],
            reported_on=D(2024, 1 + index, 1),
            cases_counted=1200 + 150 * index,
            area_handed_over_ha=Decimal("1234.5") + index,
            amount_paid_vnd=291_290_000_000 * (index + 1),
            status=Status.ACCEPTED,
        )
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[zone.pk])).content.decode()
    charts = svg_charts(html)
    assert len(charts) == 3  # no case was paid: that chart has no line
    for svg in charts:
        for value in re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg):
            assert re.fullmatch(r"\d+(?:\.\d)?", value), value
        for value in re.findall(r'\spoints="([^"]*)"', svg):
            assert re.fullmatch(r"\d+\.\d,\d+\.\d(?: \d+\.\d,\d+\.\d)*", value), value
    assert 'id="trend-23456-counted"' in html
    # Figures for people keep the Vietnamese separators.
    assert ">1.500</text>" in charts[0]
    assert "1.500" in re.search(r"<details.*?</details>", html, flags=re.S).group(0)
