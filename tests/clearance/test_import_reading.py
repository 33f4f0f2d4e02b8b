"""Finding the table in real lists: title rows, two-row and other-named headers, totals and
signatures, hidden sheets and rows; and reading every format offices have (.xls, .ods,
UTF-16 CSV, "sep=" lines) or refusing it with the cause and the fix.

The c… files are lists shaped like those the communes send (tests/clearance/files/).
"""

import datetime
import io
import json
import zipfile
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearance.inventory import ImportRefused, check_file, read_table
from clearance.inventory.biff import cell_extent
from clearance.inventory.columns import ASSET_COLUMNS, PARCEL_COLUMNS
from clearance.inventory.legacy_text import encode
from clearance.inventory.reading.headers import SYNONYMS_FILE, header_key, known_headers
from clearance.models import Asset, Case, InventoryImport, LandParcel
from clearance.services.imports import import_file
from tests.clearance.test_import_files import with_member
from tests.clearance.test_imports import FILES, PARCEL_HEADERS, counts, csv_bytes, local_staff, parcel, xlsx_bytes

START = reverse("clearance:import_start")


def case_file(name):
    return (FILES / name).read_bytes()


def read(name, data):
    return read_table(data, check_file(name, data))


def refused(name, data):
    with pytest.raises(ImportRefused) as refusal:
        read(name, data)
    return refusal.value


def notes(table):
    return [f"{sheet}: {note}" if sheet else note for sheet, sentences in table.notes() for note in sentences]


def workbook_bytes(rows, *, title="Thửa đất", before=None, hidden_rows=()):
    """A workbook whose parcel sheet holds `rows` (lists of cells), after an optional sheet `before`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if before is not None:
        sheet.title, sheet.sheet_state = before
        sheet.append(PARCEL_HEADERS)
        sheet.append([parcel("HS-SECRET").get(h) for h in PARCEL_HEADERS])
        sheet = workbook.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parcel_cells(*rows):
    return [[row.get(h) for h in PARCEL_HEADERS] for row in rows]


def ods_bytes(sheets):
    """An OpenDocument spreadsheet: {name: (rows, hidden)}; numbers as floats, the rest as text."""

    def cell(value):
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            number = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}" table:style-name="{"hidden" if hidden else "shown"}">'
        + "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
        + "</table:table>"
        for name, (rows, hidden) in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        "<office:automatic-styles>"
        '<style:style style:name="shown" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return out.getvalue()


# --- the communes' lists ---------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_c01_title_rows_and_merged_heading_are_skipped_to_the_header_on_row_7(huu_lung, vsip_phase):
    data = case_file("c01_title_rows_merged.xlsx")
    table = read("c01_title_rows_merged.xlsx", data)
    assert [row.number for row in table.parcel_rows] == [8, 9, 10, 11]
    assert notes(table) == ["Thửa đất: Header found on row 7."]
    assert table.ignored_columns == []

    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="c01.xlsx", content=data)
    assert plan.errors == [] and (plan.cases.create, plan.parcels.create) == (3, 4)
    assert set(Case.objects.values_list("code", flat=True)) == {"T01-01", "T01-02", "T01-03"}
    assert sorted(LandParcel.objects.values_list("map_sheet_no", "parcel_no")) == [(101, n) for n in (1, 2, 3, 4)]


@pytest.mark.usefixtures("in_english")
def test_c03_the_total_row_and_signatures_end_the_data(huu_lung, vsip_phase):
    data = case_file("c03_total_and_signature_rows.xlsx")
    table = read("c03.xlsx", data)
    assert [row.number for row in table.parcel_rows] == [2, 3, 4, 5]
    assert notes(table) == ["Thửa đất: Header found on row 1.", "Thửa đất: Data ends at row 6: “Tổng cộng”."]

    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="c03.xlsx", content=data, dry_run=True)
    assert plan.errors == [] and (plan.cases.create, plan.parcels.create) == (3, 4)


def test_signatures_alone_end_the_data_but_a_note_saying_xac_nhan_does_not(in_english):
    rows = [
        PARCEL_HEADERS + ["Ghi chú"],
        *[
            cells + [note]
            for cells, note in zip(parcel_cells(parcel(), parcel(parcel_no=2)), ["", "Xác nhận"], strict=True)
        ],
        [],
        [None, "Người lập biểu", None, None, None, None, None, None, None, None, "TM. HỘI ĐỒNG BỒI THƯỜNG"],
        [None, "(Ký, ghi rõ họ tên)", None, None, None, None, None, None, None, None, "CHỦ TỊCH"],
    ]
    table = read("a.xlsx", workbook_bytes(rows))
    assert [row.number for row in table.parcel_rows] == [2, 3]
    assert "Thửa đất: Data ends at row 5: “Người lập biểu”." in notes(table)


def test_c04_an_excel_2003_workbook_is_imported(huu_lung, vsip_phase):
    data = case_file("c04_excel2003.xls")
    assert check_file("c04_excel2003.xls", data) == "xls"
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="c04_excel2003.xls", content=data)
    assert (record.file_format, record.status, record.rows_created) == ("xls", "applied", 4)
    assert (plan.cases.create, plan.parcels.create) == (3, 4)
    parcel_row = LandParcel.objects.get(map_sheet_no=104, parcel_no=1)
    assert (parcel_row.case.code, str(parcel_row.area_m2), str(parcel_row.recovered_area_m2)) == (
        "T04-01",
        "1234.5",
        "800.0",
    )


def test_c05b_every_row_is_read_whatever_the_stale_dimension_says(huu_lung, vsip_phase):
    data = case_file("c05b_stale_dimension_partial.xlsx")
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="c05b.xlsx", content=data)
    assert (plan.parcel_rows, plan.cases.create, plan.parcels.create) == (4, 3, 4)
    assert LandParcel.objects.filter(map_sheet_no=125).count() == 4


def test_c08b_a_utf16_tab_separated_csv_is_read(huu_lung, vsip_phase):
    data = case_file("c08b_utf16_unicode_text.csv")
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="c08b.csv", content=data)
    assert (plan.parcel_rows, plan.cases.create, plan.parcels.create) == (4, 3, 4)
    assert Case.objects.get(code="T08B-02").name == "Hộ bà Hoàng Thị Mẫu"


def test_the_preview_says_where_the_header_was_found_and_where_the_data_ended(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    for name in ("c01_title_rows_merged.xlsx", "c03_total_and_signature_rows.xlsx"):
        client.post(START, {"phase": vsip_phase.pk, "file": SimpleUploadedFile(name, case_file(name))})
    c01, c03 = InventoryImport.objects.order_by("pk")
    html = client.get(reverse("clearance:import_preview", args=[c01.pk])).content.decode()
    assert "Thửa đất: Header found on row 7." in html
    html = client.get(reverse("clearance:import_preview", args=[c03.pk])).content.decode()
    assert "Data ends at row 6: “Tổng cộng”." in html
    assert 'action="{}"'.format(reverse("clearance:import_confirm", args=[c03.pk])) in html
    assert counts()[:3] == (0, 0, 0)


def test_c11_text_typed_in_old_fonts_is_stored_in_unicode_and_shown_beside_the_original(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    name = "c11_tcvn3_vni_fonts.xlsx"
    client.post(START, {"phase": vsip_phase.pk, "file": SimpleUploadedFile(name, case_file(name))})
    record = InventoryImport.objects.get()
    html = client.get(reverse("clearance:import_preview", args=[record.pk])).content.decode()
    assert "cells were typed in an old Vietnamese font and converted to Unicode" in html
    assert "“Hé «ng N«ng V¨n Thö” → “Hộ ông Nông Văn Thử”" in html
    assert "VNI (VNI-Times fonts): “Hoä baø Hoaøng Thò Maãu” → “Hộ bà Hoàng Thị Mẫu”" in html
    client.post(reverse("clearance:import_confirm", args=[record.pk]))
    names = dict(Case.objects.filter(code__startswith="T11-").values_list("code", "name"))
    assert names == {"T11-01": "Hộ ông Nông Văn Thử", "T11-02": "Hộ bà Hoàng Thị Mẫu", "T11-03": "Lương Văn Giả"}
    assert set(Case.objects.filter(code="T11-01").values_list("village", flat=True)) == {"Thôn Thử Nghiệm"}
    assert set(LandParcel.objects.filter(case__code="T11-03").values_list("land_origin", flat=True)) == {
        "Nhà nước giao đất không thu tiền"
    }


def test_an_asset_described_in_an_old_font_in_a_csv_cell_is_converted(huu_lung, vsip_phase, in_english):
    assets = "cây | " + encode("Cây vải", "tcvn3") + " | 10 | cây; nhà | Nhà cấp 4 | 1 | cái"
    row = parcel("HS-1", 1, **{"Tài sản": assets})
    plan, _record = import_file(
        user=huu_lung,
        phase=vsip_phase,
        file_name="a.csv",
        content=csv_bytes([row], headers=[*PARCEL_HEADERS, "Tài sản"]),
    )
    assert sorted(Asset.objects.values_list("description", flat=True)) == ["Cây vải", "Nhà cấp 4"]
    notes = [note for _sheet, sheet_notes in plan.reading for note in sheet_notes]
    assert any(
        note.startswith("Row 2, “Tài sản”") and "C©y v¶i" in note and "→ “cây | Cây vải" in note for note in notes
    )


def test_invisible_characters_and_non_breaking_spaces_are_cleaned_from_every_cell(huu_lung, vsip_phase):
    row = parcel(
        "HS-1", 1, **{"Họ tên / tên tổ chức": "Hộ\u00a0bà\u200b Lê\ufeff Thị\u2060 Hà", "Mã hồ sơ": "\u200bHS-1"}
    )
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes([row]))
    assert Case.objects.get().name == "Hộ bà Lê Thị Hà"
    assert Case.objects.get().code == "HS-1"


# --- headers --------------------------------------------------------------------------------------


def test_a_header_on_two_rows_under_merged_group_titles_is_combined(in_english):
    upper = [
        "Mã hồ sơ",
        "Loại đối tượng",
        "Họ tên / tên tổ chức",
        "Mã xã",
        "Thửa đất",
        None,
        "Diện tích (m²)",
        None,
        "Loại đất",
    ]
    lower = [None, None, None, None, "Số tờ", "Số thửa", "Tổng", "Thu hồi", None]
    data_row = ["HS-1", "hộ gia đình", "Hộ bà Lý Thị Én", 6451, 12, 7, 500, 200, "LUC"]
    table = read("a.xlsx", workbook_bytes([["DANH SÁCH KIỂM ĐẾM"], [], upper, lower, data_row]))
    (row,) = table.parcel_rows
    assert row.number == 5
    assert {key: row.values[key] for key in ("map_sheet_no", "parcel_no", "area_m2", "recovered_area_m2")} == {
        "map_sheet_no": 12,
        "parcel_no": 7,
        "area_m2": 500,
        "recovered_area_m2": 200,
    }
    assert table.parcel_headers["recovered_area_m2"] == "Diện tích (m²) / Thu hồi"
    assert notes(table) == ["Thửa đất: Header found on rows 3 and 4."]


def test_headers_named_the_land_fund_centres_way_are_understood(huu_lung, vsip_phase, in_english):
    headers = [
        "STT", "Mã HS", "Đối tượng", "Họ và tên chủ sử dụng", "Số CMND/CCCD", "Mã xã", "Tờ bản đồ số",
        "Thửa đất số", "Diện tích thửa đất (m2)", "DT thu hồi (m2)", "Mục đích sử dụng", "Ghi chú",
    ]  # fmt: skip
    rows = [
        headers,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)"],
        [1, "HS-9", "hộ gia đình", "Hộ ông Hoàng Văn Tư", "020185001234", 6451, 31, 5, 900, 450, "LUC", ""],
    ]
    data = workbook_bytes(rows)
    table = read("a.xlsx", data)
    assert [row.number for row in table.parcel_rows] == [3]  # the row numbering the columns is not data
    assert table.ignored_columns == ["Thửa đất: STT", "Thửa đất: Ghi chú"]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=data)
    assert plan.errors == []
    stored = LandParcel.objects.get(map_sheet_no=31, parcel_no=5)
    assert (stored.case.name, stored.case.id_number, str(stored.recovered_area_m2)) == (
        "Hộ ông Hoàng Văn Tư",
        "020185001234",
        "450.0",
    )


def test_a_missing_column_lists_the_headers_found_and_the_closest_one(in_english):
    headers = [h if h != "Số thửa" else "Thửa" for h in PARCEL_HEADERS if h != "Loại đất"]
    message = refused("a.csv", csv_bytes([parcel()], headers=headers)).message
    assert message.startswith(
        "Sheet “Thửa đất” lacks the required column(s): “Số thửa” (closest header: “Thửa”), “Loại đất”. "
        "Headers found on row 1: “Mã hồ sơ”, “Loại đối tượng”,"
    )
    assert message.endswith("“Số GCN”. Rename the columns as in the downloadable template.")


def test_a_sheet_without_any_known_header_says_so(in_english):
    refusal = refused("a.csv", "Danh sách\nmột,hai,ba\n1,2,3\n".encode())
    assert refusal.code == "no_header" and "no header row in its first 30 rows" in refusal.message


def test_each_wording_of_the_synonyms_names_one_column():
    data = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    assert data["_source"]
    for kind, columns in (("parcel", PARCEL_COLUMNS), ("asset", ASSET_COLUMNS)):
        keys = {column.key for column in columns} | ({"assets"} if kind == "parcel" else set())
        assert set(data[kind]) <= keys
        wordings = [header_key(w) for words in data[kind].values() for w in words]
        assert len(wordings) == len(set(wordings))
        canonical = {header_key(column.header): column.key for column in columns}
        known = known_headers(columns, kind)
        assert all(known[key].key == key_of for key, key_of in canonical.items())


# --- sheets and rows the user does not see --------------------------------------------------------


def test_a_hidden_first_sheet_is_skipped_and_never_named(in_english):
    rows = [PARCEL_HEADERS, *parcel_cells(parcel("HS-1"))]
    table = read("a.xlsx", workbook_bytes(rows, title="Danh sách", before=("Dữ liệu ẩn", "hidden")))
    assert [row.values["code"] for row in table.parcel_rows] == ["HS-1"]
    assert notes(table) == ["Danh sách: Header found on row 1.", "1 hidden sheet was not read."]
    assert "Dữ liệu ẩn" not in " ".join(notes(table))
    very_hidden = workbook_bytes([["nothing here"]], title="Danh sách", before=("Dữ liệu ẩn", "veryHidden"))
    message = refused("a.xlsx", very_hidden).message
    assert "Dữ liệu ẩn" not in message and "Danh sách" in message


def test_hidden_rows_are_read_and_listed_for_the_user_to_check(as_user, huu_lung, vsip_phase):
    rows = [PARCEL_HEADERS, *parcel_cells(parcel("HS-1"), parcel("HS-2", 2), parcel("HS-3", 3))]
    data = workbook_bytes(rows, hidden_rows=(3, 4))
    table = read("a.xlsx", data)
    assert [row.number for row in table.parcel_rows] == [2, 3, 4]
    client = as_user(huu_lung, "en")
    client.post(START, {"phase": vsip_phase.pk, "file": SimpleUploadedFile("an.xlsx", data)})
    html = client.get(reverse("clearance:import_preview", args=[InventoryImport.objects.get().pk])).content.decode()
    assert "Rows 3, 4 are hidden in Excel; they were read all the same: check them." in html


# --- CSV ------------------------------------------------------------------------------------------


def test_excels_sep_line_sets_the_separator_and_is_not_a_row(in_english):
    body = csv_bytes([parcel(**{"Địa chỉ": "Thôn Đồng Bụt; xã Hồ Sơn"})], delimiter="|", bom=False).decode()
    table = read("a.csv", ("sep=|\r\n" + body).encode())
    (row,) = table.parcel_rows
    assert (row.number, row.values["address"]) == (2, "Thôn Đồng Bụt; xã Hồ Sơn")


def test_a_csv_with_a_title_line_and_a_total_line(in_english):
    body = csv_bytes([parcel(), parcel(parcel_no=2)], delimiter=";", bom=False).decode()
    data = ("DANH SÁCH KIỂM ĐẾM\r\n\r\n" + body + "Tổng cộng;;;;;;;;;;;;2.469;1.600\r\n").encode()
    table = read("a.csv", data)
    assert [row.number for row in table.parcel_rows] == [4, 5]
    assert notes(table) == ["Header found on row 3.", "Data ends at row 6: “Tổng cộng”."]


@pytest.mark.parametrize("total", ["Cộng: 2 hộ", "Tổng số 2 hộ", "Tổng 2 thửa", "CỘNG", "Tổng cộng (2 thửa)"])
def test_a_total_line_written_with_its_figures_ends_the_data(in_english, total):
    body = csv_bytes([parcel(), parcel(parcel_no=2)], delimiter=";", bom=False).decode()
    table = read("a.csv", (body + f"{total};;;;;;;;;;;;2469;1600\r\n").encode())
    assert [row.number for row in table.parcel_rows] == [2, 3]
    assert notes(table)[-1] == f"Data ends at row 4: “{total}”."


# --- refused, with the cause and the fix ----------------------------------------------------------


def test_a_strict_open_xml_workbook_is_refused_with_the_fix(in_english):
    strict = with_member(
        xlsx_bytes([parcel()]),
        "xl/workbook.xml",
        lambda xml: xml.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
    )
    refusal = refused("strict.xlsx", strict)
    assert refusal.code == "strict_ooxml"
    assert "Strict Open XML Spreadsheet" in refusal.message and "Tệp → Lưu Thành" in refusal.message


def test_a_formula_without_its_saved_result_is_refused(in_english):
    cells = parcel_cells(parcel(), parcel(parcel_no=2))
    cells[1][PARCEL_HEADERS.index("Số thửa")] = "=K2+1"  # openpyxl saves formulas without results
    refusal = refused("a.xlsx", workbook_bytes([PARCEL_HEADERS, *cells]))
    assert refusal.code == "formula_without_value"
    assert refusal.message.startswith("Sheet “Thửa đất”, cell L3 holds a formula whose result was not saved")
    assert "Công thức → Tính Ngay" in refusal.message


def test_a_formula_in_a_column_the_import_ignores_does_not_matter():
    rows = [[*PARCEL_HEADERS, "Kiểm tra"], [*parcel_cells(parcel())[0], "=M2-N2"]]
    assert len(read("a.xlsx", workbook_bytes(rows)).parcel_rows) == 1


def test_a_number_excel_turned_into_a_date_is_refused(in_english):
    cells = parcel_cells(parcel(), parcel(parcel_no=2))
    cells[1][PARCEL_HEADERS.index("Số tờ")] = datetime.datetime(2024, 1, 5)
    refusal = refused("a.xlsx", workbook_bytes([PARCEL_HEADERS, *cells]))
    assert refusal.code == "date_in_column"
    assert refusal.message.startswith(
        "Sheet “Thửa đất”, row 3, column “Số tờ”: Excel turned the value into a date (05/01/2024)."
    )
    assert "Định dạng Ô → Văn bản" in refusal.message


@pytest.mark.parametrize("name", ["a.xlsx", "a.csv", "a.ods"])
def test_a_header_with_no_data_rows_is_refused(in_english, name):
    if name == "a.xlsx":
        data = workbook_bytes([["UBND XÃ HỒ SƠN"], PARCEL_HEADERS, ["Tổng cộng"]])
    elif name == "a.csv":
        data = csv_bytes([])
    else:
        data = ods_bytes({"Thửa đất": ([["UBND XÃ HỒ SƠN"], PARCEL_HEADERS], False)})
    refusal = refused(name, data)
    assert refusal.code == "no_rows"
    assert refusal.message == f"The list has a header (row {1 if name == 'a.csv' else 2}) but no data rows under it."


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.xls", b"<html><body><table><tr><td>M\xc3\xa3</td></tr></table></body></html>", "not_xls"),
        ("a.xls", "xlsx", "xls_is_zip"),
        ("a.ods", "xlsx", "not_ods"),
        ("a.ods", b"plain text", "not_ods"),
        ("a.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "csv_is_xls"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "not_xlsx"),
        ("a.xlsm", b"PK\x03\x04", "extension"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(name, data, code):
    if data == "xlsx":
        data = xlsx_bytes([parcel()])
    assert refused(name, data).code == code


def test_an_ods_bomb_is_refused_like_an_xlsx_one():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    assert refused("bomb.ods", out.getvalue()).code == "zip_bomb"


# --- OpenDocument ---------------------------------------------------------------------------------


def test_an_ods_spreadsheet_is_imported_and_its_hidden_sheet_skipped(huu_lung, vsip_phase, in_english):
    rows = [["UBND XÃ HỒ SƠN"], PARCEL_HEADERS, *parcel_cells(parcel("HS-1"), parcel("HS-1", 2)), ["Cộng"]]
    data = ods_bytes({"Bí mật": ([PARCEL_HEADERS, *parcel_cells(parcel("HS-X"))], True), "Danh sách": (rows, False)})
    table = read("a.ods", data)
    assert notes(table) == [
        "Danh sách: Header found on row 2.",
        "Danh sách: Data ends at row 5: “Cộng”.",
        "1 hidden sheet was not read.",
    ]
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="a.ods", content=data)
    assert (record.file_format, plan.cases.create, plan.parcels.create) == ("ods", 1, 2)
    assert list(Case.objects.values_list("code", flat=True)) == ["HS-1"]


def test_an_ods_number_cell_is_the_whole_number_typed(huu_lung, vsip_phase, in_english):
    # calamine gives .ods numbers as floats: a 9-digit CMND typed as a number is 123456789, not 1.23456789e8.
    row = parcel("HS-1", **{"Số CCCD": 123456789, "Số tờ": 12, "Số thửa": 7})
    data = ods_bytes({"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(row)], False)})
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.ods", content=data)
    case = Case.objects.get()
    assert case.id_number == "123456789"
    assert (case.parcels.get().map_sheet_no, case.parcels.get().parcel_no) == (12, 7)


def test_a_user_of_another_area_cannot_import_the_communes_list(lang_son, vsip_phase, in_english):
    cao_loc = local_staff("caoloc", 183)
    data = case_file("c04_excel2003.xls")
    with pytest.raises(ImportRefused) as refusal:
        import_file(user=cao_loc, phase=vsip_phase, file_name="c04.xls", content=data)
    assert refusal.value.code == "phase_out_of_scope"
    assert counts()[:4] == (0, 0, 0, 0)


def test_an_ods_whose_repeated_rows_unfold_past_the_limit_is_refused_unread(in_english):
    data = ods_bytes({"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(parcel())], False)})
    empty_tail = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
    with_tail = with_member(
        data, "content.xml", lambda xml: xml.replace(b"</table:table>", empty_tail.encode() + b"</table:table>")
    )
    assert len(read("a.ods", with_tail).parcel_rows) == 1  # LibreOffice ends every sheet so: nothing unfolds

    unfolding = (
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="60" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    bomb = with_member(
        data, "content.xml", lambda xml: xml.replace(b"</table:table>", unfolding.encode() + b"</table:table>")
    )
    assert refused("bomb.ods", bomb).code == "zip_bomb"


def test_an_xls_whose_cells_reach_iv65536_is_refused_unread(in_english):
    # 6 KB, made with xlwt: "Mã hồ sơ" in A1 and "x" in IV65536. Read whole, it would be a grid of
    # 16 million cells (about 1 GB); the cell records are scanned first.
    data = case_file("far_cell_iv65536.xls")
    assert cell_extent(data) == (65536, 256)
    error = refused("danh-sach.xls", data)
    assert error.code == "too_large_grid"
    assert "reach row 65536 and column 256" in error.message and "Delete the rows and columns after" in error.message


def test_the_extent_of_a_real_commune_xls_is_its_list():
    assert cell_extent(case_file("c04_excel2003.xls")) == (5, 15)


def test_rows_hidden_in_an_xls_are_read_and_listed(in_english):
    # Made with xlwt: three parcels, the second (row 3) hidden.
    table = read("danh-sach.xls", case_file("hidden_row_3.xls"))
    assert [row.number for row in table.parcel_rows] == [2, 3, 4]
    assert "Thửa đất: Row 3 is hidden in Excel; it was read all the same: check it." in notes(table)
