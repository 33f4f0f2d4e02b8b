"""Lists shaped the way land-fund centres and communes make them, other than the c01, c03 and c05b
samples: the heading and title anywhere in the first rows, headers worded their own way, a row
numbering the columns, group headings and subtotals inside the data, totals and signature blocks
written every way, and a stale used range. Nothing may be dropped or read as data silently.
"""

import io
import re
import zipfile

import openpyxl
import pytest

from clearance.inventory import ImportRefused, check_file, read_table
from clearance.inventory.reading.rows import skipped_notes
from clearance.models import Case, LandParcel
from clearance.services.imports import import_file
from tests.clearance.test_imports import FILES

MOTTO = [
    ["UBND HUYỆN HỮU LŨNG", None, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["TRUNG TÂM PHÁT TRIỂN QUỸ ĐẤT", None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH CÁC HỘ GIA ĐÌNH, CÁ NHÂN CÓ ĐẤT BỊ THU HỒI ĐÃ KIỂM ĐẾM"],
    ["Dự án: Khu công nghiệp Hữu Lũng (giai đoạn 1)"],
]
# A centre's own header: upper case, line breaks in cells, units as "m2" and "m²", extra columns.
HEADER = [
    "STT", "MÃ HS", "Đối tượng", "Họ và tên chủ\nsử dụng đất", "Số CCCD", "Mã xã", "Số tờ BĐ", "Thửa số",
    "Diện tích thửa  (m2)", "DT thu hồi\n(m²)", "LOẠI ĐẤT", "Ghi chú",
]  # fmt: skip
NUMBERING = [f"({number})" for number in range(1, 13)]


def household(number, code, parcel_no, area=500, recovered=200):
    name = f"Hộ ông Hoàng Văn {code}"
    return [number, code, "hộ gia đình", name, "020185001234", 6451, 31, parcel_no, area, recovered, "LUC", None]


def total(text, column=0, area=1000, recovered=400):
    row = [None] * 12
    row[column], row[8], row[9] = text, area, recovered
    return row


def workbook(rows, merged=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Thửa đất"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data, name="a.xlsx"):
    return read_table(data, check_file(name, data))


def numbers(table):
    return [row.number for row in table.parcel_rows]


def codes(table):
    return [row.values["code"] for row in table.parcel_rows]


def skipped(table):
    return [note for reading in table.sheets for note in skipped_notes(reading)]


# --- where the header is --------------------------------------------------------------------------


@pytest.mark.parametrize("header_row", [3, 8, 12, 25])
def test_the_header_is_found_under_any_heading_and_the_numbering_row_is_skipped_and_said(in_english, header_row):
    above = (MOTTO + [[]] * 30)[: header_row - 1]
    rows = [*above, HEADER, NUMBERING, household(1, "HS-1", 1), household(2, "HS-2", 2), total("Tổng cộng")]
    table = read(workbook(rows))
    assert numbers(table) == [header_row + 2, header_row + 3]
    assert table.ignored_columns == ["Thửa đất: STT", "Thửa đất: Ghi chú"]
    assert skipped(table) == [
        f"Row {header_row + 1} numbers the columns ((1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12)): skipped."
    ]
    assert table.sheets[0].end_row == header_row + 4


@pytest.mark.parametrize(
    "numbering",
    [
        list(range(1, 13)),
        ["A", "B", "C", 1, 2, 3, 4, 5, 6, 7, 8, 9],
        ["(A)", "(B)", "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)=(7)-(8)", None],
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10=9x0,4", "11", "12"],
    ],
)
def test_a_row_numbering_the_columns_any_way_is_not_data(in_english, numbering):
    table = read(workbook([HEADER, numbering, household(1, "HS-1", 1)]))
    assert codes(table) == ["HS-1"]
    assert skipped(table)[0].startswith("Row 2 numbers the columns (")


def test_a_row_of_numbers_that_do_not_count_up_is_data_not_numbering(in_english):
    table = read(workbook([HEADER, [1, 5, 3, 7], household(1, "HS-1", 1)]))
    assert numbers(table) == [2, 3]
    assert skipped(table) == []


def test_headers_worded_other_ways_name_their_columns():
    headers = [
        "STT", "Số HS", "Loại đối tượng", "Họ và tên người sử dụng đất", "Mã xã", "Số hiệu tờ bản đồ",
        "Số hiệu thửa đất", "Diện tích (m²)", "Diện tích đất thu hồi (m²)", "Mục đích sử dụng đất", "Ghi chú",
    ]  # fmt: skip
    row = [1, "HS-1", "hộ gia đình", "Hộ bà Lý Thị Én", 6451, 12, 7, 500, 200, "LUC", "đã ký biên bản"]
    (parcel,) = read(workbook([headers, row])).parcel_rows
    keys = ("code", "name", "map_sheet_no", "parcel_no", "area_m2", "recovered_area_m2")
    assert [parcel.values[key] for key in keys] == ["HS-1", "Hộ bà Lý Thị Én", 12, 7, 500, 200]


# --- inside the data ------------------------------------------------------------------------------


def test_group_headings_and_subtotals_are_skipped_and_listed_and_no_row_after_them_is_lost(in_english):
    rows = [
        HEADER,
        NUMBERING,
        ["I. Thôn Nà Can"],
        household(1, "HS-1", 1),
        [],
        household(2, "HS-2", 2),
        total("Cộng thôn Nà Can", column=3),
        ["II", "Thôn Bản Chu"],
        household(3, "HS-3", 3),
        total("Cộng (II)", column=1, area=500, recovered=200),
        ["A. HỘ GIA ĐÌNH"],
        ["Xã Tân Thành", None, None, None, None, None, None, None, 500, 200],
        household(4, "HS-4", 4),
        total("TỔNG CỘNG", column=3, area=2000, recovered=800),
        [None, "NGƯỜI LẬP BIỂU", None, None, None, None, None, None, "KT. GIÁM ĐỐC"],
        [None, "Nông Văn Lập", None, None, None, None, None, None, "Hoàng Thị Duyệt"],
    ]
    table = read(workbook(rows))
    assert codes(table) == ["HS-1", "HS-2", "HS-3", "HS-4"]
    assert skipped(table) == [
        "Row 2 numbers the columns ((1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12)): skipped.",
        "Row 3, “I. Thôn Nà Can”, is a group heading, not data: skipped.",
        "Row 7, “Cộng thôn Nà Can”, adds up the rows above it: skipped.",
        "Row 8, “II Thôn Bản Chu”, is a group heading, not data: skipped.",
        "Row 10, “Cộng (II)”, adds up the rows above it: skipped.",
        "Row 11, “A. HỘ GIA ĐÌNH”, is a group heading, not data: skipped.",
        "Row 12, “Xã Tân Thành 500 200”, is a group heading, not data: skipped.",
    ]
    assert (table.sheets[0].end_row, table.sheets[0].end_text) == (14, "TỔNG CỘNG")


@pytest.mark.parametrize(
    "text", ["TỔNG CỘNG", "Tổng số", "Cộng:", "Tổng: 12 hộ", "Cộng toàn xã", "Tổng cộng toàn dự án", "Cộng (I)"]
)
@pytest.mark.parametrize("column", [0, 1, 3])
def test_a_total_in_any_column_ends_the_data_and_rows_added_under_it_are_still_read(in_english, text, column):
    rows = [HEADER, household(1, "HS-1", 1), household(2, "HS-2", 2), total(text, column), ["Ghi chú: 2 hộ"]]
    table = read(workbook(rows))
    assert (codes(table), table.sheets[0].end_row, table.sheets[0].end_text) == (["HS-1", "HS-2"], 4, text)
    late = read(workbook([*rows, household(3, "HS-3", 3)]))
    assert codes(late) == ["HS-1", "HS-2", "HS-3"]
    assert skipped(late) == [
        f"Row 4, “{text}”, adds up the rows above it: skipped.",
        "Row 5, “Ghi chú: 2 hộ”, is a group heading, not data: skipped.",
    ]


@pytest.mark.parametrize(
    "name", ["Tổng công ty Điện lực miền Bắc", "Công ty TNHH Cộng Thành", "Tống Văn Cộng", "Cộng đồng thôn Nà Can"]
)
def test_a_case_whose_name_looks_like_a_total_is_data(name):
    rows = [HEADER, household(1, "HS-1", 1), [2, "HS-2", "tổ chức", name, None, 6451, 31, 2, 300, 300, "SKC", None]]
    table = read(workbook(rows))
    assert [row.values["name"] for row in table.parcel_rows][1] == name
    assert table.sheets[0].end_row is None


@pytest.mark.parametrize(
    "signature",
    [
        "Người lập biểu",
        "NGƯỜI LẬP",
        "XÁC NHẬN CỦA UBND XÃ",
        "Lạng Sơn, ngày     tháng     năm 2024",
        "Hữu Lũng, ngày 12/3/2024",
        "KT. GIÁM ĐỐC",
        "T/M UBND XÃ HỒ SƠN",
        "PHÓ GIÁM ĐỐC",
        "Người kiểm tra",
    ],
)
def test_a_signature_block_ends_the_data_even_in_the_case_code_column(in_english, signature):
    rows = [
        HEADER,
        household(1, "HS-1", 1),
        household(2, "HS-2", 2),
        [],
        [None, signature, None, None, None, None, None, None, "Chủ tịch"],
        [None, "(Ký, ghi rõ họ tên)"],
        [None, "Nông Văn Lập", None, None, None, None, None, None, "Hoàng Thị Duyệt"],
    ]
    table = read(workbook(rows))
    assert (codes(table), table.sheets[0].end_row, table.sheets[0].end_text) == (["HS-1", "HS-2"], 5, signature)


def test_a_case_under_the_signatures_is_refused_with_the_fix(in_english):
    rows = [HEADER, household(1, "HS-1", 1), total("Tổng cộng"), [None, "Người lập biểu"], household(2, "HS-2", 2)]
    with pytest.raises(ImportRefused) as refusal:
        read(workbook(rows))
    assert refusal.value.code == "data_under_signatures"
    assert refusal.value.message == (
        "Sheet “Thửa đất”, row 5 holds a case's data under the totals and signatures that end the list "
        "(row 3: “Tổng cộng”), so it is not clear whether it belongs to the list. Move the row above the totals, "
        "or delete it, and upload the file again."
    )


def test_a_row_with_a_case_code_only_is_listed_not_dropped(in_english):
    table = read(workbook([HEADER, household(1, "HS-1", 1), [None, "HS-2"], household(3, "HS-3", 3)]))
    assert codes(table) == ["HS-1", "HS-3"]
    assert skipped(table) == ["Row 3, “HS-2”, is a group heading, not data: skipped."]


def test_a_csv_with_headings_subtotals_and_a_total(in_english):
    lines = [
        "DANH SÁCH KIỂM ĐẾM",
        ";".join(" ".join(header.split()) for header in HEADER),
        ";".join(NUMBERING),
        "I. Thôn Nà Can;;;;;;;;;;;",
        ";".join("" if cell is None else str(cell) for cell in household(1, "HS-1", 1)),
        "Cộng thôn;;;;;;;;500;200;;",
        "II. Thôn Bản Chu",
        ";".join("" if cell is None else str(cell) for cell in household(2, "HS-2", 2)),
        "Tổng cộng;;2 hộ;;;;;;1000;400;;",
        ";Người lập biểu;;;;;;;KT. GIÁM ĐỐC",
    ]
    table = read(("\ufeff" + "\r\n".join(lines) + "\r\n").encode(), "a.csv")
    assert numbers(table) == [5, 8]
    assert len(skipped(table)) == 4 and table.sheets[0].end_row == 9


# --- a list as a centre sends it, through the import ----------------------------------------------


def test_a_centres_list_with_merged_titles_two_row_header_groups_and_totals_imports_every_case(
    huu_lung, vsip_phase, in_english
):
    data = (FILES / "v_table_centre_list.xlsx").read_bytes()
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="v_table_centre_list.xlsx", content=data)
    assert plan.errors == []
    assert sorted(Case.objects.values_list("code", flat=True)) == ["TT-01", "TT-02", "TT-03"]
    assert sorted(LandParcel.objects.values_list("parcel_no", "recovered_area_m2")) == [
        (11, 300),
        (12, 450),
        (13, 120),
        (14, 800),
    ]
    table = read(data)
    assert (table.sheets[0].header_row, table.sheets[0].header_rows) == (8, 2)
    assert (table.sheets[0].end_row, table.sheets[0].end_text) == (19, "Cộng thôn Nà Can")
    assert skipped(table) == [
        "Row 10 numbers the columns ((1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11)): skipped.",
        "Row 11, “I. Thôn Đồng Bụt”, is a group heading, not data: skipped.",
        "Row 14, “Cộng thôn Đồng Bụt”, adds up the rows above it: skipped.",
        "Row 15, “II. Thôn Nà Can”, is a group heading, not data: skipped.",
        "Row 17, “B. TỔ CHỨC”, is a group heading, not data: skipped.",
    ]


# --- the used range the file declares -------------------------------------------------------------


def _with_dimension(data, dimension):
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<dimension ref=\"[^\"]+\"\s*/>", dimension.encode(), content)
            archive.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "dimension",
    [
        '<dimension ref="A1:L4"/>',
        '<dimension ref="A1"/>',
        '<dimension ref="C5:D6"/>',
        '<dimension ref="A1:XFD1048576"/>',
        "",
    ],
)
def test_every_row_is_read_whatever_used_range_the_file_declares(dimension):
    rows = [*MOTTO, [], [], HEADER, *[household(number, f"HS-{number}", number) for number in range(1, 9)]]
    table = read(_with_dimension(workbook(rows), dimension))
    assert codes(table) == [f"HS-{number}" for number in range(1, 9)]
    assert numbers(table) == list(range(9, 17))


def test_a_long_list_of_group_headings_is_cut_short_in_the_preview(in_english):
    rows = [HEADER]
    for village in range(1, 56):
        rows += [[f"Thôn số {village}"], household(village, f"HS-{village}", village)]
    table = read(workbook(rows))
    assert len(table.parcel_rows) == 55
    notes = skipped(table)
    assert len(notes) == 51
    assert notes[-1] == "…and 5 more rows skipped."
