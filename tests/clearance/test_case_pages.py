import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearance.models import Asset, Case, CompensationItem, Stage, StageEvent
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CommuneFactory,
    CompensationItemFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ResettlementPlotFactory,
    StageEventFactory,
)

CASES = reverse("clearance:case_list")


def case_url(case):
    return reverse("clearance:case_detail", args=[case.pk])


def body_rows(html):
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    return re.findall(r"<tr[^>]*>.*?</tr>", tbody, flags=re.S)


def row_of(html, code):
    rows = [row for row in body_rows(html) if f">{code}</a>" in row]
    assert len(rows) == 1
    return rows[0]


@pytest.fixture
def paid_case(db):
    """One case with two parcels and two payments: a joined sum would double both figures."""
    case = CaseFactory(
        code="HS-001",
        name="Hộ bà Hoàng Thị Mai",
        unit=CommuneFactory(name="Xã Hồ Sơn"),
        village="Thôn Đồng Bụt",
        stage=Stage.PAID,
    )
    LandParcelFactory(case=case, area_m2=Decimal("1000"), recovered_area_m2=Decimal("800"))
    LandParcelFactory(case=case, area_m2=Decimal("900.5"), recovered_area_m2=Decimal("700"))
    PaymentFactory(case=case, amount_vnd=100_000_000)
    PaymentFactory(case=case, amount_vnd=50_000_000)
    return case


def test_anonymous_users_cannot_open_a_case(client, paid_case):
    response = client.get(case_url(paid_case))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={case_url(paid_case)}"


def test_case_list_shows_cases_with_their_sums(logged_in_client, paid_case):
    response = logged_in_client.get(CASES)
    assert response.status_code == 200
    html = response.content.decode()
    row = row_of(html, "HS-001")
    assert f'href="{case_url(paid_case)}"' in row
    assert "Hộ bà Hoàng Thị Mai" in row
    assert "Xã Hồ Sơn" in row
    assert "Thôn Đồng Bụt" in row
    assert "Đã chi trả" in row or "đã chi trả" in row
    assert "Hộ gia đình" in row or "hộ gia đình" in row
    assert "1.500 m²" in row
    assert "150.000.000 ₫" in row
    assert "1 trường hợp" in html


def test_case_without_parcels_or_payments_shows_dashes(logged_in_client, db):
    CaseFactory(code="HS-EMPTY")
    row = row_of(logged_in_client.get(CASES).content.decode(), "HS-EMPTY")
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["—", "—"]


def test_case_list_marks_synthetic_cases_only(logged_in_client, db):
    CaseFactory(code="REAL-1")
    CaseFactory(code="DEMO-1", is_synthetic=True)
    CaseFactory(code="DEMO-2", is_synthetic=True)
    html = logged_in_client.get(CASES).content.decode()
    assert "badge-synthetic" not in row_of(html, "REAL-1")
    assert "Dữ liệu mô phỏng" in row_of(html, "DEMO-1")
    assert html.count('class="badge badge-synthetic"') == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": Stage.HANDED_OVER}, {"B"}),
        ({"kind": Case.Kind.ORGANIZATION}, {"C"}),
        ({"synthetic": "yes"}, {"C"}),
        ({"synthetic": "no"}, {"A", "B"}),
        ({"q": "tran van"}, {"B"}),
        ({"q": "TRẦN VĂN"}, {"B"}),
        ({"q": "không ai tên thế"}, set()),
    ],
)
def test_case_list_filters(logged_in_client, db, params, expected):
    CaseFactory(code="A", name="Hộ ông Lý Văn Sáu", stage=Stage.NOTICE)
    CaseFactory(code="B", name="Hộ ông Trần Văn Tư", stage=Stage.HANDED_OVER)
    CaseFactory(code="C", name="Hợp tác xã Hồ Sơn", kind=Case.Kind.ORGANIZATION, is_synthetic=True)
    html = logged_in_client.get(CASES, params).content.decode()
    shown = {code for code in "ABC" if f">{code}</a>" in html}
    assert shown == expected


def test_case_list_filters_by_zone_phase_and_commune(logged_in_client, db):
    phase_a = PhaseFactory()
    phase_b = PhaseFactory()
    commune = CommuneFactory()
    CaseFactory(code="A1", phase=phase_a, unit=commune)
    CaseFactory(code="A2", phase=phase_a)
    CaseFactory(code="B1", phase=phase_b, unit=commune)

    def shown(params):
        html = logged_in_client.get(CASES, params).content.decode()
        return {code for code in ("A1", "A2", "B1") if f">{code}</a>" in html}

    assert shown({"zone": phase_a.zone.pk}) == {"A1", "A2"}
    assert shown({"phase": phase_b.pk}) == {"B1"}
    assert shown({"unit": commune.pk}) == {"A1", "B1"}
    assert shown({"phase": phase_a.pk, "unit": commune.pk}) == {"A1"}


@pytest.mark.parametrize(
    "params", [{"stage": "not-a-stage"}, {"zone": "abc"}, {"unit": "999999"}, {"page": "999"}, {"sort": "nonsense"}]
)
def test_case_list_survives_bad_input(logged_in_client, paid_case, params):
    response = logged_in_client.get(CASES, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert ">HS-001</a>" in html
    if set(params) & {"stage", "zone", "unit"}:
        # The officer is told which filter was wrong instead of getting an empty list.
        assert 'class="error"' in html


def test_case_list_sorts_by_the_annotated_sums(logged_in_client, db):
    small = CaseFactory(code="SMALL")
    PaymentFactory(case=small, amount_vnd=1_000_000)
    big = CaseFactory(code="BIG")
    PaymentFactory(case=big, amount_vnd=9_000_000)
    html = logged_in_client.get(CASES, {"sort": "-paid_vnd"}).content.decode()
    assert html.index(">BIG</a>") < html.index(">SMALL</a>")
    html = logged_in_client.get(CASES, {"sort": "paid_vnd"}).content.decode()
    assert html.index(">SMALL</a>") < html.index(">BIG</a>")


def test_case_list_pages_by_fifty(logged_in_client, db):
    phase = PhaseFactory()
    CaseFactory.create_batch(51, phase=phase)
    html = logged_in_client.get(CASES).content.decode()
    assert len(body_rows(html)) == 50
    # Pages are counted lazily: the total is known once the last page is reached.
    assert "51 trường hợp" not in html
    assert "page=2" in html
    second = logged_in_client.get(CASES, {"page": 2}).content.decode()
    assert len(body_rows(second)) == 1
    assert "51 trường hợp" in second


def test_case_list_query_count_does_not_grow_with_cases(logged_in_client, db):
    phase = PhaseFactory()

    def add(count):
        for _ in range(count):
            case = CaseFactory(phase=phase, is_synthetic=True)
            LandParcelFactory(case=case)
            LandParcelFactory(case=case)
            PaymentFactory(case=case)

    add(3)
    with CaptureQueriesContext(connection) as few:
        assert logged_in_client.get(CASES).status_code == 200
    add(27)
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.get(CASES)
    assert len(body_rows(response.content.decode())) == 30
    assert len(many) == len(few)


def test_missing_case_is_404(logged_in_client, db):
    assert logged_in_client.get(reverse("clearance:case_detail", args=[999999])).status_code == 404


def test_case_page_shows_parcels_assets_documents_and_money(logged_in_client, paid_case):
    AssetFactory(
        case=paid_case, kind=Asset.Kind.GRAVE, description="Mộ đất", quantity=Decimal("2"), unit_of_measure="ngôi"
    )
    StageEventFactory(
        case=paid_case,
        kind=StageEvent.Kind.PLAN_APPROVED,
        happened_on=datetime.date(2024, 8, 12),
        doc_type=StageEvent.DocType.DECISION,
        doc_number="1234/QĐ-UBND",
        doc_date=datetime.date(2024, 8, 12),
        doc_issuer="UBND huyện Hữu Lũng",
    )
    CompensationItemFactory(case=paid_case, component=CompensationItem.Component.LAND, amount_vnd=120_000_000)
    CompensationItemFactory(case=paid_case, component=CompensationItem.Component.SUPPORT, amount_vnd=30_000_000)
    ResettlementPlotFactory(
        case=paid_case,
        resettlement_area="Khu tái định cư Hồ Sơn",
        plot_no="L07",
        allocated_on=datetime.date(2024, 11, 5),
    )

    response = logged_in_client.get(case_url(paid_case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "HS-001 – Hộ bà Hoàng Thị Mai" in html
    assert "1.000 m²" in html and "900,5 m²" in html
    assert "1.900,5 m²" in html  # parcels total
    assert "1.500 m²" in html  # recovered total
    assert "LUC – Đất chuyên trồng lúa" in html
    assert "Mồ mả" in html and "Mộ đất" in html
    assert "1234/QĐ-UBND" in html and "12/08/2024" in html and "UBND huyện Hữu Lũng" in html
    assert "150.000.000 ₫" in html  # compensation total and payments total
    assert html.count("150.000.000 ₫") == 2
    assert "Khu tái định cư Hồ Sơn" in html and "L07" in html and "05/11/2024" in html
    assert "banner-synthetic" not in html


def test_case_page_warns_about_synthetic_cases(logged_in_client, db):
    case = CaseFactory(is_synthetic=True)
    html = logged_in_client.get(case_url(case)).content.decode()
    assert "banner-synthetic" in html
    assert "Hồ sơ này là dữ liệu mô phỏng" in html


def test_case_page_says_when_nothing_is_recorded(logged_in_client, db):
    html = logged_in_client.get(case_url(CaseFactory())).content.decode()
    assert "Chưa ghi nhận thửa đất nào." in html
    assert "Chưa ghi nhận lần chi trả nào." in html


def test_case_page_query_count_does_not_grow_with_steps_and_their_history(logged_in_client, paid_case):
    kinds = [StageEvent.Kind.NOTICE, StageEvent.Kind.INVENTORY, StageEvent.Kind.PLAN_POSTED]
    StageEventFactory(case=paid_case, kind=kinds[0], happened_on=datetime.date(2024, 1, 2))
    with CaptureQueriesContext(connection) as few:
        assert logged_in_client.get(case_url(paid_case)).status_code == 200
    for day, kind in enumerate(kinds[1:], start=3):
        event = StageEventFactory(case=paid_case, kind=kind, happened_on=datetime.date(2024, 1, day))
        event.note = "sửa"
        event.save()  # a second history record for the step
    with CaptureQueriesContext(connection) as many:
        response = logged_in_client.get(case_url(paid_case))
    assert len(many) == len(few)
    # Every step shows each of its recorded changes: 1 + 2 + 2.
    assert [len(event.changes) for event in response.context["events"]] == [1, 2, 2]
