"""Inventory import: validation, all-or-nothing, re-import, scope, history, Vietnamese text.

The helpers at the top build sheets in memory (no committed binaries); the web and
command-line tests import them.
"""

import csv
import io
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clearance.inventory import read_table, validate
from clearance.inventory.cells import CellError, decimal, text, whole_number
from clearance.models import Asset, Case, InventoryImport, LandParcel
from clearance.services.imports import ImportRejected, import_apply, import_file, import_upload
from tests.factories import CaseFactory, LandParcelFactory, StaffProfileFactory, UserFactory
from zones.access import scope_for
from zones.models import AdminUnit, StaffProfile

PARCEL_HEADERS = [
    "Mã hồ sơ", "Loại đối tượng", "Họ tên / tên tổ chức", "Số CCCD", "Địa chỉ", "Thôn", "Mã xã", "Cấp xã theo",
    "Mã xã của tờ bản đồ", "Cấp xã của tờ bản đồ theo", "Số tờ", "Số thửa", "Diện tích (m²)",
    "Diện tích thu hồi (m²)", "Loại đất", "Nguồn gốc đất", "Số GCN",
]  # fmt: skip
ASSET_HEADERS = ["Mã hồ sơ", "Loại tài sản", "Mô tả", "Số lượng", "Đơn vị tính"]
CSV_HEADERS = [*PARCEL_HEADERS, "Tài sản"]  # a CSV has the assets in one cell
# The real-shaped lists communes send (copies of ../shared/cases), and files made for one test.
FILES = Path(__file__).resolve().parent / "files"
HO_SON, HOA_THANG, HUU_LUNG_TOWN_OR_2025, CAO_LOC_DONG_DANG = 6451, 6460, 6385, 6184


def parcel(code="HS-0001", parcel_no=1, **values):
    """One row of the parcel sheet, as a dict keyed by header."""
    row = {
        "Mã hồ sơ": code,
        "Loại đối tượng": "hộ gia đình",
        "Họ tên / tên tổ chức": f"Hộ ông Nguyễn Văn {code}",
        "Số CCCD": "020185001234",
        "Địa chỉ": "Thôn Đồng Bụt, xã Hồ Sơn",
        "Thôn": "Thôn Đồng Bụt",
        "Mã xã": HO_SON,
        "Cấp xã theo": "trước 2025",
        "Mã xã của tờ bản đồ": "",
        "Cấp xã của tờ bản đồ theo": "",
        "Số tờ": 12,
        "Số thửa": parcel_no,
        "Diện tích (m²)": "1.234,5",
        "Diện tích thu hồi (m²)": "800",
        "Loại đất": "LUC",
        "Nguồn gốc đất": "Nhà nước giao đất không thu tiền",
        "Số GCN": "CH 01234",
    }
    row.update(values)
    return row


def asset(code="HS-0001", **values):
    row = {"Mã hồ sơ": code, "Loại tài sản": "cây", "Mô tả": "Cây vải", "Số lượng": 10, "Đơn vị tính": "cây"}
    row.update(values)
    return row


def xlsx_bytes(parcels, assets=(), headers=PARCEL_HEADERS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Thửa đất"
    sheet.append(headers)
    for row in parcels:
        sheet.append([row.get(h) for h in headers])
    asset_sheet = workbook.create_sheet("Tài sản")
    asset_sheet.append(ASSET_HEADERS)
    for row in assets:
        asset_sheet.append([row.get(h) for h in ASSET_HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(parcels, headers=PARCEL_HEADERS, delimiter=",", bom=True):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in parcels:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def many(count, per_case=2):
    """`count` good parcel rows, `per_case` parcels per case, on sheets of 500 parcels."""
    return [parcel(f"HS-{i // per_case:04d}", parcel_no=i % 500 + 1, **{"Số tờ": 12 + i // 500}) for i in range(count)]


def local_staff(username, district_code):
    user = UserFactory(username=username)
    StaffProfileFactory(
        user=user,
        role=StaffProfile.Role.LOCAL_STAFF,
        units=[AdminUnit.objects.get(code=district_code, structure=AdminUnit.Structure.LEGACY)],
    )
    return user


def counts():
    return (
        Case.objects.count(),
        LandParcel.objects.count(),
        Asset.objects.count(),
        InventoryImport.objects.count(),
        Case.history.count(),
        LandParcel.history.count(),
    )


def error_codes(plan):
    return [(e.row, e.column, e.code) for e in plan.errors]


@pytest.fixture
def cao_loc(lang_son):
    return local_staff("caoloc", 183)


def dry_run(user, phase, parcels, assets=(), fmt="xlsx"):
    content = xlsx_bytes(parcels, assets) if fmt == "xlsx" else csv_bytes(parcels)
    return read_and_validate(user, phase, content, fmt)


def read_and_validate(user, phase, content, fmt):
    return validate(read_table(content, fmt), phase=phase, scope=scope_for(user))


# --- cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("1234.5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),  # one dot group alone reads two ways: test_import_numbers
        ("1.234.567,8", Decimal("1234567.8")),
        (" 12 345,5 ", Decimal("12345.5")),
        ("0,5", Decimal("0.5")),
        (1234.5, Decimal("1234.5")),
        (300.00000000000006, Decimal("300")),
        (800, Decimal("800")),
    ],
)
def test_numbers_are_read_the_vietnamese_way_and_plainly(raw, expected):
    assert decimal(raw, places=1) == expected


@pytest.mark.parametrize("raw", ["abc", "1,234,5", "12.34.5", "1.2345,5", "1e5", "nan", "--1", True])
def test_things_that_are_not_numbers_are_refused(raw):
    with pytest.raises(CellError):
        decimal(raw, places=1)


def test_too_many_decimals_are_refused_not_rounded():
    with pytest.raises(CellError) as error:
        decimal("123,45", places=1)
    assert error.value.code == "too_many_decimals"
    assert decimal("123,45", places=2) == Decimal("123.45")


def test_whole_numbers():
    assert whole_number("12") == 12
    assert whole_number(12.0) == 12
    for bad in ("12,5", 12.5, "mười hai", "١٢"):
        with pytest.raises(CellError):
            whole_number(bad)


def test_text_is_nfc_normalised_and_kept_exactly():
    decomposed = unicodedata.normalize("NFD", "Đặng Thị Ắt Hữu")
    assert decomposed != "Đặng Thị Ắt Hữu"
    assert text(f"  {decomposed} ") == "Đặng Thị Ắt Hữu"
    with pytest.raises(CellError):
        text("x" * 31, max_length=30)


# --- validation ---------------------------------------------------------------------------------


def test_good_rows_plan_cases_parcels_and_assets(huu_lung, vsip_phase):
    plan = dry_run(
        huu_lung,
        vsip_phase,
        [parcel("HS-1", 1), parcel("HS-1", 2, **{"Họ tên / tên tổ chức": ""}), parcel("HS-2", 3)],
        [
            asset("HS-1"),
            asset("HS-2", **{"Loại tài sản": "mộ", "Mô tả": "Mộ đất", "Số lượng": 1, "Đơn vị tính": "ngôi"}),
        ],
    )
    assert plan.errors == []
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (2, 3, 2)
    assert counts()[:3] == (0, 0, 0)  # a dry run writes nothing


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"Số thửa": ""}, "Số thửa", "required"),
        ({"Diện tích (m²)": "0"}, "Diện tích (m²)", "not_positive"),
        ({"Diện tích (m²)": "-5"}, "Diện tích (m²)", "not_positive"),
        ({"Diện tích thu hồi (m²)": "1.234,6"}, "Diện tích thu hồi (m²)", "recovered_exceeds_area"),
        ({"Loại đất": "XYZ"}, "Loại đất", "unknown_code"),
        ({"Loại đất": "ONT+CLN"}, "Loại đất", "areas_missing"),
        ({"Loại đất": "ONT 200; CLN 300"}, "Loại đất", "areas_sum"),
        ({"Loại đất": "ONT 200; ONT 300"}, "Loại đất", "repeated_code"),
        ({"Loại đất": "ONT 200 ???"}, "Loại đất", "unreadable"),
        ({"Loại đối tượng": "doanh nghiệp"}, "Loại đối tượng", "unknown_word"),
        ({"Mã xã": 6999, "Cấp xã theo": ""}, "Mã xã", "unknown_commune"),
        ({"Mã xã": HUU_LUNG_TOWN_OR_2025, "Cấp xã theo": ""}, "Mã xã", "ambiguous_commune"),
        ({"Mã xã": CAO_LOC_DONG_DANG}, "Mã xã", "out_of_scope"),
        ({"Mã xã của tờ bản đồ": CAO_LOC_DONG_DANG}, "Mã xã của tờ bản đồ", "out_of_scope"),
        ({"Số tờ": "0"}, "Số tờ", "not_positive"),
        ({"Số CCCD": "0" * 21}, "Số CCCD", "too_long"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(huu_lung, vsip_phase, values, column, code):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1), parcel("HS-2", 2, **values)])
    assert (3, column, code) in error_codes(plan)
    assert all(e.row == 3 for e in plan.errors)


def test_the_boundary_recovered_equal_to_area_is_accepted(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel(**{"Diện tích (m²)": "800", "Diện tích thu hồi (m²)": "800,0"})])
    assert plan.errors == []


def test_a_case_needs_its_name_on_one_of_its_rows(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **{"Họ tên / tên tổ chức": ""})])
    assert error_codes(plan) == [(2, "Họ tên / tên tổ chức", "required")]


def test_conflicting_case_data_for_the_same_code(huu_lung, vsip_phase):
    plan = dry_run(
        huu_lung,
        vsip_phase,
        [parcel("HS-1", 1), parcel("HS-1", 2, **{"Họ tên / tên tổ chức": "Hộ bà Lê Thị Khác"})],
    )
    assert error_codes(plan) == [(3, "Họ tên / tên tổ chức", "case_conflict")]
    assert "2" in plan.errors[0].message


def test_duplicate_parcel_within_the_file(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 7), parcel("HS-2", 8), parcel("HS-3", 7)])
    assert error_codes(plan) == [(4, "Số thửa", "duplicate_parcel")]


def test_a_2025_commune_is_chosen_with_the_structure_column(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel(**{"Mã xã": HUU_LUNG_TOWN_OR_2025, "Cấp xã theo": "từ 2025"})])
    assert plan.errors == []
    assert plan.new_cases[0].unit_id == AdminUnit.objects.get(code=6385, structure="2025").pk
    # The map sheet follows the case's commune when its own column is blank.
    assert plan.new_parcels[0][0].sheet_unit.pk == plan.new_cases[0].unit_id


def test_a_parcel_of_another_case_is_not_moved(huu_lung, vsip_phase):
    other = CaseFactory(phase=vsip_phase, code="KHAC-1", unit=AdminUnit.objects.get(code=HO_SON))
    LandParcelFactory(case=other, map_sheet_no=12, parcel_no=1)
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1)])
    assert error_codes(plan) == [(2, "Số thửa", "parcel_taken")]
    assert "KHAC-1" in plan.errors[0].message


def test_a_case_code_of_another_area_is_refused(huu_lung, vsip_phase):
    CaseFactory(phase=vsip_phase, code="HS-1", unit=AdminUnit.objects.get(code=CAO_LOC_DONG_DANG, structure="legacy"))
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1)])
    assert error_codes(plan) == [(2, "Mã hồ sơ", "case_out_of_scope")]


def test_asset_errors(huu_lung, vsip_phase):
    plan = dry_run(
        huu_lung,
        vsip_phase,
        [parcel("HS-1", 1)],
        [asset("HS-1"), asset("HS-1", **{"Số lượng": 3}), asset("KHONG-CO"), asset("HS-1", **{"Loại tài sản": "ô tô"}),
         asset("HS-1", **{"Mô tả": "Nhà cấp 4", "Số lượng": "0"})],
    )  # fmt: skip
    assert [(e.sheet, e.row, e.column, e.code) for e in plan.errors] == [
        ("Tài sản", 3, "Mô tả", "duplicate_asset"),
        ("Tài sản", 4, "Mã hồ sơ", "unknown_case"),
        ("Tài sản", 5, "Loại tài sản", "unknown_word"),
        ("Tài sản", 6, "Số lượng", "not_positive"),
    ]


def test_csv_assets_column(huu_lung, vsip_phase):
    headers = [*PARCEL_HEADERS, "Tài sản"]
    rows = [
        parcel("HS-1", 1, **{"Tài sản": "cây | Cây vải | 10 | cây; mộ | Mộ đất | 1 | ngôi"}),
        parcel("HS-1", 2),
        parcel("HS-2", 3, **{"Tài sản": "cây | Cây vải | mười | cây"}),
    ]
    plan = read_and_validate(huu_lung, vsip_phase, csv_bytes(rows, headers=headers, delimiter=";"), "csv")
    assert error_codes(plan) == [(4, "Tài sản", "not_number")]
    assert plan.assets.create == 2


# --- writing ------------------------------------------------------------------------------------


def test_fifty_good_rows_and_a_bad_last_row_write_nothing(huu_lung, vsip_phase):
    rows = [*many(50), parcel("HS-LAST", 499, **{"Số tờ": 40, "Diện tích thu hồi (m²)": "99999"})]
    before = counts()
    with pytest.raises(ImportRejected) as rejection:
        import_file(user=huu_lung, phase=vsip_phase, file_name="kiem-dem.xlsx", content=xlsx_bytes(rows))
    assert counts() == before
    assert [(e.row, e.column, e.code) for e in rejection.value.plan.errors] == [
        (52, "Diện tích thu hồi (m²)", "recovered_exceeds_area")
    ]
    assert "52" in str(rejection.value.plan.errors[0]) and "Diện tích thu hồi (m²)" in str(
        rejection.value.plan.errors[0]
    )


def test_import_writes_everything_with_the_importing_user_in_history(huu_lung, vsip_phase):
    plan, record = import_file(
        user=huu_lung,
        phase=vsip_phase,
        file_name="Danh sách Hồ Sơn.xlsx",
        content=xlsx_bytes(many(6), [asset("HS-0000"), asset("HS-0002", **{"Số lượng": "2,5"})]),
    )
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (3, 6, 2)
    assert counts()[:4] == (3, 6, 2, 1)
    assert record.status == InventoryImport.Status.APPLIED and record.applied_at is not None
    assert (record.rows_total, record.rows_created, record.rows_updated) == (8, 8, 0)
    case = Case.objects.get(phase=vsip_phase, code="HS-0001")
    assert case.unit.code == HO_SON and case.kind == Case.Kind.HOUSEHOLD and case.id_number == "020185001234"
    assert case.search_text  # bulk writes refresh the folded names
    assert LandParcel.objects.filter(case=case).count() == 2
    assert Asset.objects.get(case__code="HS-0002").quantity == Decimal("2.5")
    for model in (Case, LandParcel, Asset):
        entries = model.history.all()
        assert entries and all(h.history_user == huu_lung for h in entries)
        assert {h.history_change_reason for h in entries} == {"Import Danh sách Hồ Sơn.xlsx"}


def test_re_importing_the_same_file_duplicates_nothing(huu_lung, vsip_phase):
    content = xlsx_bytes(many(20), [asset("HS-0001")])
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=content)
    before = counts()
    plan, _ = import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=content)
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (0, 0, 0)
    assert (plan.cases.unchanged, plan.parcels.unchanged, plan.assets.unchanged) == (10, 20, 1)
    after = counts()
    assert after[:3] == before[:3] and after[3] == before[3] + 1
    assert after[4:] == before[4:]  # nothing changed, so no history either


def test_re_import_updates_what_changed_and_keeps_what_is_blank(huu_lung, vsip_phase):
    import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(many(4), [asset("HS-0000")]))
    case = Case.objects.get(code="HS-0001")
    rows = many(4)
    rows[2]["Họ tên / tên tổ chức"] = "Hộ ông Nguyễn Văn Hữu"
    rows[3]["Họ tên / tên tổ chức"] = ""  # later rows of a case may leave its cells blank
    rows[2]["Số CCCD"] = rows[3]["Số CCCD"] = ""  # blank: the stored value is kept
    rows[3]["Diện tích (m²)"] = "2000"
    plan, record = import_file(
        user=huu_lung,
        phase=vsip_phase,
        file_name="b.xlsx",
        content=xlsx_bytes(rows, [asset("HS-0000", **{"Số lượng": 12})]),
    )
    assert (plan.cases.update, plan.parcels.update, plan.assets.update) == (1, 1, 1)
    assert (record.rows_created, record.rows_updated) == (0, 2)
    case.refresh_from_db()
    assert case.name == "Hộ ông Nguyễn Văn Hữu" and case.id_number == "020185001234"
    assert case.version == 2  # an edit page opened before the import is now stale
    assert LandParcel.objects.get(case=case, parcel_no=4).area_m2 == Decimal("2000")
    latest = case.history.first()
    assert (
        latest.history_type == "~"
        and latest.history_user == huu_lung
        and latest.history_change_reason == "Import b.xlsx"
    )


def test_staff_of_hu_lung_cannot_import_a_cao_loc_row(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-2", 2, **{"Mã xã": CAO_LOC_DONG_DANG})]
    before = counts()
    with pytest.raises(ImportRejected) as rejection:
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(rows))
    assert [(e.row, e.column, e.code) for e in rejection.value.plan.errors] == [(3, "Mã xã", "out_of_scope")]
    assert "Thị trấn Đồng Đăng" in rejection.value.plan.errors[0].message
    assert counts() == before


def test_a_previewed_import_is_applied_once(huu_lung, vsip_phase):
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.csv", content=csv_bytes(many(4)))
    assert record.status == InventoryImport.Status.PREVIEWED and record.file_format == "csv"
    import_apply(inventory_import=record, user=huu_lung)
    before = counts()
    with pytest.raises(ImportRejected):
        import_apply(inventory_import=record, user=huu_lung)
    assert counts() == before


def test_errors_found_at_confirm_time_write_nothing(huu_lung, vsip_phase):
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes([parcel()]))
    # Between preview and confirm someone records the parcel for another case.
    other = CaseFactory(phase=vsip_phase, code="KHAC-1", unit=AdminUnit.objects.get(code=HO_SON))
    LandParcelFactory(case=other, map_sheet_no=12, parcel_no=1)
    before = counts()
    with pytest.raises(ImportRejected) as rejection:
        import_apply(inventory_import=record, user=huu_lung)
    assert rejection.value.plan.errors[0].code == "parcel_taken"
    assert counts() == before
    record.refresh_from_db()
    assert record.status == InventoryImport.Status.PREVIEWED


def test_a_thousand_rows_import_in_a_handful_of_queries(huu_lung, vsip_phase):
    content = xlsx_bytes(many(1000), [asset(f"HS-{i:04d}") for i in range(0, 500, 5)])
    with CaptureQueriesContext(connection) as queries:
        plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="big.xlsx", content=content)
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (500, 1000, 100)
    assert counts()[:3] == (500, 1000, 100)
    assert record.rows_total == 1100
    # Batched writes (SQLite caps the rows per INSERT): far from one query per row.
    assert len(queries) < 100
    plan, _ = import_file(user=huu_lung, phase=vsip_phase, file_name="big.xlsx", content=content)
    assert (plan.cases.unchanged, plan.parcels.unchanged, plan.assets.unchanged) == (500, 1000, 100)
    assert counts()[:3] == (500, 1000, 100)


def test_vietnamese_text_survives_import_and_export(huu_lung, vsip_phase):
    from clearance.inventory.template import build_csv, build_xlsx, export_rows

    names = ["Hộ bà Đặng Thị Ắt", "Hộ ông Nguyễn Hữu Nghĩa", "Cộng đồng dân cư thôn Đồng Ệ", "Ông Lường Văn Ữ"]
    rows = [
        parcel(f"HS-{i}", i + 1, **{"Họ tên / tên tổ chức": unicodedata.normalize("NFD" if i % 2 else "NFC", name),
                                    "Nguồn gốc đất": "Đất được Nhà nước giao ổn định, lâu dài"})
        for i, name in enumerate(names)
    ]  # fmt: skip
    import_file(user=huu_lung, phase=vsip_phase, file_name="tên có dấu.xlsx", content=xlsx_bytes(rows))
    assert sorted(Case.objects.values_list("name", flat=True)) == sorted(names)

    parcel_rows, asset_rows = export_rows(Case.objects.filter(phase=vsip_phase))
    workbook = openpyxl.load_workbook(io.BytesIO(build_xlsx(parcel_rows, asset_rows)))
    exported = [row[2] for row in workbook["Thửa đất"].iter_rows(min_row=2, values_only=True)]
    assert sorted(exported) == sorted(names)
    csv_text = build_csv(parcel_rows, asset_rows).decode("utf-8-sig")
    assert all(name in csv_text for name in names)

    # The export imports back as it is: nothing to create or change.
    plan = read_and_validate(huu_lung, vsip_phase, build_csv(parcel_rows, asset_rows), "csv")
    assert plan.errors == [] and plan.parcels.unchanged == 4 and plan.cases.unchanged == 4


def test_load_lang_son_fixture_has_the_units_the_tests_rely_on(lang_son):
    call_command("load_lang_son", stdout=io.StringIO())  # idempotent
    assert AdminUnit.objects.filter(code=HO_SON, structure="legacy").exists()
    assert AdminUnit.objects.filter(code=6385).count() == 2
