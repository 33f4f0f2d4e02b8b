"""One rounding of areas: m² become hectares by zones.units.m2_to_ha, half up, on every page and in every export.

1.250 m² is 0,125 ha: half up it is 0,13, Python's round() (half to even) would say 0,12. Two
communes of 625 m² each are 0,06 ha each, but their district is 1.250 m² = 0,13 ha: sums are
taken in m² and converted once.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clearance.demo.service import DemoResult
from clearance.models import ProgressReport, Stage, StageEvent
from clearance.read.figures import BY_NAME as FIGURES
from clearance.read.ledger import Figures
from tests.clearance.progress.conftest import make_case as make_dashboard_case
from tests.clearance.weekly.conftest import SUNDAY, WEEK
from tests.clearance.weekly.conftest import make_case as make_weekly_case
from tests.clearance.weekly.helpers import URL as WEEKLY_URL
from tests.clearance.weekly.helpers import page_rows, sheet_rows, workbook_of
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    PhaseFactory,
    ProgressReportFactory,
    SourceFactory,
    ZoneFactory,
)
from zones.templatetags.lsip_format import ha, m2_as_ha
from zones.units import M2_PER_HA, m2_to_ha, round_ha

BREAKDOWN = reverse("clearance:progress_breakdown")
CHECKS = reverse("clearance:report_checks")


# --- the conversion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("m2", "hectares"),
    [
        (Decimal("1250"), "0.13"),  # 0,125 ha: half up; banker's rounding would give 0,12
        (Decimal("1250.0"), "0.13"),
        (1250, "0.13"),
        (Decimal("1249"), "0.12"),
        (Decimal("1249.9"), "0.12"),
        (Decimal("1350"), "0.14"),  # 0,135 ha: 0,14 both ways
        (Decimal("1150"), "0.12"),  # 0,115 ha: half up 0,12 (banker's would also give 0,12)
        (Decimal("50"), "0.01"),  # 0,005 ha
        (Decimal("49.9"), "0.00"),
        (Decimal("1500.5"), "0.15"),
        (Decimal("0"), "0.00"),
        (0, "0.00"),
        (Decimal("5822500"), "582.25"),
    ],
)
def test_square_metres_become_hectares_to_two_decimals_rounded_half_up(m2, hectares):
    result = m2_to_ha(m2)
    assert isinstance(result, Decimal)
    assert str(result) == hectares  # the value and its two decimals: 0 is 0.00, not 0


def test_banker_rounding_would_have_disagreed():
    # What the breakdown's export did before: round() rounds half to even.
    assert round(Decimal("1250") / 10000, 2) == Decimal("0.12")
    assert m2_to_ha(Decimal("1250")) == Decimal("0.13")


def test_an_unknown_area_stays_unknown():
    assert m2_to_ha(None) is None
    assert round_ha(None) is None
    assert m2_as_ha(None) == "—"


def test_other_precisions_and_the_exact_quotient_for_drawing():
    assert m2_to_ha(Decimal("1250"), places=1) == Decimal("0.1")
    assert m2_to_ha(Decimal("1250"), places=3) == Decimal("0.125")
    assert m2_to_ha(Decimal("1250"), places=None) == Decimal("0.125")
    assert M2_PER_HA == 10_000


def test_hectares_already_in_hectares_round_half_up_too():
    assert round_ha(Decimal("0.125")) == Decimal("0.13")
    assert round_ha(Decimal("127.49")) == Decimal("127.49")
    assert round_ha(Decimal("57")) == Decimal("57.00")
    assert round_ha(0.125) == Decimal("0.13")  # a float is read by its shortest text, not its binary value


def test_the_formatters_agree_with_the_conversion():
    with translation.override("vi"):
        assert m2_as_ha(Decimal("1250")) == "0,13 ha"
        assert m2_as_ha(Decimal("1249")) == "0,12 ha"
        assert ha(Decimal("0.125")) == "0,13 ha"
        assert ha(m2_to_ha(Decimal("1250"))) == m2_as_ha(Decimal("1250"))
        assert m2_as_ha(0) == "0 ha"


def test_registry_figures_give_hectares_through_the_one_conversion():
    figures = Figures(area_m2=Decimal("2500"), counted_m2=Decimal("1250"), handed_over_m2=Decimal("1250"))
    figures.approved_m2 = Decimal("1249")
    assert (figures.area_ha, figures.counted_ha, figures.approved_ha) == (
        Decimal("0.25"),
        Decimal("0.13"),
        Decimal("0.12"),
    )
    # What remains is converted from the m² that remain, not from two rounded figures.
    assert (figures.handed_over_ha, figures.remaining_ha) == (Decimal("0.13"), Decimal("0.13"))
    assert figures.handed_over_area_pct == Decimal("50.0")  # percentages from the m², unrounded

    two_communes = Figures.total([Figures(area_m2=Decimal("625")), Figures(area_m2=Decimal("625"))])
    assert Figures(area_m2=Decimal("625")).area_ha == Decimal("0.06")
    assert two_communes.area_ha == Decimal("0.13")  # summed in m², converted once


def test_the_demo_summary_rounds_half_up():
    result = DemoResult(
        phase=None, created=True, cases=1, parcels=1, handed_over_m2=Decimal("1250.0"), recovered_m2=0, paid_vnd=0
    )
    assert result.handed_over_ha == Decimal("0.13")


# --- the breakdown page and its exports ----------------------------------------------------------


@pytest.fixture
def district_of_1250_m2(user):
    """One district whose two communes each handed over 625 m²: 0,06 ha each, 0,13 ha together."""
    district = DistrictFactory(name="Huyện Hữu Lũng")
    phase = PhaseFactory(zone=ZoneFactory(name="KCN Thử", unit=district), number=1)
    for name in ("Xã Hồ Sơn", "Xã Hòa Thắng"):
        make_dashboard_case(
            phase=phase,
            unit=CommuneFactory(name=name, parent=district),
            stage=Stage.HANDED_OVER,
            start=datetime.date(2024, 3, 4),
            parcels=(Decimal("625.0"),),
        )
    return SimpleNamespace(district=district, phase=phase)


def _header(name):
    with translation.override("vi"):
        return gettext(name)


# The breakdown's area columns, headed as their figures' declarations say.
AREA_COLUMNS = ("area_ha", "handed_over_ha")


def _page_cells(html):
    """The cells of the breakdown's one row, as text, in the page's column order."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    (row,) = re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, flags=re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def test_breakdown_page_csv_and_xlsx_show_the_same_hectares(client, user, district_of_1250_m2):
    client.force_login(user)
    params = {"by": "district"}

    page = client.get(BREAKDOWN, params)
    assert page.status_code == 200
    html = page.content.decode()
    headers = [re.sub(r"<[^>]+>|\s+", " ", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]
    cells = _page_cells(html)

    response = client.get(BREAKDOWN, {**params, "_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    csv_header, csv_row = list(csv.reader(io.StringIO(text)))

    response = client.get(BREAKDOWN, {**params, "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xlsx_header = [cell.value for cell in sheet[1]]
    xlsx_row = list(sheet[2])

    for name in AREA_COLUMNS:
        with translation.override("vi"):
            label = str(FIGURES[name].heading)
        assert cells[headers.index(label)] == "0,13 ha", name  # half up; banker's would show 0,12
        assert csv_row[csv_header.index(label)] == "0.13", name
        cell = xlsx_row[xlsx_header.index(label)]
        assert (cell.value, cell.number_format) == (0.13, "#,##0.00"), name
        assert not isinstance(cell.value, str)


def test_a_report_of_0_13_ha_agrees_with_1250_m2_on_the_page_and_in_the_export(client, user, district_of_1250_m2):
    # Rounded half to even the registry would be 0,12 ha and the report flagged as differing.
    ProgressReportFactory(
        phase=district_of_1250_m2.phase,
        unit=district_of_1250_m2.district,
        reported_on=datetime.date(2025, 1, 6),
        source=SourceFactory(published_on=datetime.date(2025, 1, 6)),
        status=ProgressReport.Status.ACCEPTED,
        cases_counted=2,
        area_handed_over_ha=Decimal("0.13"),
    )
    client.force_login(user)
    comparisons = {
        row["comparison"].figure.report_field: row["comparison"]
        for row in client.get(CHECKS).context["table"].data.data
    }
    handed_over = comparisons["area_handed_over_ha"]
    assert (handed_over.registered, handed_over.agrees) == (Decimal("0.13"), True)

    text = b"".join(client.get(CHECKS, {"_export": "csv"}).streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    with translation.override("vi"):
        label = str(handed_over.figure.label)
    (row,) = [row for row in rows if label in row]
    assert row[header.index(_header("Registry"))] == "0.13"

    response = client.get(CHECKS, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    by_figure = {cells[header.index(_header("Figure"))].value: cells for cells in sheet.iter_rows(min_row=2)}
    for name in ("Reported", "Registry"):
        cell = by_figure[label][header.index(_header(name))]
        assert (cell.value, cell.number_format) == (0.13, "#,##0.00"), name
    # Counts and VND on the other rows of the same columns keep the general format.
    others = [cells for figure, cells in by_figure.items() if figure != label]
    assert others
    assert {cells[header.index(_header("Registry"))].number_format for cells in others} == {"General"}


# --- the weekly report and its XLSX --------------------------------------------------------------


@pytest.fixture
def week_of_1250_m2(user):
    """A phase whose two communes each handed over 625 m² on the report's Sunday."""
    district = DistrictFactory(name="Huyện Hữu Lũng")
    phase = PhaseFactory(zone=ZoneFactory(name="KCN Thử", unit=district), number=1)
    communes = [CommuneFactory(name=name, parent=district) for name in ("Xã Hồ Sơn", "Xã Hòa Thắng")]
    for commune in communes:
        make_weekly_case(
            phase,
            commune,
            events={StageEvent.Kind.INVENTORY: datetime.date(2025, 11, 3), StageEvent.Kind.HANDED_OVER: SUNDAY},
            parcels=("625.0",),
        )
    return phase, communes


WEEKLY_AREAS = ("area_ha", "counted_ha", "handed_over_ha", "handed_over_ha_change")


def test_weekly_page_and_xlsx_show_the_same_hectares(client, user, week_of_1250_m2):
    phase, communes = week_of_1250_m2
    client.force_login(user)
    rows = page_rows(client.get(WEEKLY_URL, {"week": WEEK}).content.decode())
    sheet = sheet_rows(workbook_of(client.get(WEEKLY_URL, {"week": WEEK, "_export": "xlsx"})))

    # Commune rows 0,06 each; the phase subtotal and the grand total are the 1.250 m² converted once.
    expected = {(phase.pk, commune.pk): "0,06" for commune in communes}
    expected.update({(phase.pk, None): "0,13", (None, None): "0,13"})
    assert {key: row["handed_over_ha"] for key, row in rows.items()} == expected
    assert rows[(phase.pk, None)]["handed_over_ha_change"] == "+0,13"
    assert rows[(phase.pk, None)]["remaining_ha"] == "0"

    # The sheet holds the same rows in the same order, as numbers with two decimals.
    assert len(sheet) == len(rows)
    for (key, page_row), sheet_row in zip(rows.items(), sheet, strict=True):
        for name in WEEKLY_AREAS:
            shown = Decimal(page_row[name].removeprefix("+").replace(",", "."))
            cell = sheet_row[name]
            assert Decimal(str(cell.value)) == shown, (key, name)
            assert cell.number_format.startswith(("#,##0.00", "+#,##0.00")), (key, name)
    assert sheet[-1]["handed_over_ha"].value == 0.13
