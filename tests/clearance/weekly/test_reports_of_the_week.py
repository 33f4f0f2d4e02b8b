"""Obstacles, proposals and the reported-vs-registered note come from the reports of the week only."""

import re

import pytest

from clearance.models import ProgressReport
from tests.clearance.weekly.conftest import MONDAY, SUNDAY, WEEK
from tests.clearance.weekly.helpers import URL, page_rows, sheet_rows, workbook_of
from tests.factories import ProgressReportFactory, SourceFactory
from zones.models import Source

OBSTACLE = '=HYPERLINK("http://example.com","x")'


@pytest.fixture
def rows(world, as_user):
    return page_rows(as_user(world.officer, "en").get(URL, {"week": WEEK}).content.decode())


def test_obstacles_and_proposals_of_the_week_fill_the_rows_their_reports_cover(world, rows):
    ho_son = rows[(world.p1.pk, world.ho_son.pk)]
    # The commune's own report and the district's, which covers every commune of Hữu Lũng.
    assert ho_son["obstacles"] == "Chưa có đất tái định cư\n=HYPERLINK(&quot;http://example.com&quot;,&quot;x&quot;)"
    assert ho_son["proposals"] == "+Xin bổ sung kinh phí"
    hoa_thang = rows[(world.p1.pk, world.hoa_thang.pk)]
    assert hoa_thang["obstacles"] == "Chưa có đất tái định cư"
    assert hoa_thang["proposals"] == "—"
    # Phase 2 has no report this week; the cluster has its own.
    assert rows[(world.p2.pk, world.ho_son.pk)]["obstacles"] == "—"
    assert rows[(world.cluster.pk, world.hop_thanh.pk)]["obstacles"] == "Vướng mắc ở Cao Lộc"


def test_last_weeks_and_returned_reports_are_left_out(world, as_user):
    html = as_user(world.officer).get(URL, {"week": WEEK}).content.decode()
    assert "Vướng mắc của tuần trước" not in html
    assert "Báo cáo bị trả lại" not in html
    # The same report is in its own week, the one before.
    earlier = as_user(world.officer).get(URL, {"week": "2025-W47"}).content.decode()
    assert "Vướng mắc của tuần trước" in earlier
    assert "Chưa có đất tái định cư" not in earlier


def test_a_corrected_report_speaks_through_its_correction(world, as_user):
    ProgressReportFactory(
        phase=world.p1,
        unit=world.ho_son,
        reported_on=SUNDAY,
        corrects=world.commune_report,
        cases_counted=None,
        area_handed_over_ha=None,
        obstacles="Đã sửa: thiếu kinh phí",
    )
    ho_son = page_rows(as_user(world.officer).get(URL, {"week": WEEK}).content.decode())[(world.p1.pk, world.ho_son.pk)]
    assert "HYPERLINK" not in ho_son["obstacles"]
    assert "Đã sửa: thiếu kinh phí" in ho_son["obstacles"]


def test_each_report_of_the_week_is_compared_with_the_registry_up_to_its_date(world, rows):
    ho_son = rows[(world.p1.pk, world.ho_son.pk)]["checks"].split("\n")
    # On Wednesday 26/11 the registry had HS-1 and HS-4 paid; the commune reported 5.
    assert ho_son == [
        "Huyện Hữu Lũng, report of 30/11/2025: agrees with the registry",
        "Xã Hồ Sơn, report of 26/11/2025: differs: Cases paid (report 5, registry 2)",
    ]
    # The district's report is checked over its whole ground, whichever row shows it.
    assert (
        rows[(world.p1.pk, world.hoa_thang.pk)]["checks"]
        == "Huyện Hữu Lũng, report of 30/11/2025: agrees with the registry"
    )
    assert rows[(world.p2.pk, world.ho_son.pk)]["checks"] == "—"


def test_a_differing_row_is_marked_on_the_page(world, as_user):
    html = as_user(world.officer).get(URL, {"week": WEEK}).content.decode()
    marked = re.findall(r'<tr class="weekly-commune differs" data-phase="(\d+)" data-unit="(\d+)"', html)
    assert marked == [(str(world.p1.pk), str(world.ho_son.pk))]


def test_one_commune_shown_is_still_compared_over_the_reports_whole_ground(world, as_user):
    html = as_user(world.officer, "en").get(URL, {"week": WEEK, "unit": world.hoa_thang.pk}).content.decode()
    rows = page_rows(html)
    assert set(rows) == {(world.p1.pk, world.hoa_thang.pk), (world.p1.pk, None), (None, None)}
    assert rows[(world.p1.pk, world.hoa_thang.pk)]["checks"].endswith("agrees with the registry")


def test_free_text_cannot_run_as_a_formula_in_the_xlsx(world, as_user):
    world.p1.clearance_lead = "=UBND xã Hồ Sơn"
    world.p1.save()
    world.p1.zone.name = "@Khu công nghiệp VSIP"
    world.p1.zone.save()
    ProgressReport.objects.filter(pk=world.district_report.pk).update(obstacles="-1+2", proposals="@SUM(A1)")
    sheet = workbook_of(as_user(world.officer).get(URL, {"week": WEEK, "_export": "xlsx"}))
    hoa_thang = next(row for row in sheet_rows(sheet) if row["commune"].value == "Xã Hòa Thắng")
    assert hoa_thang["obstacles"].value == "'-1+2"
    assert hoa_thang["proposals"].value == "'@SUM(A1)"
    assert hoa_thang["lead_unit"].value == "'=UBND xã Hồ Sơn"
    assert hoa_thang["project"].value.startswith("'@Khu công nghiệp VSIP – ")
    ho_son = next(row for row in sheet_rows(sheet) if row["commune"].value == "Xã Hồ Sơn" and row["obstacles"].value)
    assert ho_son["obstacles"].value == "'-1+2\n" + OBSTACLE
    assert ho_son["proposals"].value == "'@SUM(A1)\n+Xin bổ sung kinh phí"
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.coordinate


def test_a_report_dated_to_the_month_is_compared_with_the_registry_at_the_months_end(world, as_user):
    # HS-P2 was counted on 26/11: a report "of 11/2025" stating 1 counted case agrees with the registry
    # at 30/11, whatever day of the week it was filed under.
    ProgressReportFactory(
        phase=world.p2,
        unit=world.ho_son,
        reported_on=MONDAY,
        source=SourceFactory(date_precision=Source.Precision.MONTH, published_on=MONDAY),
        cases_counted=1,
        area_handed_over_ha=None,
    )
    rows = page_rows(as_user(world.officer, "en").get(URL, {"week": WEEK}).content.decode())
    assert rows[(world.p2.pk, world.ho_son.pk)]["checks"] == "Xã Hồ Sơn, report of 11/2025: agrees with the registry"
