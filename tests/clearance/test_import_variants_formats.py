"""Other files of the kinds c04 (.xls), c08b (UTF-16 "Unicode Text") and c16 (formula-like text), and the
refusals of a workbook saved in a form that cannot be read as the list: each read as an officer
would, or refused with the cause and the fix.

The v_fmt_… .xls files were made with xlwt (tests/clearance/files/); formulas' results were
written into their FORMULA records afterwards, as Excel saves them.
"""

import io

import openpyxl
import pytest

from clearance.inventory.reading.rows import cell_value
from clearance.models import Case, LandParcel
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_import_files import with_member
from tests.clearance.test_import_reading import case_file, notes, ods_bytes, parcel_cells, read, refused
from tests.clearance.test_imports import PARCEL_HEADERS, csv_bytes, parcel

pytestmark = pytest.mark.usefixtures("in_english")


# --- .xls -----------------------------------------------------------------------------------------


def test_an_xls_list_after_a_hidden_sheet_and_a_cover_sheet_is_found(huu_lung, vsip_phase):
    data = case_file("v_fmt_cover_then_list.xls")
    table = read("danh-sach.xls", data)
    assert [row.values["code"] for row in table.parcel_rows] == ["T-01", "T-02"]
    assert notes(table) == ["DS kiểm đếm: Header found on row 1.", "1 hidden sheet was not read."]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="danh-sach.xls", content=data)
    assert (plan.cases.create, plan.parcels.create) == (2, 2)
    assert not Case.objects.filter(code="SECRET").exists()


def test_a_cover_sheet_alone_is_refused_naming_it():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Bìa"
    workbook.active.append(["DANH SÁCH KIỂM ĐẾM"])
    workbook.create_sheet("Ghi chú").append(["Người lập biểu"])
    out = io.BytesIO()
    workbook.save(out)
    refusal = refused("a.xlsx", out.getvalue())
    assert refusal.code == "no_header" and refusal.message.startswith("Sheet “Bìa” has no header row")


def test_a_list_sheet_lacking_a_column_is_named_rather_than_the_cover_before_it():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Bìa"
    workbook.active.append(["UBND XÃ HỒ SƠN"])
    sheet = workbook.create_sheet("Danh sách")
    headers = [h for h in PARCEL_HEADERS if h != "Loại đất"]
    sheet.append(headers)
    sheet.append([parcel().get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    refusal = refused("a.xlsx", out.getvalue())
    assert refusal.code == "missing_column"
    assert refusal.message.startswith("Sheet “Danh sách” lacks the required column(s): “Loại đất”.")


def test_an_xls_with_a_title_block_merged_cells_and_a_two_row_header(huu_lung, vsip_phase):
    data = case_file("v_fmt_title_merged_two_row_header.xls")
    table = read("a.xls", data)
    assert [(row.number, row.values["area_m2"], row.values["recovered_area_m2"]) for row in table.parcel_rows] == [
        (9, 500.5, 200),
        (10, 1000, 1000),
    ]
    assert notes(table) == [
        "Thửa đất: Header found on rows 6 and 7.",
        "Thửa đất: Row 8 numbers the columns ((1) (2) (3) (4) (5) (6) (7) (8) (9) (10) (11) (12)): skipped.",
        "Thửa đất: Data ends at row 11: “Tổng cộng”.",
    ]
    assert table.ignored_columns == ["Thửa đất: STT"]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="a.xls", content=data)
    assert plan.errors == []
    assert str(LandParcel.objects.get(parcel_no=7).area_m2) == "500.5"


def test_an_xls_formula_saved_without_its_result_is_refused_not_read_as_blank():
    refusal = refused("a.xls", case_file("v_fmt_formula_l3_no_result.xls"))
    assert refusal.code == "formula_without_value"
    assert refusal.message.startswith("Sheet “Thửa đất”, cell L3 holds a formula whose result was not saved")


def test_an_xls_formula_with_its_saved_result_is_read_as_that_result():
    table = read("a.xls", case_file("v_fmt_formulas_with_results.xls"))
    assert [row.values["recovered_area_m2"] for row in table.parcel_rows] == [617.25, 617.25]


def test_an_xls_id_number_shown_with_leading_zeros_is_the_digits_shown(huu_lung, vsip_phase):
    # Row 2's CCCD is a number formatted 000000000000 (it shows 020185009901), row 3's a plain number.
    table = read("a.xls", case_file("v_fmt_cccd_zero_format.xls"))
    assert [row.values["id_number"] for row in table.parcel_rows] == ["020185009901", 20185009902]
    with pytest.raises(ImportRejected) as rejected:
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xls", content=case_file("v_fmt_cccd_zero_format.xls"))
    errors = [(error.row, error.code) for error in rejected.value.plan.errors]
    assert errors == [(3, "lost_leading_zero")]


def test_a_number_excel_turned_into_a_date_in_an_xls_is_refused():
    refusal = refused("a.xls", case_file("v_fmt_date_in_parcel_no.xls"))
    assert refusal.code == "date_in_column"
    assert refusal.message.startswith(
        "Sheet “Thửa đất”, row 3, column “Số thửa”: Excel turned the value into a date (05/01/2024)."
    )


def test_a_password_protected_xls_is_refused_with_the_fix():
    # A FILEPASS record in the workbook globals: what Excel writes for "Encrypt with Password".
    data = bytearray(case_file("c04_excel2003.xls"))
    bof = data.index(b"\x09\x08\x10\x00\x00\x06\x05\x00")  # the globals' BOF record (BIFF8, workbook)
    after_bof = bof + 4 + 16
    codepage = data.index(b"\x42\x00\x02\x00", after_bof)  # CODEPAGE: 6 bytes, replaced by a FILEPASS of 6
    data[codepage : codepage + 6] = b"\x2f\x00\x02\x00\x00\x00"
    refusal = refused("a.xls", bytes(data))
    assert refusal.code == "zip_encrypted"
    assert "password-protected" in refusal.message and "Mã hóa bằng Mật khẩu" in refusal.message


# --- .ods -----------------------------------------------------------------------------------------


def test_an_ods_formula_without_its_value_is_refused():
    data = ods_bytes({"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(parcel(), parcel(parcel_no=2))], False)})
    position = PARCEL_HEADERS.index("Diện tích thu hồi (m²)")
    formula = '<table:table-cell table:formula="of:=[.M3]/2"/>'

    def without_value(xml):
        rows = xml.split(b"<table:table-row>")
        cells = rows[3].split(b"<table:table-cell")
        cells[position + 1] = formula.encode()[len("<table:table-cell") :]
        rows[3] = b"<table:table-cell".join(cells)
        return b"<table:table-row>".join(rows)

    refusal = refused("a.ods", with_member(data, "content.xml", without_value))
    assert refusal.code == "formula_without_value"
    assert "cell N3 holds a formula whose result was not saved" in refusal.message


def test_ods_repeated_data_rows_and_a_hidden_row_are_all_read():
    data = ods_bytes({"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(parcel("HS-1"), parcel("HS-1", 2))], False)})
    # LibreOffice writes equal rows once, repeated; the second parcel row hidden (filtered).
    repeated = with_member(
        data,
        "content.xml",
        lambda xml: (
            xml.replace(b"<table:table-row>", b'<table:table-row table:number-rows-repeated="2">', 2)
            .replace(b'<table:table-row table:number-rows-repeated="2">', b"<table:table-row>", 1)
            .replace(b"<table:table-row>", b'<table:table-row table:visibility="filter">', 2)
            .replace(b'<table:table-row table:visibility="filter">', b"<table:table-row>", 1)
        ),
    )
    table = read("a.ods", repeated)
    assert [(row.number, row.values["parcel_no"]) for row in table.parcel_rows] == [(2, 1), (3, 1), (4, 2)]
    assert "Thửa đất: Row 4 is hidden in Excel; it was read all the same: check it." in notes(table)


# --- CSV ------------------------------------------------------------------------------------------


def _tab_text(rows):
    def quoted(value):
        value = "" if value is None else str(value)
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in '\t"\n') else value

    return "".join("\t".join(quoted(v) for v in row) + "\r\n" for row in rows)


@pytest.mark.parametrize(("bom", "encoding"), [("\ufeff", "utf-16-le"), ("\ufeff", "utf-16-be"), ("", "utf-16-le")])
def test_unicode_text_in_either_byte_order_with_quoted_tabs_and_line_breaks(huu_lung, vsip_phase, bom, encoding):
    row = parcel("HS-1", **{"Họ tên / tên tổ chức": 'Bà "Tư"\tLý Thị Én', "Địa chỉ": "Thôn Nà Pàn\nxã Hồ Sơn"})
    data = (bom + _tab_text([PARCEL_HEADERS, *parcel_cells(row, parcel("HS-2", 2))])).encode(encoding)
    table = read("a.csv", data)
    assert [row.number for row in table.parcel_rows] == [2, 3]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=data)
    assert (plan.cases.create, plan.parcels.create) == (2, 2)
    case = Case.objects.get(code="HS-1")
    assert case.name == 'Bà "Tư" Lý Thị Én' and case.address.startswith("Thôn Nà Pàn")


def test_unicode_text_with_a_sep_line_and_decimal_commas(huu_lung, vsip_phase):
    body = csv_bytes([parcel(**{"Diện tích (m²)": "1.234,5"})], delimiter=";", bom=False).decode()
    data = ("\ufeffsep=;\r\n" + body).encode("utf-16-le")
    (row,) = read("a.csv", data).parcel_rows
    assert row.number == 2
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=data)
    assert str(LandParcel.objects.get().area_m2) == "1234.5"


@pytest.mark.parametrize("code_page", ["cp1258", "cp1252"])
def test_a_csv_in_an_old_code_page_is_refused_never_garbled(code_page):
    text = csv_bytes([parcel()], bom=False).decode()
    data = text.encode(code_page, errors="replace")
    refusal = refused("a.csv", data)
    assert refusal.code == "csv_encoding"
    assert refusal.message.startswith("The CSV file is not UTF-8 text (line 1): it was probably saved as “CSV (Comma")
    assert "CSV UTF-8" in refusal.message


def test_utf8_read_as_an_old_code_page_and_saved_again_is_refused():
    # Opened in Excel as Windows-1252 text, then saved as CSV UTF-8: "Nguyễn" has become "Nguyá»…n".
    header = ",".join(PARCEL_HEADERS) + "\r\n"
    garbled = csv_bytes([parcel()], bom=False).decode().split("\r\n", 1)[1].encode().decode("cp1252", "replace")
    refusal = refused("a.csv", ("\ufeff" + header + garbled).encode())
    assert refusal.code == "csv_garbled"
    assert refusal.message.startswith("The CSV file's Vietnamese letters are garbled (line 2: “HS-0001,há»™ gia")


def test_readable_vietnamese_with_capital_a_tilde_is_not_taken_for_garbled():
    row = parcel(**{"Địa chỉ": "XÃ HỒ SƠN – HUYỆN HỮU LŨNG", "Họ tên / tên tổ chức": "ÔNG LÃ VĂN Á»"})
    assert len(read("a.csv", csv_bytes([row])).parcel_rows) == 1


def test_formula_like_text_is_imported_as_the_text_typed(huu_lung, vsip_phase):
    names = [
        "=1+2",
        "+84 912 345 678 Nguyễn Văn A",
        "-Hộ ông Trừ",
        "@SUM(A1:A2)",
        '=HYPERLINK("http://x.invalid","Bấm")',
    ]
    rows = [parcel(f"HS-{i}", i, **{"Họ tên / tên tổ chức": name}) for i, name in enumerate(names, start=1)]
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=csv_bytes(rows))
    assert [Case.objects.get(code=f"HS-{i}").name for i in range(1, 6)] == names


def test_a_negative_area_is_a_number_question_not_a_formula(huu_lung, vsip_phase):
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            user=huu_lung,
            phase=vsip_phase,
            file_name="a.csv",
            content=csv_bytes([parcel(**{"Diện tích thu hồi (m²)": "-5"})]),
        )
    assert [(error.column, error.code) for error in rejected.value.plan.errors] == [
        ("Diện tích thu hồi (m²)", "not_positive")
    ]


def test_text_written_as_a_quoted_formula_to_keep_its_zeros_is_the_text_shown(huu_lung, vsip_phase):
    data = csv_bytes([parcel(**{"Số CCCD": '="020185001234"', "Số GCN": '="CH 01234"'})])
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=data)
    case = Case.objects.get()
    assert (case.id_number, case.parcels.get().certificate_no) == ("020185001234", "CH 01234")
    assert cell_value('="x"') == '="x"'  # only the CSV reader unwraps: a workbook cell is its value


@pytest.mark.parametrize("shown", ["05/01/2024", "5/1/24", "2024-01-05", "5-Jan", "Jan-24"])
def test_a_number_excel_turned_into_a_date_in_a_csv_is_refused(shown):
    refusal = refused("a.csv", csv_bytes([parcel(), parcel(parcel_no=shown)]))
    assert refusal.code == "date_in_column"
    assert refusal.message.startswith(
        f"Sheet “CSV”, row 3, column “Số thửa”: Excel turned the value into a date ({shown})."
    )


def test_an_address_that_looks_like_a_date_is_text():
    assert len(read("a.csv", csv_bytes([parcel(**{"Địa chỉ": "12/5/2024"})])).parcel_rows) == 1


# --- the same limits for every format ---------------------------------------------------------------


def test_xls_and_ods_have_the_row_limit_of_xlsx(settings):
    settings.LSIP_IMPORT_MAX_ROWS = 1
    assert refused("a.xls", case_file("c04_excel2003.xls")).code == "too_many_rows"
    data = ods_bytes({"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(parcel(), parcel(parcel_no=2))], False)})
    assert refused("a.ods", data).code == "too_many_rows"


def test_xls_and_ods_have_the_size_limit_of_xlsx(settings):
    settings.LSIP_IMPORT_MAX_BYTES = 1000
    assert refused("a.xls", case_file("c04_excel2003.xls")).code == "too_large"
    data = ods_bytes(
        {"Thửa đất": ([PARCEL_HEADERS, *parcel_cells(*[parcel(parcel_no=n) for n in range(1, 30)])], False)}
    )
    assert refused("a.ods", data).code == "too_large"
