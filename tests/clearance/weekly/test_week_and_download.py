"""The week asked for, the XLSX download's layout and formats, and a constant number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clearance.models import StageEvent
from clearance.read.bottlenecks import week_start
from tests.clearance.weekly.conftest import MONDAY, SUNDAY, WEEK, make_case
from tests.clearance.weekly.helpers import URL, heading_row, page_rows, sheet_rows, workbook_of
from tests.factories import CommuneFactory, PhaseFactory, ProgressReportFactory

Kind = StageEvent.Kind


def shown_week(html):
    return re.search(r'<input type="week" name="week" id="id_week" value="([^"]+)"', html).group(1)


def this_week():
    year, number, _day = week_start(timezone.localdate()).isocalendar()
    return f"{year}-W{number:02d}"


def test_without_a_week_the_report_is_of_the_current_week(world, as_user):
    response = as_user(world.officer).get(URL)
    assert response.status_code == 200
    assert shown_week(response.content.decode()) == this_week()
    assert 'role="alert"' not in response.content.decode()


@pytest.mark.parametrize("week", ["2025-W60", "2025-W00", "abc", "2025-48", "9999999-W01", "2025-W48-1"])
def test_a_bad_week_shows_a_message_and_the_current_week(world, as_user, week):
    response = as_user(world.officer, "en").get(URL, {"week": week})
    assert response.status_code == 200
    html = response.content.decode()
    assert shown_week(html) == this_week()
    alert = re.search(r'<p class="notice weekly-error" role="alert">(.*?)</p>', html, re.S).group(1)
    assert "The current week is shown." in alert


def test_a_week_not_yet_started_shows_a_message_and_the_current_week(world, as_user):
    response = as_user(world.officer, "en").get(URL, {"week": "2999-W01"})
    html = response.content.decode()
    assert shown_week(html) == this_week()
    assert "The week 2999-W01 has not started yet; the current week is shown." in html


def test_a_bad_week_downloads_the_current_week(world, as_user):
    response = as_user(world.officer).get(URL, {"week": "nonsense", "_export": "xlsx"})
    assert response.status_code == 200
    assert f"bao-cao-tien-do-gpmb-{this_week()}.xlsx" in response["Content-Disposition"]


@pytest.mark.parametrize("kind", ["pdf", "csv", ""])
def test_only_xlsx_can_be_downloaded(world, as_user, kind):
    response = as_user(world.officer, "en").get(URL, {"week": WEEK, "_export": kind})
    assert response.status_code == 400
    assert response.content.decode() == "The weekly report can be downloaded as XLSX only."


def test_the_page_prints_and_links_to_its_download(world, as_user):
    html = as_user(world.officer).get(URL, {"week": WEEK}).content.decode()
    assert 'onclick="window.print()"' in html
    assert f'href="?week={WEEK}&amp;_export=xlsx"' in html
    assert "css/weekly.css" in html
    # Two heading rows: the groups over their columns, then each group's own columns.
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert len(re.findall(r"<tr>", head)) == 2
    assert 'colspan="4"' in head  # the change since last week: cases counted, cases paid, VND, ha


def test_the_xlsx_is_named_for_its_week_with_title_rows_and_a_grouped_heading(world, as_user):
    response = as_user(world.officer, "en").get(URL, {"week": WEEK, "_export": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-tien-do-gpmb-2025-W48.xlsx"'
    sheet = workbook_of(response)
    titles = [sheet.cell(row=number, column=1).value for number in range(1, 8)]
    assert titles == [
        "Site clearance progress report",
        "Province: Tỉnh Lạng Sơn",
        "Week: 24/11/2025 – 30/11/2025 (2025-W48)",
        "Scope: The whole province",
        "Figures as of: 30/11/2025",
        "Source: LSIP case registry, stage events up to 30/11/2025",
        "Demo data: Includes 1 synthetic case: generated demo data, not real figures.",
    ]
    first = heading_row(sheet)
    top = [cell.value for cell in sheet[first]]
    bottom = [cell.value for cell in sheet[first + 1]]
    assert top[:7] == ["Project", "Commune", None, "Investor", "Area to recover (ha)", "Affected cases", "Counted"]
    assert bottom[:8] == [None, "recorded under", "from 1 July 2025", None, None, None, "cases", "ha"]
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert f"A{first}:A{first + 1}" in merged
    assert f"G{first}:H{first}" in merged
    assert sheet.freeze_panes == f"C{first + 2}"


def test_xlsx_cells_are_typed_numbers_with_formats(world, as_user):
    sheet = workbook_of(as_user(world.officer).get(URL, {"week": WEEK, "_export": "xlsx"}))
    ho_son = next(row for row in sheet_rows(sheet) if row["commune"].value == "Xã Hồ Sơn" and row["obstacles"].value)
    assert ho_son["commune_2025"].value == "Xã Hữu Lũng"
    assert ho_son["investor"].value == "VSIP"
    assert (ho_son["paid_vnd"].value, ho_son["paid_vnd"].number_format) == (175_000_000, "#,##0")
    assert isinstance(ho_son["paid_vnd"].value, int)
    assert (ho_son["area_ha"].value, ho_son["area_ha"].number_format) == (0.35, "#,##0.00")
    assert ho_son["handed_over_area_pct"].number_format == "0.0%"
    assert ho_son["paid_change"].value == 1
    assert ho_son["lead_unit"].value == "UBND xã Hồ Sơn"
    assert ho_son["target_on"].value == datetime.datetime(2026, 6, 30)
    assert ho_son["target_on"].number_format.lower() == "dd/mm/yyyy"


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("export", [None, "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_data(world, as_user, export):
    client = as_user(world.officer)
    params = {"week": WEEK, **({"_export": export} if export else {})}
    _queries(client, params)  # the first request also loads the session and the user's profile
    small = _queries(client, params)

    for number in range(3, 6):
        phase = PhaseFactory(zone=world.p1.zone, number=number)
        for _commune in range(3):
            unit = CommuneFactory(parent=world.huu_lung)
            for day in (MONDAY, SUNDAY):
                make_case(
                    phase,
                    unit,
                    events={Kind.INVENTORY: day, Kind.PLAN_APPROVED: day, Kind.PAID: day, Kind.HANDED_OVER: day},
                    parcels=("100", "200"),
                    graves=1,
                    compensation=(1_000_000,),
                    payments=((day, 1_000_000),),
                    plots=(day,),
                )
            ProgressReportFactory(phase=phase, unit=unit, reported_on=SUNDAY, obstacles="Thiếu kinh phí")
    large = _queries(client, params)

    assert large == small
    if export is None:
        assert len(page_rows(client.get(URL, params).content.decode())) > 12
