"""Files refused before any parser sees them: size, type, zip bombs, XML entities, encodings, rows."""

import io
import zipfile

import pytest

from clearance.inventory import ImportRefused, check_file, read_table
from tests.clearance.test_imports import PARCEL_HEADERS, csv_bytes, many, parcel, xlsx_bytes


def refused(name, data):
    with pytest.raises(ImportRefused) as refusal:
        fmt = check_file(name, data)
        read_table(data, fmt)
    return refusal.value


def zip_of(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_member(workbook, name, replace):
    """The workbook with one part's XML rewritten."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    return zip_of({n: (replace(source.read(n)) if n == name else source.read(n)) for n in source.namelist()})


def test_a_good_workbook_and_csv_pass():
    assert check_file("danh-sach.xlsx", xlsx_bytes([parcel()])) == "xlsx"
    assert check_file("DANH SACH.CSV", csv_bytes([parcel()])) == "csv"
    assert check_file("khong-bom.csv", csv_bytes([parcel()], bom=False)) == "csv"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("danh-sach.pdf", b"%PDF-1.4 ...", "extension"),
        ("danh-sach.xls", b"<html><body>Danh s\xc3\xa1ch</body></html>", "not_xls"),  # a web page saved as .xls
        ("danh-sach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "not_xls"),  # OLE2, no workbook
        ("danh-sach", b"anything", "extension"),
        ("danh-sach.xlsx", b"%PDF-1.4 not a workbook", "not_xlsx"),
        ("danh-sach.xlsx", b"PK\x03\x04 but broken", "bad_zip"),
        ("danh-sach.xlsx", b"", "empty"),
        ("danh-sach.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv_encoding"),
        ("danh-sach.csv", "Mã hồ sơ\x00,Số thửa\n".encode(), "csv_binary"),
        ("danh-sach.csv", "Mã,Họ tên\nHS-1,Lê Thị Hà\n".encode("cp1252", errors="replace"), "csv_encoding"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(name, data, code):
    assert refused(name, data).code == code


def test_a_workbook_named_csv_is_refused():
    assert refused("danh-sach.csv", xlsx_bytes([parcel()])).code == "csv_is_zip"


def test_a_zip_that_is_not_a_workbook_is_refused():
    assert refused("danh-sach.xlsx", zip_of({"word/document.xml": "<w/>"})).code == "not_xlsx"


def test_too_large_is_refused_by_size_alone(settings):
    settings.LSIP_IMPORT_MAX_BYTES = 1000
    refusal = refused("danh-sach.csv", b"x" * 1001)
    assert refusal.code == "too_large"
    assert "1000" in str(refusal) or "1,0" in str(refusal) or "1.000" in str(refusal) or "KB" in str(refusal)


def test_zip_bomb_is_refused_unread():
    # 60 MB of zeros packs into about 60 KB: a ratio no spreadsheet has.
    bomb = zip_of(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    refusal = refused("bom.xlsx", bomb)
    assert refusal.code == "zip_bomb"
    assert "zip bomb" in str(refusal)


def test_too_many_or_unsafe_zip_members_are_refused():
    base = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    assert refused("a.xlsx", zip_of({**base, "../../etc/cron.d/x": "x"})).code == "zip_path"
    assert refused("a.xlsx", zip_of({**base, "/abs/x.xml": "x"})).code == "zip_path"
    assert refused("a.xlsx", zip_of({**base, **{f"xl/p{i}.bin": "" for i in range(300)}})).code == "zip_members"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def without_declaration(xml):
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def test_xml_entity_expansion_is_refused_with_a_clear_message():
    workbook = xlsx_bytes([parcel()])
    evil = with_member(workbook, "xl/worksheets/sheet1.xml", lambda xml: BILLION_LAUGHS + without_declaration(xml))
    refusal = refused("danh-sach.xlsx", evil)
    assert refusal.code == "xml_dtd"
    assert "xl/worksheets/sheet1.xml" in str(refusal) and "entity" in str(refusal)


def test_an_external_entity_in_shared_strings_is_refused():
    workbook = xlsx_bytes([parcel()])
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    evil = with_member(workbook, "[Content_Types].xml", lambda xml: xxe + without_declaration(xml))
    assert refused("danh-sach.xlsx", evil).code == "xml_dtd"


def test_utf16_xml_parts_are_refused():
    workbook = xlsx_bytes([parcel()])
    evil = with_member(workbook, "xl/workbook.xml", lambda xml: xml.decode().encode("utf-16"))
    assert refused("danh-sach.xlsx", evil).code == "xml_encoding"


def test_missing_required_column_is_refused_with_its_name():
    headers = [h for h in PARCEL_HEADERS if h != "Số thửa"]
    refusal = refused("a.xlsx", xlsx_bytes([parcel()], headers=headers))
    assert refusal.code == "missing_column" and "Số thửa" in str(refusal)
    assert refused("a.csv", csv_bytes([parcel()], headers=headers)).code == "missing_column"


def test_headers_match_without_accents_case_or_superscripts():
    row = {h.upper().replace("²", "2"): value for h, value in parcel().items()}
    row["ma ho so"] = row.pop("MÃ HỒ SƠ")
    table = read_table(csv_bytes([row], headers=list(row)), "csv")
    assert table.parcel_rows[0].values["code"] == "HS-0001"
    assert table.parcel_rows[0].values["area_m2"] == "1.234,5"


def test_csv_delimiter_semicolon_and_row_numbers():
    table = read_table(csv_bytes([parcel(parcel_no=1), {}, parcel(parcel_no=2)], delimiter=";"), "csv")
    assert [row.number for row in table.parcel_rows] == [2, 4]  # the blank row 3 is skipped, not renumbered


def test_too_many_rows_are_refused(settings):
    settings.LSIP_IMPORT_MAX_ROWS = 10
    assert len(read_table(xlsx_bytes(many(10)), "xlsx").parcel_rows) == 10
    refusal = refused("a.xlsx", xlsx_bytes(many(11)))
    assert refusal.code == "too_many_rows" and "10" in str(refusal)
    assert refused("a.csv", csv_bytes(many(11))).code == "too_many_rows"


def test_unknown_columns_are_ignored_and_listed():
    table = read_table(csv_bytes([parcel()], headers=[*PARCEL_HEADERS, "Ghi chú"]), "csv")
    assert table.ignored_columns == ["Ghi chú"]


def test_a_stray_control_character_in_a_csv_is_cleaned_not_taken_for_binary():
    """A vertical tab pasted into a name and DOS's end-of-file Ctrl-Z: text all the same."""
    data = csv_bytes([parcel(**{"Họ tên / tên tổ chức": "Hộ ông\x0bLục Văn Tường"})]) + b"\x1a"
    table = read_table(data, check_file("danh-sach.csv", data))
    assert table.parcel_rows[0].values["name"] == "Hộ ông Lục Văn Tường"


def test_a_csv_full_of_control_characters_is_refused_as_binary():
    data = csv_bytes([parcel()]) + bytes(range(1, 9)) * 20
    assert refused("danh-sach.csv", data).code == "csv_binary"
