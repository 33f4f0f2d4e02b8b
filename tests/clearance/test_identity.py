"""ID numbers checked for what they are: the rules, then every way a number gets in (import, command, admin)."""

import io
import json

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from clearance.identity import PROVINCE_CODES_FILE, normalize_id_number, province_codes
from clearance.inventory.template import build_csv, build_xlsx, export_rows
from clearance.models import Case, InventoryImport
from clearance.services.imports import ImportRejected, import_apply, import_file, import_preview, import_upload
from tests.clearance.test_import_command import run
from tests.clearance.test_imports import (
    FILES,
    counts,
    csv_bytes,
    dry_run,
    error_codes,
    parcel,
    read_and_validate,
)
from tests.factories import CaseFactory
from tests.test_admin import _form_data

# A real-shaped list from a commune: T12-01 (two rows) and T12-02 typed into number cells, T12-03 as text.
C12 = FILES / "c12_cccd_numeric.xlsx"
ID_COLUMN = "Số CCCD"
LOST_ZERO_ROWS = [(row, ID_COLUMN, "lost_leading_zero") for row in (2, 3, 4)]

HOUSEHOLD, INDIVIDUAL = Case.Kind.HOUSEHOLD, Case.Kind.INDIVIDUAL
ORGANIZATION, COMMUNITY = Case.Kind.ORGANIZATION, Case.Kind.COMMUNITY


pytestmark = pytest.mark.usefixtures("in_english")


def refused(raw, kind=HOUSEHOLD):
    with pytest.raises(ValidationError) as error:
        normalize_id_number(raw, kind=kind)
    return error.value.code, error.value.messages[0]


# --- the rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "stored"),
    [
        ("020185009901", HOUSEHOLD, "020185009901"),
        ("020 301 007 788", INDIVIDUAL, "020301007788"),
        ("020.185.009.901", HOUSEHOLD, "020185009901"),
        ("020-185-009-901", HOUSEHOLD, "020185009901"),
        ("\u00a0020\u00a0185\u202f009\u00a0901 ", HOUSEHOLD, "020185009901"),
        ("０２０１８５００９９０１", HOUSEHOLD, "020185009901"),  # full-width digits
        ("001087123456", HOUSEHOLD, "001087123456"),  # Hà Nội, the first code
        ("096300000001", INDIVIDUAL, "096300000001"),  # Cà Mau, the last; born in the 2000s, a woman
        ("123456789", HOUSEHOLD, "123456789"),  # an old CMND
        ("0101234567", ORGANIZATION, "0101234567"),
        ("0101234567-001", ORGANIZATION, "0101234567-001"),
        ("0101234567 - 001", ORGANIZATION, "0101234567-001"),
        ("0101234567001", ORGANIZATION, "0101234567-001"),
        ("0101.234.567", ORGANIZATION, "0101234567"),
        ("", HOUSEHOLD, ""),
        ("   ", ORGANIZATION, ""),
        (None, COMMUNITY, ""),
        ("", COMMUNITY, ""),
        ("020185009901", COMMUNITY, "020185009901"),
        ("4900123456", COMMUNITY, "4900123456"),
        ("020185009901", None, "020185009901"),
    ],
)
def test_accepted_shapes_are_stored_as_digits(raw, kind, stored):
    assert normalize_id_number(raw, kind=kind) == stored


@pytest.mark.parametrize("raw", [20185009901, "20185009901", "20 185 009 901"])
def test_a_cccd_that_lost_its_leading_zero_is_refused_with_the_fix(raw):
    code, message = refused(raw)
    assert code == "lost_leading_zero"
    assert "lost its leading zero" in message and "020185009901" in message
    assert "Format the column as Text" in message and "Định dạng ô → Văn bản" in message
    assert "type the number again" in message


def test_a_hanoi_cccd_that_lost_both_zeros_is_refused():
    code, message = refused(1087123456)
    assert code == "lost_leading_zero" and "001087123456" in message


def test_eight_digits_are_a_cmnd_that_lost_its_zero():
    code, message = refused("12345678")
    assert code == "lost_leading_zero"
    assert "CMND" in message and "012345678" in message and "Format the column as Text" in message


def test_an_organisation_code_that_lost_its_zero():
    code, message = refused(101234567, ORGANIZATION)
    assert code == "lost_leading_zero" and "0101234567" in message


@pytest.mark.parametrize(
    "raw", ["2.01851E+10", "2,01851E+10", "2.01851e10", " 2,01851E+10 ", 20185009901.0, 2.01851e10]
)
def test_scientific_notation_and_floats_are_refused(raw):
    code, message = refused(raw)
    assert code == "scientific_notation"
    assert "scientific notation" in message and "dropped digits" in message
    assert "Format the column as Text" in message


def test_a_cccd_must_start_with_a_province_code():
    code, message = refused("999185009901")
    assert code == "not_a_province"
    assert "999" in message and "not a province code" in message


@pytest.mark.parametrize(
    ("raw", "kind", "count"),
    [
        ("0201850099011", HOUSEHOLD, 13),  # 13 digits
        ("02018500990", HOUSEHOLD, 11),  # starts with 0: a digit is missing, not a zero
        ("0201850", INDIVIDUAL, 7),
        ("0101234567-001", HOUSEHOLD, 13),  # a branch tax code is not a person's number
        ("12345", ORGANIZATION, 5),
        ("020185009901", ORGANIZATION, 12),  # a CCCD is not an organisation's code
        ("1234567", COMMUNITY, 7),
    ],
)
def test_other_lengths_say_how_many_digits(raw, kind, count):
    code, message = refused(raw, kind)
    assert code == "wrong_length"
    assert f"has {count}" in message
    assert ("12 digits (CCCD)" in message) or ("tax code has 10 digits" in message)


@pytest.mark.parametrize("raw", ["abc", "020185OO9901", "CH 01234", "MP-123456789", "020/185/009/901", "-20185009901",
                                 -20185009901, True])  # fmt: skip
def test_letters_and_signs_are_refused(raw):
    assert refused(raw)[0] == "not_digits"


def test_the_province_table_has_the_63_codes_with_its_source():
    data = json.loads(PROVINCE_CODES_FILE.read_text(encoding="utf-8"))
    codes = province_codes()
    assert len(codes) == 63 and codes == data["codes"]
    assert (codes["001"], codes["020"], codes["096"]) == ("Hà Nội", "Lạng Sơn", "Cà Mau")
    # The statistics office's province codes (01 … 96) padded to three digits.
    assert all(len(code) == 3 and "001" <= code <= "096" for code in codes)
    assert "59/2021/TT-BCA" in data["source"]["citation"] and "07/2016/TT-BCA" in data["source"]["citation"]
    assert data["source"]["date"] and data["source"]["checked"]


def test_the_case_model_normalises_and_refuses_by_kind():
    case = CaseFactory.build(kind=HOUSEHOLD, id_number="020 185 009 901")
    case.clean()
    assert case.id_number == "020185009901"
    case = CaseFactory.build(kind=ORGANIZATION, id_number="020185009901")
    with pytest.raises(ValidationError) as error:
        case.clean()
    assert error.value.message_dict["id_number"]
    assert CaseFactory.build(kind=COMMUNITY, id_number="").clean() is None


# --- the inventory import ------------------------------------------------------------------------


def corrected_c12(fix):
    """The C12 file with its ID cells rewritten by `fix(cell, case code)`."""
    workbook = openpyxl.load_workbook(C12)
    sheet = workbook["Thửa đất"]
    headers = [cell.value for cell in sheet[1]]
    code_column, id_column = headers.index("Mã hồ sơ") + 1, headers.index(ID_COLUMN) + 1
    for row in range(2, sheet.max_row + 1):
        fix(sheet.cell(row, id_column), sheet.cell(row, code_column).value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TYPED_AS_TEXT = {"T12-01": "020185009901", "T12-02": "020190004455", "T12-03": "020 301 007 788"}


def as_text(cell, code):
    cell.value = TYPED_AS_TEXT[code]
    cell.number_format = "@"


def test_the_c12_file_previews_the_lost_zeros_and_writes_nothing(huu_lung, vsip_phase):
    content = C12.read_bytes()
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name=C12.name, content=content)

    plan = import_preview(inventory_import=record, user=huu_lung)

    assert error_codes(plan) == LOST_ZERO_ROWS
    shown = {error.row: (error.value, error.message) for error in plan.errors}
    for row, (value, probably) in {2: ("20185009901", "020185009901"), 3: ("20185009901", "020185009901"),
                                   4: ("20190004455", "020190004455")}.items():  # fmt: skip
        assert shown[row][0] == value
        assert probably in shown[row][1] and "Format the column as Text" in shown[row][1]
    assert plan.cases.create == 1  # T12-03, typed as text, would be fine on its own
    before = counts()
    with pytest.raises(ImportRejected):
        import_apply(inventory_import=record, user=huu_lung)
    assert counts() == before and counts()[:3] == (0, 0, 0)
    record.refresh_from_db()
    assert record.status == InventoryImport.Status.PREVIEWED


def test_the_c12_file_with_text_cells_imports_the_twelve_digits(huu_lung, vsip_phase):
    content = corrected_c12(as_text)
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="c12-sua.xlsx", content=content)
    assert plan.errors == [] and record.status == InventoryImport.Status.APPLIED
    assert (plan.cases.create, plan.parcels.create) == (3, 4)
    stored = dict(Case.objects.filter(phase=vsip_phase).values_list("code", "id_number"))
    assert stored == {"T12-01": "020185009901", "T12-02": "020190004455", "T12-03": "020301007788"}


def test_number_cells_formatted_to_show_the_zeros_are_read_as_shown(huu_lung, vsip_phase):
    def zero_format(cell, code):
        if code == "T12-03":
            return as_text(cell, code)
        cell.number_format = "000000000000"  # the cell shows 020185009901; its value is 20185009901

    plan = read_and_validate(huu_lung, vsip_phase, corrected_c12(zero_format), "xlsx")
    assert plan.errors == []
    assert {case.code: case.id_number for case in plan.new_cases}["T12-01"] == "020185009901"


def test_the_same_number_written_two_ways_is_one_case_value(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **{ID_COLUMN: "020 185 009 901"}),
                                          parcel("HS-1", 2, **{ID_COLUMN: "020185009901"})])  # fmt: skip
    assert plan.errors == [] and plan.new_cases[0].id_number == "020185009901"
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1), parcel("HS-1", 2, **{ID_COLUMN: "020190004455"})])
    assert error_codes(plan) == [(3, ID_COLUMN, "case_conflict")]


def test_the_kind_on_another_row_decides_the_shape(huu_lung, vsip_phase):
    rows = [
        parcel("HTX-1", 1, **{"Loại đối tượng": "tổ chức", ID_COLUMN: "", "Họ tên / tên tổ chức": "HTX Đồng Bụt"}),
        parcel("HTX-1", 2, **{"Loại đối tượng": "", ID_COLUMN: "4900123456-001", "Họ tên / tên tổ chức": ""}),
        parcel("HTX-2", 3, **{"Loại đối tượng": "tổ chức", ID_COLUMN: "020185009901"}),
    ]
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert error_codes(plan) == [(4, ID_COLUMN, "wrong_length")]
    plan = dry_run(huu_lung, vsip_phase, rows[:2])
    assert plan.errors == [] and plan.new_cases[0].id_number == "4900123456-001"


def test_a_csv_with_scientific_notation_is_refused_on_its_cell(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **{ID_COLUMN: "2,01851E+10"})], fmt="csv")
    assert error_codes(plan) == [(2, ID_COLUMN, "scientific_notation")]
    assert "scientific notation" in plan.errors[0].message


def test_the_command_reports_the_lost_zeros_and_exits_non_zero(tmp_path, huu_lung, vsip_phase):
    path = tmp_path / C12.name
    path.write_bytes(C12.read_bytes())
    before = counts()
    status, out, err = run(str(path), "--phase", str(vsip_phase.pk), "--user", "huulung")
    assert status == 1
    for row in (2, 3, 4):
        assert f"row {row}, column “{ID_COLUMN}” [" in err
    assert err.count("lost its leading zero") == 3 and "Format the column as Text" in err
    assert "3 error(s); nothing was written" in err
    assert counts() == before


def test_the_export_writes_id_numbers_as_text_cells(huu_lung, vsip_phase):
    import_file(user=huu_lung, phase=vsip_phase, file_name="c12-sua.xlsx", content=corrected_c12(as_text))
    parcel_rows, asset_rows = export_rows(Case.objects.filter(phase=vsip_phase))
    sheet = openpyxl.load_workbook(io.BytesIO(build_xlsx(parcel_rows, asset_rows)))["Thửa đất"]
    column = [cell.value for cell in sheet[1]].index(ID_COLUMN) + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    assert {cell.value for cell in cells} == {"020185009901", "020190004455", "020301007788"}
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in cells)
    letter = openpyxl.utils.get_column_letter(column)
    assert openpyxl.load_workbook(io.BytesIO(build_xlsx()))["Thửa đất"].column_dimensions[letter].number_format == "@"
    # And the export reads back as it is.
    plan = read_and_validate(huu_lung, vsip_phase, build_xlsx(parcel_rows, asset_rows), "xlsx")
    assert plan.errors == [] and plan.cases.unchanged == 3
    assert "020185009901" in build_csv(parcel_rows, asset_rows).decode("utf-8-sig")


def test_a_csv_import_keeps_the_leading_zero(huu_lung, vsip_phase):
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=csv_bytes([parcel("HS-1", 1)]))
    assert Case.objects.get(code="HS-1").id_number == "020185001234"


# --- the admin -----------------------------------------------------------------------------------


def test_the_admin_refuses_a_number_that_lost_its_zero_and_stores_the_digits(admin_client):
    case = CaseFactory(kind=HOUSEHOLD, id_number="")
    url = reverse("admin:clearance_case_change", args=[case.pk])
    data = _form_data(admin_client.get(url))

    data["id_number"] = "20185009901"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["id_number"]
    # The admin speaks Vietnamese: what happened, the probable number, and how to keep the zero.
    assert "đã mất số 0 ở đầu" in errors[0] and "020185009901" in errors[0]
    assert "Định dạng cột là Văn bản" in errors[0]
    case.refresh_from_db()
    assert case.id_number == "" and case.history.count() == 1

    data["id_number"] = "020 185 009 901"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.id_number == "020185009901"


def test_the_admin_checks_the_number_against_the_kind(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    case = CaseFactory(kind=HOUSEHOLD, id_number="020185009901")
    url = reverse("admin:clearance_case_change", args=[case.pk])
    data = _form_data(admin_client.get(url))
    data["kind"] = ORGANIZATION
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "tax code has 10 digits" in response.context["adminform"].form.errors["id_number"][0]
    data["id_number"] = "4900123456"
    assert admin_client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.kind, case.id_number) == (ORGANIZATION, "4900123456")
