"""Every figure of the weekly report, on the page and in the XLSX, against sums worked out from the raw rows."""

from decimal import Decimal

import pytest

from clearance.models import Case
from tests.clearance.weekly.conftest import SUNDAY, SUNDAY_BEFORE, WEEK
from tests.clearance.weekly.helpers import (
    CHANGE_KEYS,
    FIGURE_KEYS,
    URL,
    expected_rows,
    page_number,
    page_rows,
    sheet_rows,
    workbook_of,
)

NUMBERS = (*FIGURE_KEYS, *CHANGE_KEYS)


@pytest.fixture
def expected(world):
    return expected_rows(Case.objects.all(), SUNDAY, SUNDAY_BEFORE)


def test_page_figures_equal_the_raw_rows(world, as_user, expected):
    html = as_user(world.officer).get(URL, {"week": WEEK}).content.decode()
    rows = page_rows(html)

    assert set(rows) == set(expected)
    for key, figures in expected.items():
        for name in NUMBERS:
            shown = page_number(rows[key][name])
            want = figures[name]
            assert shown == (None if want is None else Decimal(want)), (key, name, rows[key][name])


def test_xlsx_figures_equal_the_raw_rows(world, as_user, expected):
    sheet = workbook_of(as_user(world.officer).get(URL, {"week": WEEK, "_export": "xlsx"}))
    rows = sheet_rows(sheet)
    labels = {
        (world.p1.pk, world.ho_son.pk): ("Khu công nghiệp VSIP Lạng Sơn – ", "Xã Hồ Sơn"),
        (world.p1.pk, world.hoa_thang.pk): ("Khu công nghiệp VSIP Lạng Sơn – ", "Xã Hòa Thắng"),
        (world.p2.pk, world.ho_son.pk): ("Khu công nghiệp VSIP Lạng Sơn – ", "Xã Hồ Sơn"),
        (world.cluster.pk, world.hop_thanh.pk): ("Cụm công nghiệp Hợp Thành 1 – ", "Xã Hợp Thành"),
    }
    # Rows come phase by phase (clusters, then zones; by name; by number), each closed by its subtotal.
    order = [
        (world.cluster.pk, world.hop_thanh.pk),
        (world.cluster.pk, None),
        (world.p1.pk, world.hoa_thang.pk),
        (world.p1.pk, world.ho_son.pk),
        (world.p1.pk, None),
        (world.p2.pk, world.ho_son.pk),
        (world.p2.pk, None),
        (None, None),
    ]
    assert len(rows) == len(order)
    for key, row in zip(order, rows, strict=True):
        if key in labels:
            project, commune = labels[key]
            assert row["project"].value.startswith(project)
            assert row["commune"].value == commune
        for name in NUMBERS:
            want = expected[key][name]
            cell = row[name].value
            if name == "handed_over_area_pct":
                want = None if want is None else want / 100
            assert (None if cell is None else Decimal(str(cell))) == want, (key, name, cell)


def test_change_since_last_week_at_the_week_edges(world, as_user):
    """HS-1 paid on the Monday, HS-2 counted on the Monday and HS-1 handed over on the Sunday count as
    this week's; HO-1 counted on the Sunday before does not; HS-3 counted the Monday after is not in."""
    rows = page_rows(as_user(world.officer).get(URL, {"week": WEEK}).content.decode())
    ho_son = rows[(world.p1.pk, world.ho_son.pk)]
    assert ho_son["counted"] == "3"
    assert ho_son["counted_change"] == "+1"
    assert ho_son["paid"] == "2"
    assert ho_son["paid_change"] == "+1"
    assert ho_son["paid_vnd"] == "175.000.000"
    assert ho_son["paid_vnd_change"] == "+125.000.000"
    assert ho_son["handed_over_ha"] == "0,15"
    assert ho_son["handed_over_ha_change"] == "+0,15"
    assert ho_son["graves_relocated"] == "2"
    assert ho_son["graves_remaining"] == "1"
    assert ho_son["plots_allocated"] == "1"
    assert (ho_son["compulsory"], ho_son["enforced"]) == ("1", "1")
    hoa_thang = rows[(world.p1.pk, world.hoa_thang.pk)]
    assert (hoa_thang["counted"], hoa_thang["counted_change"]) == ("1", "0")


def test_an_earlier_week_reads_the_registry_of_its_own_sunday(world, as_user):
    rows = page_rows(as_user(world.officer).get(URL, {"week": "2025-W47"}).content.decode())
    ho_son = rows[(world.p1.pk, world.ho_son.pk)]
    # As of Sunday 23/11: HS-1 and HS-4 counted and approved, HS-4 paid, nothing handed over; of those
    # only HS-1's approval fell in that week. HO-1, counted on that Sunday, is that week's change.
    assert (ho_son["counted"], ho_son["counted_change"]) == ("2", "0")
    assert (ho_son["approved"], ho_son["paid"], ho_son["paid_change"]) == ("2", "1", "0")
    assert (ho_son["paid_vnd"], ho_son["handed_over"]) == ("50.000.000", "0")
    hoa_thang = rows[(world.p1.pk, world.hoa_thang.pk)]
    assert (hoa_thang["counted"], hoa_thang["counted_change"]) == ("1", "+1")


def test_the_total_and_the_synthetic_cases_are_stated(world, as_user, expected):
    html = as_user(world.officer, "en").get(URL, {"week": WEEK}).content.decode()
    assert expected[(None, None)]["synthetic"] == 1
    assert "Includes 1 synthetic case: generated demo data, not real figures." in html
    assert "24/11/2025 – 30/11/2025 (2025-W48)" in html
    assert "LSIP case registry, stage events up to 30/11/2025" in html
