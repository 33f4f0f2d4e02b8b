import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearance.models import ProgressReport, Stage, StageEvent
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    SourceFactory,
    StageEventFactory,
    ZoneFactory,
)
from zones.models import AdminUnit, Qualifier, Source, SummaryFigure, UnitSuccession, Zone

OVERVIEW = reverse("clearance:overview")
# Only a signed-off report counts as a phase's latest figures.
ACCEPTED = ProgressReport.Status.ACCEPTED


def row_containing(html, text):
    """The table row (<tr>…</tr>) of the page that holds text."""
    rows = [row for row in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S) if text in row]
    assert len(rows) == 1, f"expected one row with {text!r}, found {len(rows)}"
    return rows[0]


def report_containing(html, text):
    """One report of a phase's history: its figures row and its source and notes row."""
    reports = [r for r in re.findall(r'<tbody class="report">.*?</tbody>', html, flags=re.S) if text in r]
    assert len(reports) == 1, f"expected one report with {text!r}, found {len(reports)}"
    return reports[0]


@pytest.fixture
def article(db):
    return SourceFactory(
        title="Báo Lạng Sơn: tháo gỡ điểm nghẽn khu, cụm công nghiệp",
        published_on=datetime.date(2024, 1, 1),
        date_precision=Source.Precision.YEAR,
    )


@pytest.fixture
def vsip(article):
    zone = ZoneFactory(
        name="Khu công nghiệp VSIP Lạng Sơn",
        unit=DistrictFactory(name="Huyện Hữu Lũng"),
        planned_area_ha=Decimal("600"),
        planned_area_qualifier=Qualifier.NEARLY,
        investor=InvestorFactory(name="Công ty TNHH VSIP Lạng Sơn"),
        source=article,
    )
    phase = PhaseFactory(zone=zone, number=1, area_ha=Decimal("200"), source=article)
    ProgressReportFactory(
        phase=phase,
        reported_on=datetime.date(2024, 1, 1),
        source=article,
        cases_counted=490,
        cases_counted_qualifier=Qualifier.MORE_THAN,
        area_handed_over_ha=Decimal("57"),
        area_handed_over_qualifier=Qualifier.MORE_THAN,
        status=ACCEPTED,
    )
    return zone


@pytest.fixture
def later_report(vsip):
    source = SourceFactory(
        title="Báo cáo tiến độ GPMB tháng 12", published_on=datetime.date(2024, 12, 20), date_precision="day"
    )
    return ProgressReportFactory(
        phase=vsip.phases.get(),
        reported_on=datetime.date(2024, 12, 15),
        source=source,
        cases_counted=495,
        area_handed_over_ha=Decimal("127.49"),
        amount_paid_vnd=291_290_000_000,
        status=ACCEPTED,
    )


@pytest.fixture
def clusters(article):
    cao_loc = DistrictFactory(name="Huyện Cao Lộc")
    operating = ZoneFactory(
        name="Cụm công nghiệp địa phương số 2",
        kind=Zone.Kind.INDUSTRIAL_CLUSTER,
        status=Zone.Status.OPERATING,
        unit=cao_loc,
        planned_area_ha=Decimal("8.5"),
        occupancy_reported_pct=Decimal("100"),
        source=article,
    )
    unknown = ZoneFactory(
        name="Cụm công nghiệp Hợp Thành 1",
        kind=Zone.Kind.INDUSTRIAL_CLUSTER,
        status=Zone.Status.ESTABLISHED,
        unit=cao_loc,
        planned_area_ha=None,
        source=article,
    )
    SummaryFigure.objects.create(metric=SummaryFigure.Metric.CLUSTERS_ESTABLISHED, value=Decimal("9"), source=article)
    SummaryFigure.objects.create(
        metric=SummaryFigure.Metric.CLUSTERS_ESTABLISHED_AREA,
        value=Decimal("372"),
        qualifier=Qualifier.ABOUT,
        source=article,
    )
    return operating, unknown


@pytest.mark.parametrize("url_name", ["clearance:overview", "clearance:case_list"])
def test_anonymous_users_are_sent_to_login(client, db, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_users_cannot_open_a_zone(client, vsip):
    response = client.get(reverse("clearance:zone_detail", args=[vsip.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_overview_shows_qualified_dated_sourced_figures(logged_in_client, vsip, clusters):
    response = logged_in_client.get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()

    zone_row = row_containing(html, "Khu công nghiệp VSIP Lạng Sơn</a></td>")
    assert "gần 600 ha" in zone_row
    assert "Công ty TNHH VSIP Lạng Sơn" in zone_row
    assert "Huyện Hữu Lũng" in zone_row

    phase_row = row_containing(html, "giai đoạn 1</td>")
    assert "200 ha" in phase_row
    assert "hơn 490" in phase_row
    assert "hơn 57 ha" in phase_row
    assert "hơn 28,5 %" in phase_row
    # The article is only known to its year, so its figures are dated by the year alone.
    assert "<td>2024</td>" in phase_row
    assert "Báo Lạng Sơn: tháo gỡ điểm nghẽn" in phase_row


def test_overview_shows_clusters_with_unknown_area_as_a_dash(logged_in_client, vsip, clusters):
    html = logged_in_client.get(OVERVIEW).content.decode()

    operating = row_containing(html, "Cụm công nghiệp địa phương số 2")
    assert "8,5 ha" in operating
    assert "100 %" in operating
    assert "Đang hoạt động" in operating or "đang hoạt động" in operating

    unknown = row_containing(html, "Cụm công nghiệp Hợp Thành 1")
    cells = re.findall(r'<td class="num">(.*?)</td>', unknown, flags=re.S)
    assert cells == ["—", "—"]  # planned area and occupancy: unknown, not zero
    assert "0 ha" not in unknown


def test_overview_shows_summary_figures_with_source_and_date(logged_in_client, vsip, clusters):
    html = logged_in_client.get(OVERVIEW).content.decode()
    count_row = row_containing(html, "Số cụm công nghiệp đã có quyết định thành lập")
    assert '<td class="num">9</td>' in count_row
    assert "<td>2024</td>" in count_row
    area_row = row_containing(html, "Tổng diện tích các cụm công nghiệp đã thành lập")
    assert "khoảng 372 ha" in area_row
    assert "Báo Lạng Sơn" in area_row


def test_overview_shows_the_latest_report_only(logged_in_client, vsip, later_report):
    html = logged_in_client.get(OVERVIEW).content.decode()
    phase_row = row_containing(html, "giai đoạn 1</td>")
    assert "495" in phase_row
    assert "127,49 ha" in phase_row
    assert "63,7 %" in phase_row
    assert "15/12/2024" in phase_row
    assert "hơn 490" not in phase_row


def test_overview_marks_synthetic_sources(logged_in_client, vsip):
    demo = SourceFactory(title="Dữ liệu demo", is_synthetic=True, published_on=datetime.date(2025, 1, 1))
    ProgressReportFactory(phase=vsip.phases.get(), reported_on=datetime.date(2025, 1, 1), source=demo, status=ACCEPTED)
    html = logged_in_client.get(OVERVIEW).content.decode()
    phase_row = row_containing(html, "giai đoạn 1</td>")
    assert "badge-synthetic" in phase_row
    zone_row = row_containing(html, "Khu công nghiệp VSIP Lạng Sơn</a></td>")
    assert "badge-synthetic" not in zone_row


def test_overview_search_ignores_diacritics_and_reports_no_match(logged_in_client, vsip, clusters):
    html = logged_in_client.get(OVERVIEW, {"q": "vsip lang son"}).content.decode()
    assert "Khu công nghiệp VSIP Lạng Sơn" in html
    assert "Cụm công nghiệp địa phương số 2" not in html

    html = logged_in_client.get(OVERVIEW, {"q": "khong co khu nao"}).content.decode()
    assert "Khu công nghiệp VSIP Lạng Sơn" not in html
    assert "Không có khu, cụm công nghiệp nào khớp với “khong co khu nao”." in html


def _zone_with_phases_and_reports(index):
    source = SourceFactory(date_precision=Source.Precision.MONTH)
    zone = ZoneFactory(
        kind=Zone.Kind.INDUSTRIAL_ZONE if index % 2 else Zone.Kind.INDUSTRIAL_CLUSTER,
        investor=InvestorFactory(),
        source=source,
    )
    for number in (1, 2):
        phase = PhaseFactory(zone=zone, number=number, source=source)
        for day in (1, 2, 3):
            ProgressReportFactory(phase=phase, reported_on=datetime.date(2024, day, 1), source=source, status=ACCEPTED)
    return zone


def test_overview_query_count_does_not_grow_with_zones(logged_in_client, db):
    for index in range(2):
        _zone_with_phases_and_reports(index)
    SummaryFigure.objects.create(
        metric=SummaryFigure.Metric.CLUSTERS_ESTABLISHED, value=Decimal("9"), source=SourceFactory()
    )
    with CaptureQueriesContext(connection) as few:
        assert logged_in_client.get(OVERVIEW).status_code == 200

    for index in range(2, 8):
        _zone_with_phases_and_reports(index)
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.get(OVERVIEW)
    assert response.content.decode().count("giai đoạn 2</td>") == 8
    assert len(many) == len(few)


def test_missing_zone_is_404(logged_in_client, db):
    assert logged_in_client.get(reverse("clearance:zone_detail", args=[999999])).status_code == 404


def test_zone_page_keeps_every_report(logged_in_client, vsip, later_report):
    response = logged_in_client.get(reverse("clearance:zone_detail", args=[vsip.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "gần 600 ha" in html

    newest = report_containing(html, "15/12/2024")
    assert "495" in newest
    assert "127,49 ha" in newest
    assert "291.290.000.000 ₫" in newest
    assert "Báo cáo tiến độ GPMB tháng 12" in newest
    assert "mới nhất" in newest

    oldest = report_containing(html, "hơn 490")
    assert "hơn 57 ha" in oldest
    assert "<td>2024" in oldest
    assert "Báo Lạng Sơn" in oldest
    # Newest first.
    assert html.index("127,49 ha") < html.index("hơn 57 ha")


@pytest.fixture
def registry(vsip):
    """Two communes of one phase; one case has two parcels and two payments, the trap for joined sums."""
    phase = vsip.phases.get()
    ho_son = CommuneFactory(name="Xã Hồ Sơn", parent=vsip.unit)
    hoa_thang = CommuneFactory(name="Xã Hòa Thắng", parent=vsip.unit)
    new_a = AdminUnit.objects.create(
        code=7001, name="Xã Hữu Lũng Mới", unit_type="xã", level="commune", structure="2025"
    )
    new_b = AdminUnit.objects.create(code=7002, name="Xã Tân Thành", unit_type="xã", level="commune", structure="2025")
    UnitSuccession.objects.create(old=ho_son, new=new_a)
    UnitSuccession.objects.create(old=ho_son, new=new_b, partial=True)

    first = CaseFactory(phase=phase, unit=ho_son, stage=Stage.PAID)
    LandParcelFactory(case=first, area_m2=Decimal("1000"), recovered_area_m2=Decimal("800"))
    LandParcelFactory(case=first, area_m2=Decimal("700"), recovered_area_m2=Decimal("700"))
    PaymentFactory(case=first, amount_vnd=100_000_000)
    PaymentFactory(case=first, amount_vnd=50_000_000)
    second = CaseFactory(phase=phase, unit=ho_son, stage=Stage.HANDED_OVER)
    LandParcelFactory(case=second, area_m2=Decimal("9000"), recovered_area_m2=Decimal("8500"))
    PaymentFactory(case=second, amount_vnd=200_000_000)
    CaseFactory(phase=phase, unit=ho_son, stage=Stage.NOTICE)
    third = CaseFactory(phase=phase, unit=hoa_thang, stage=Stage.HANDED_OVER, is_synthetic=True)
    LandParcelFactory(case=third, area_m2=Decimal("5000"), recovered_area_m2=Decimal("5000"))
    # The registry counts a step from its dated act (docs/decisions/0016), as the overview does.
    for case in (first, second, third):
        StageEventFactory(case=case, kind=StageEvent.Kind.INVENTORY, happened_on=datetime.date(2024, 4, 1))
    for case in (second, third):
        StageEventFactory(case=case, kind=StageEvent.Kind.HANDED_OVER, happened_on=datetime.date(2024, 9, 2))
    return phase


def _independent_totals(cases):
    """The registry figures computed case by case in Python, without the page's aggregates: a step
    counts from its recorded act."""
    totals = {"cases": 0, "counted": 0, "handed_over": 0, "recovered": Decimal(0), "handed_m2": Decimal(0), "paid": 0}
    for case in cases:
        recovered = sum((parcel.recovered_area_m2 for parcel in case.parcels.all()), Decimal(0))
        acts = {event.kind for event in case.events.all()}
        totals["cases"] += 1
        totals["counted"] += StageEvent.Kind.INVENTORY in acts
        totals["handed_over"] += StageEvent.Kind.HANDED_OVER in acts
        totals["recovered"] += recovered
        totals["handed_m2"] += recovered if StageEvent.Kind.HANDED_OVER in acts else 0
        totals["paid"] += sum(payment.amount_vnd for payment in case.payments.all())
    return totals


def test_zone_page_breakdown_by_commune_matches_the_raw_rows(logged_in_client, vsip, registry):
    response = logged_in_client.get(reverse("clearance:zone_detail", args=[vsip.pk]))
    html = response.content.decode()
    (phase,) = response.context["phases"]

    for row in phase.registry_by_commune:
        expected = _independent_totals(row.unit.cases.all())
        assert (row.cases, row.counted, row.handed_over) == (
            expected["cases"],
            expected["counted"],
            expected["handed_over"],
        )
        assert row.area_m2 == expected["recovered"]
        assert row.handed_over_m2 == expected["handed_m2"]
        assert row.paid_vnd == expected["paid"]
    whole = _independent_totals(registry.cases.all())
    assert (phase.registry.cases, phase.registry.area_m2, phase.registry.paid_vnd) == (
        whole["cases"],
        whole["recovered"],
        whole["paid"],
    )

    # What the officer reads: Hồ Sơn has 3 cases, 2 counted, 1 handed over, 1 ha recovered, 0,85 ha handed over.
    ho_son = row_containing(html, ">Xã Hồ Sơn</a>")
    cells = re.findall(r'<td class="num">(.*?)</td>', ho_son)
    assert cells == ["3", "2", "1", "1 ha", "0,85 ha", "350.000.000 ₫"]
    assert "Huyện Hữu Lũng" in ho_son
    assert "Xã Hữu Lũng Mới" in ho_son
    assert 'Xã Tân Thành <small class="muted">(một phần)</small>' in ho_son
    assert f"?phase={registry.pk}&amp;unit=" in ho_son

    total = row_containing(html, "Tổng cộng")
    assert re.findall(r'<td class="num">(.*?)</td>', total) == ["4", "3", "2", "1,5 ha", "1,35 ha", "350.000.000 ₫"]


def test_zone_page_labels_synthetic_registry_figures(logged_in_client, vsip, registry):
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[vsip.pk])).content.decode()
    assert "Số liệu từ sổ hồ sơ" in html
    assert "1 trên 4 trường hợp trong sổ hồ sơ là dữ liệu mô phỏng" in html
    assert "badge-synthetic" in row_containing(html, ">Xã Hòa Thắng</a>")
    assert "badge-synthetic" not in row_containing(html, ">Xã Hồ Sơn</a>")


def test_zone_page_without_synthetic_cases_has_no_badge(logged_in_client, vsip):
    CaseFactory(phase=vsip.phases.get(), unit=CommuneFactory(parent=vsip.unit))
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[vsip.pk])).content.decode()
    assert "badge-synthetic" not in html
    assert "Số liệu từ sổ hồ sơ" in html


def test_zone_page_links_to_the_filtered_case_list(logged_in_client, vsip, registry):
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[vsip.pk])).content.decode()
    cases = reverse("clearance:case_list")
    assert f'href="{cases}?zone={vsip.pk}"' in html
    assert f'href="{cases}?phase={registry.pk}"' in html


def test_links_carry_plain_ids_whatever_the_number_format(logged_in_client, vsip, registry):
    # 1.234 is how Vietnamese writes a thousand and more; an id in a link must stay 1234.
    zone = ZoneFactory(pk=12345, name="Cụm công nghiệp Thử nghiệm")
    phase = PhaseFactory(zone=zone, pk=23456)
    CaseFactory(phase=phase, pk=34567)
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[zone.pk])).content.decode()
    cases = reverse("clearance:case_list")
    assert f'href="{cases}?zone=12345"' in html
    assert f'href="{cases}?phase={phase.pk}"' in html


def test_zone_page_query_count_does_not_grow_with_cases(logged_in_client, vsip):
    phase = vsip.phases.get()

    def add_cases(count):
        for _ in range(count):
            commune = CommuneFactory(parent=vsip.unit)
            UnitSuccession.objects.create(
                old=commune,
                new=AdminUnit.objects.create(
                    code=CommuneFactory.build().code + 50000,
                    name="Xã mới",
                    unit_type="xã",
                    level="commune",
                    structure="2025",
                ),
            )
            case = CaseFactory(phase=phase, unit=commune, stage=Stage.HANDED_OVER)
            LandParcelFactory(case=case)
            LandParcelFactory(case=case)
            PaymentFactory(case=case)

    add_cases(2)
    url = reverse("clearance:zone_detail", args=[vsip.pk])
    with CaptureQueriesContext(connection) as few:
        assert logged_in_client.get(url).status_code == 200
    add_cases(15)
    ProgressReportFactory(phase=phase, reported_on=datetime.date(2025, 3, 1))
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.get(url)
    assert response.context["phases"][0].registry.cases == 17
    assert len(many) == len(few)


def test_overview_search_escapes_the_query(logged_in_client, vsip):
    html = logged_in_client.get(OVERVIEW, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_overview_draws_the_trends_of_its_largest_phases_and_links_the_rest(logged_in_client):
    """However many phases the country has, the overview draws a few; the others are a link away."""
    phases = []
    for cases in range(1, 7):  # phase n has n cases: the 4 largest are drawn
        phase = PhaseFactory(zone=ZoneFactory(name=f"Cụm công nghiệp số {cases}"))
        for _ in range(cases):
            StageEventFactory(case=CaseFactory(phase=phase), kind=StageEvent.Kind.INVENTORY)
        phases.append(phase)
    html = logged_in_client.get(reverse("clearance:overview")).content.decode()
    drawn = {int(number) for number in re.findall(r'id="trend-(\d+)-', html)}
    assert drawn == {phase.pk for phase in phases[2:]}
    more = html[html.index('id="more-trends"') :]
    more = more[: more.index("</p>")]
    for phase in phases[:2]:
        assert reverse("clearance:zone_detail", args=[phase.zone_id]) in more
    zone_page = logged_in_client.get(reverse("clearance:zone_detail", args=[phases[0].zone_id])).content.decode()
    assert f'id="trend-{phases[0].pk}-' in zone_page
