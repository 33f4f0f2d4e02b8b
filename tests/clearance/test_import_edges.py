"""Inventory import at its edges: refusals before reading, odd cells, other areas, uses and assets on re-import.

Every test feeds a real sheet through the real service or command (the helpers of test_imports build
the sheets in memory) and checks what the user sees: the error's sheet, row, column and message, the
preview's counts and sample, and what the database holds afterwards.
"""

import io
import threading
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from clearance.inventory import ImportRefused
from clearance.models import Asset, Case, InventoryImport, LandParcel, LandParcelUse
from clearance.services.imports import ImportRejected, import_apply, import_file, import_preview, import_upload
from tests.clearance.test_imports import (
    CAO_LOC_DONG_DANG,
    CSV_HEADERS,
    HO_SON,
    asset,
    counts,
    csv_bytes,
    dry_run,
    error_codes,
    local_staff,
    many,
    parcel,
    read_and_validate,
    xlsx_bytes,
)
from tests.factories import AssetFactory, CaseFactory, LandParcelFactory, StaffProfileFactory, UserFactory
from zones.models import AdminUnit, StaffProfile


@pytest.fixture
def officer(lang_son):
    """A provincial officer: reads the whole province, imports nothing."""
    account = UserFactory(username="thanhtra")
    StaffProfileFactory(user=account, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    return account


@pytest.fixture
def cao_loc(lang_son):
    return local_staff("caoloc", 183)


def assert_refused_writing_nothing(user, phase, file_name, content):
    """Imported for real (not a dry run), the file is refused and no row of any table changes."""
    before = counts()
    with pytest.raises(ImportRejected):
        import_file(user=user, phase=phase, file_name=file_name, content=content)
    assert counts() == before


def ho_son():
    return AdminUnit.objects.get(code=HO_SON, structure=AdminUnit.Structure.LEGACY)


def dong_dang():
    return AdminUnit.objects.get(code=CAO_LOC_DONG_DANG, structure=AdminUnit.Structure.LEGACY)


def csv_dry_run(user, phase, rows):
    return read_and_validate(user, phase, csv_bytes(rows, headers=CSV_HEADERS, delimiter=";"), "csv")


def errors(plan):
    """(sheet, row, column, value, code) of each error, in the order the preview lists them."""
    return [(e.sheet, e.row, e.column, e.value, e.code) for e in plan.errors]


def stored_uses(parcel_obj):
    return dict(LandParcelUse.objects.filter(parcel=parcel_obj).values_list("land_use_code", "area_m2"))


# --- who may import into which phase -------------------------------------------------------------


def test_an_account_that_may_not_import_is_refused_and_nothing_is_stored(officer, vsip_phase):
    before = counts()
    with translation.override("en"):
        with pytest.raises(PermissionDenied, match="Your account may not import inventory lists"):
            import_upload(user=officer, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes([parcel()]))
        with pytest.raises(PermissionDenied, match="Your account may not import inventory lists"):
            import_file(user=officer, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes([parcel()]))
    assert counts() == before


def test_a_phase_outside_the_staff_area_is_refused_before_the_file_is_read(cao_loc, vsip_phase):
    before = counts()
    with translation.override("en"):
        with pytest.raises(ImportRefused) as refusal:
            import_file(user=cao_loc, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes([parcel()]))
        with pytest.raises(ImportRefused) as upload_refusal:
            import_upload(user=cao_loc, phase=vsip_phase, file_name="a.xlsx", content=b"not even a spreadsheet")
    assert refusal.value.code == upload_refusal.value.code == "phase_out_of_scope"
    assert str(refusal.value) == "This phase is outside your area."
    assert counts() == before


def test_the_command_refuses_an_account_that_may_not_import(tmp_path, officer, vsip_phase):
    path = tmp_path / "kiem-dem.xlsx"
    path.write_bytes(xlsx_bytes(many(2)))
    before = counts()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command(
            "import_inventory",
            str(path),
            phase=vsip_phase.pk,
            user="thanhtra",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert str(error.value) == "Your account may not import inventory lists."
    assert error.value.returncode == 1
    assert counts() == before


# --- applying ------------------------------------------------------------------------------------


def test_applying_a_file_twice_says_when_it_was_applied(huu_lung, vsip_phase):
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(many(2)))
    import_apply(inventory_import=record, user=huu_lung)
    record.refresh_from_db()
    before = counts()
    with translation.override("en"), pytest.raises(ImportRejected) as rejection:
        import_apply(inventory_import=record, user=huu_lung)
    when = timezone.localtime(record.applied_at).strftime("%d/%m/%Y %H:%M")
    assert str(rejection.value) == f"This file was already applied on {when}; upload it again to re-import it."
    assert rejection.value.plan is None
    assert counts() == before


def test_a_rejected_file_says_how_many_errors_it_has(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1, **{"Số tờ": "0"}), parcel("HS-2", 2, **{"Loại đất": "XYZ"})]
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(rows))
    with translation.override("en"), pytest.raises(ImportRejected) as rejection:
        import_apply(inventory_import=record, user=huu_lung)
    assert str(rejection.value) == (
        "The file has 2 errors; nothing was written. Correct them and upload the file again."
    )
    assert [(e.row, e.column) for e in rejection.value.plan.errors] == [(2, "Số tờ"), (3, "Loại đất")]
    assert counts()[:3] == (0, 0, 0)


def test_a_row_limit_lowered_after_the_preview_refuses_the_apply_and_writes_nothing(huu_lung, vsip_phase, settings):
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(many(4)))
    assert import_preview(inventory_import=record, user=huu_lung).parcels.create == 4
    settings.LSIP_IMPORT_MAX_ROWS = 2
    before = counts()
    with translation.override("en"), pytest.raises(ImportRejected) as rejection:
        import_apply(inventory_import=record, user=huu_lung)
    assert str(rejection.value) == "Sheet “Thửa đất” has more than 2 rows. Split the list into several files."
    assert rejection.value.plan is None
    assert counts() == before
    record.refresh_from_db()
    assert record.status == InventoryImport.Status.PREVIEWED


def test_a_dry_run_with_errors_is_rejected_with_its_errors_and_stores_nothing(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-2", 2, **{"Mã xã": CAO_LOC_DONG_DANG})]
    before = counts()
    with translation.override("en"), pytest.raises(ImportRejected) as rejection:
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(rows), dry_run=True)
    assert str(rejection.value) == "The file has errors."
    assert error_codes(rejection.value.plan) == [(3, "Mã xã", "out_of_scope")]
    assert counts() == before


# --- land uses on re-import ----------------------------------------------------------------------


def test_re_import_keeps_an_unchanged_use_adds_a_new_one_and_removes_the_dropped_one(huu_lung, vsip_phase):
    area = {"Diện tích (m²)": "450", "Diện tích thu hồi (m²)": "450"}
    import_file(
        user=huu_lung, phase=vsip_phase, file_name="a.xlsx",
        content=xlsx_bytes([parcel("HS-1", 1, **area, **{"Loại đất": "ONT 200; CLN 250"})]),
    )  # fmt: skip
    stored = LandParcel.objects.get(case__code="HS-1")
    ont = LandParcelUse.objects.get(parcel=stored, land_use_code="ONT")
    assert stored_uses(stored) == {"ONT": Decimal("200"), "CLN": Decimal("250")}

    content = xlsx_bytes([parcel("HS-1", 1, **area, **{"Loại đất": "ONT 200; LUC 250"})])
    with translation.override("en"):
        preview = read_and_validate(huu_lung, vsip_phase, content, "xlsx")
    assert (preview.parcels.update, preview.parcels.create) == (1, 0)
    assert [(s.action, s.changes, s.land_use_code) for s in preview.sample] == [
        ("update", ["land use"], "ONT 200; LUC 250")
    ]
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="b.xlsx", content=content)

    assert (plan.parcels.update, record.rows_updated) == (1, 1)
    assert stored_uses(stored) == {"ONT": Decimal("200"), "LUC": Decimal("250")}
    assert LandParcelUse.objects.get(parcel=stored, land_use_code="ONT").pk == ont.pk  # kept, not re-created
    removed = LandParcelUse.history.filter(land_use_code="CLN", history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (huu_lung, "Import b.xlsx")
    assert not LandParcelUse.history.filter(land_use_code="ONT", history_type="~").exists()


# --- cells of the parcel sheet -------------------------------------------------------------------


def test_a_row_without_a_case_code_is_named_and_nothing_is_written(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel(None, 2, **{"Họ tên / tên tổ chức": "Hộ bà Lê Thị Lạc"})]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
        shown = str(plan.errors[0])
    assert errors(plan) == [("Thửa đất", 3, "Mã hồ sơ", "", "required")]
    assert shown == "Thửa đất row 3, column “Mã hồ sơ”: Required: this cell must be filled in."
    assert [case.code for case in plan.new_cases] == ["HS-1"]  # the row without a code makes no case
    before = counts()
    with pytest.raises(ImportRejected):
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(rows))
    assert counts() == before


def test_a_case_code_too_long_is_one_error_on_its_cell(huu_lung, vsip_phase):
    code = "HS-" + "9" * 30
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1), parcel(code, 2)])
    assert errors(plan) == [("Thửa đất", 3, "Mã hồ sơ", code, "too_long")]
    assert plan.errors[0].message == "Too long: 33 characters, at most 30."
    assert plan.cases.create == 1


def test_a_cell_longer_than_any_inventory_cell_is_refused_and_shown_cut_short(huu_lung, vsip_phase):
    address = "Thôn Đồng Bụt " * 150  # 2,100 characters
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **{"Địa chỉ": address})])
    assert errors(plan) == [("Thửa đất", 2, "Địa chỉ", address.strip()[:80], "too_long")]
    assert plan.errors[0].message == "Too long for a cell of an inventory list."
    assert plan.cases.create == 0 and plan.parcels.create == 0


def test_an_unreadable_commune_code_is_one_error_not_also_a_missing_one(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1, **{"Mã xã": "Hồ Sơn"}), parcel("HS-1", 2, **{"Mã xã": ""})]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("Thửa đất", 2, "Mã xã", "Hồ Sơn", "not_whole")]
    assert plan.errors[0].message == "Not a whole number: “Hồ Sơn”."
    assert plan.cases.create == plan.parcels.create == 0


def test_a_commune_code_missing_on_every_row_of_a_case_is_required_once(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1, **{"Mã xã": ""}), parcel("HS-1", 2, **{"Mã xã": None})]
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("Thửa đất", 2, "Mã xã", "", "required")]
    assert plan.parcels.create == 0


def test_a_commune_code_unknown_in_the_chosen_structure_names_that_structure(huu_lung, vsip_phase):
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **{"Mã xã": HO_SON, "Cấp xã theo": "từ 2025"})])
    assert errors(plan) == [("Thửa đất", 2, "Mã xã", str(HO_SON), "unknown_commune")]
    assert plan.errors[0].message == f"No commune or ward từ 2025 has the code {HO_SON}."


def test_rows_of_one_case_that_disagree_on_the_structure_show_both_words(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-1", 2, **{"Cấp xã theo": "từ 2025"})]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("Thửa đất", 3, "Cấp xã theo", "từ 2025", "case_conflict")]
    assert plan.errors[0].message == (
        "Case HS-1 has a different value on row 2 (“trước 2025”): a case's cells must agree."
    )
    assert plan.cases.create == plan.parcels.create == 0


def test_rows_of_one_case_that_disagree_on_the_kind_name_the_first_rows_word(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-1", 2, **{"Loại đối tượng": "cá nhân"})]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
    assert error_codes(plan) == [(3, "Loại đối tượng", "case_conflict")]
    assert plan.errors[0].message == (
        "Case HS-1 has a different value on row 2 (“hộ gia đình”): a case's cells must agree."
    )
    assert plan.cases.create == plan.parcels.create == 0


def test_a_conflicting_kind_is_shown_as_the_file_writes_it(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-1", 2, **{"Loại đối tượng": "cá nhân"})]
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert [e.value for e in plan.errors] == ["cá nhân"]


@pytest.mark.parametrize("recovered", ["0", "-5", "0,0"])
def test_a_recovered_area_of_zero_or_less_is_refused_on_its_cell(huu_lung, vsip_phase, recovered):
    with translation.override("en"):
        plan = dry_run(
            huu_lung, vsip_phase, [parcel("HS-1", 1), parcel("HS-1", 2, **{"Diện tích thu hồi (m²)": recovered})]
        )
    assert error_codes(plan) == [(3, "Diện tích thu hồi (m²)", "not_positive")]
    assert plan.errors[0].message == "The recovered area must be greater than zero."
    assert_refused_writing_nothing(
        huu_lung,
        vsip_phase,
        "a.xlsx",
        xlsx_bytes([parcel("HS-1", 1), parcel("HS-1", 2, **{"Diện tích thu hồi (m²)": recovered})]),
    )


@pytest.mark.parametrize(
    ("values", "column", "value", "code"),
    [
        ({"Mã xã của tờ bản đồ": "sáu bốn"}, "Mã xã của tờ bản đồ", "sáu bốn", "not_whole"),
        ({"Mã xã của tờ bản đồ": HO_SON, "Cấp xã của tờ bản đồ theo": "năm 2030"}, "Cấp xã của tờ bản đồ theo",
         "năm 2030", "unknown_word"),
    ],
)  # fmt: skip
def test_an_unreadable_map_sheet_commune_is_one_error_on_its_cell(huu_lung, vsip_phase, values, column, value, code):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1, **values)])
    assert errors(plan) == [("Thửa đất", 2, column, value, code)]
    assert plan.parcels.create == 0


def test_an_id_number_that_lost_its_zero_is_refused_on_its_row(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-2", 2, **{"Số CCCD": "20185001234"})]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("Thửa đất", 3, "Số CCCD", "20185001234", "lost_leading_zero")]
    assert "020185001234" in plan.errors[0].message
    assert [case.code for case in plan.new_cases] == ["HS-1"]


def test_a_parcel_of_a_case_outside_the_area_is_refused_without_naming_that_case(huu_lung, vsip_phase):
    # Cao Lộc recorded a case whose parcel lies on a map sheet of Hồ Sơn, in Hữu Lũng.
    other = CaseFactory(phase=vsip_phase, code="CL-BI-MAT", unit=dong_dang())
    LandParcelFactory(case=other, sheet_unit=ho_son(), map_sheet_no=12, parcel_no=1)
    rows = [parcel("HS-1", 1)]
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("Thửa đất", 2, "Số thửa", "1", "parcel_taken")]
    assert plan.errors[0].message == "This parcel is already recorded for another case, outside your area."
    assert "CL-BI-MAT" not in str(plan.errors[0])
    before = counts()
    with pytest.raises(ImportRejected):
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(rows))
    assert counts() == before
    assert LandParcel.objects.get(sheet_unit=ho_son(), map_sheet_no=12, parcel_no=1).case == other


# --- assets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column"),
    [({"Số lượng": None}, "Số lượng"), ({"Loại tài sản": None}, "Loại tài sản"), ({"Mã hồ sơ": None}, "Mã hồ sơ")],
)
def test_an_asset_row_missing_a_required_cell_is_named(huu_lung, vsip_phase, values, column):
    with translation.override("en"):
        plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1)], [asset("HS-1", **{"Mô tả": "Nhà cấp 4"}),
                                                                    asset("HS-1", **values)])  # fmt: skip
    assert [(e.sheet, e.row, e.column, e.code) for e in plan.errors] == [("Tài sản", 3, column, "required")]
    assert plan.errors[0].message == "Required: this cell must be filled in."
    assert plan.assets.create == 1


def test_a_sheet_of_assets_alone_adds_to_a_case_already_recorded(huu_lung, vsip_phase):
    case = CaseFactory(phase=vsip_phase, code="HS-CU", unit=ho_son())
    AssetFactory(case=case, description="Cây vải", quantity=Decimal("4"))
    content = xlsx_bytes([], [asset("HS-CU", **{"Số lượng": 6}), asset("HS-CU", **{"Loại tài sản": "mộ",
                                                                                  "Mô tả": "Mộ đất", "Số lượng": 1,
                                                                                  "Đơn vị tính": "ngôi"})])  # fmt: skip
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="tai-san.xlsx", content=content)
    assert (plan.cases.create, plan.parcels.create, plan.assets.create, plan.assets.update) == (0, 0, 1, 1)
    assert (record.rows_total, record.rows_created, record.rows_updated) == (2, 1, 1)
    assert dict(Asset.objects.filter(case=case).values_list("description", "quantity")) == {
        "Cây vải": Decimal("6"),
        "Mộ đất": Decimal("1"),
    }


def test_assets_for_a_case_of_another_area_are_refused_and_its_assets_untouched(huu_lung, vsip_phase):
    other = CaseFactory(phase=vsip_phase, code="CL-1", unit=dong_dang())
    AssetFactory(case=other, description="Cây vải", quantity=Decimal("4"))
    content = xlsx_bytes([parcel("HS-1", 1)], [asset("HS-1"), asset("CL-1", **{"Số lượng": 40})])
    with translation.override("en"):
        plan = read_and_validate(huu_lung, vsip_phase, content, "xlsx")
    assert errors(plan) == [("Tài sản", 3, "Mã hồ sơ", "CL-1", "case_out_of_scope")]
    assert plan.errors[0].message == "Case CL-1 of this phase belongs to a commune outside your area."
    before = counts()
    with pytest.raises(ImportRejected):
        import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=content)
    assert counts() == before
    assert Asset.objects.get(case=other).quantity == Decimal("4")


def test_assets_of_a_case_with_errors_add_no_error_of_their_own(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1), parcel("HS-2", 2, **{"Mã xã": CAO_LOC_DONG_DANG})]
    plan = dry_run(huu_lung, vsip_phase, rows, [asset("HS-1"), asset("HS-2"), asset("HS-2")])
    # The case's own error is the one to fix; its asset rows (even a repeated one) wait for it.
    assert errors(plan) == [("Thửa đất", 3, "Mã xã", str(CAO_LOC_DONG_DANG), "out_of_scope")]
    assert plan.assets.create == 1 and [code for _asset, code in plan.new_assets] == ["HS-1"]


@pytest.mark.parametrize(
    ("cell", "shown", "code", "message"),
    [
        ("cây | Cây vải | 10 | cây; mộ | Mộ đất | 1", "mộ | Mộ đất | 1", "asset_syntax",
         "Asset 2: write “kind | description | quantity | unit”, four parts separated by “|”."),
        ("cây | Cây vải | 0 | cây", "cây | Cây vải | 0 | cây", "not_positive",
         "Asset 1: the quantity must be greater than zero."),
        # An empty item between two ";" is skipped and not counted.
        ("cây | Cây vải | 10 | cây;; mộ | Mộ đất | -1 | ngôi", "mộ | Mộ đất | -1 | ngôi", "not_positive",
         "Asset 2: the quantity must be greater than zero."),
    ],
)  # fmt: skip
def test_a_bad_asset_in_a_csv_cell_is_named_by_its_place(huu_lung, vsip_phase, cell, shown, code, message):
    rows = [parcel("HS-1", 1), parcel("HS-2", 2, **{"Tài sản": cell})]
    with translation.override("en"):
        plan = csv_dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [("CSV", 3, "Tài sản", shown, code)]
    assert plan.errors[0].message == message
    assert_refused_writing_nothing(huu_lung, vsip_phase, "a.csv", csv_bytes(rows, headers=CSV_HEADERS, delimiter=";"))


# --- a concurrent writer (PostgreSQL only) -------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: no other transaction can hold a parcel while an import writes it",
)


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid, seconds=20):
    """True once the database session `pid` (the import's) waits on a lock: its INSERT of the same parcel."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() == ("Lock",):
                return True
            time.sleep(0.05)
    return False


@contextmanager
def parcel_recorded_meanwhile(phase, *, new_case=False):
    """Another user records parcel 12/1 of Hồ Sơn, committing only once the import waits on that parcel:
    after the import has checked the file, while it writes. The parcel goes to case KHAC-1, recorded
    before the import began, or (new_case) recorded in the same transaction as the parcel."""
    recorded, outcome, importer = threading.Event(), {}, backend_pid()
    earlier = None if new_case else CaseFactory(phase=phase, code="KHAC-1", unit=ho_son())

    def other_user():
        try:
            with transaction.atomic():
                case = earlier or CaseFactory(phase=phase, code="KHAC-1", unit=ho_son())
                LandParcelFactory(case=case, map_sheet_no=12, parcel_no=1)
                recorded.set()
                outcome["import_waited"] = wait_until_blocked(importer)
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome["error"] = error
        finally:
            recorded.set()
            connection.close()

    thread = threading.Thread(target=other_user)
    thread.start()
    try:
        assert recorded.wait(20) and "error" not in outcome, outcome
        yield
    finally:
        thread.join(timeout=30)
    assert not thread.is_alive(), "the other user is stuck"
    assert outcome.get("import_waited") and "error" not in outcome, outcome


def only_the_other_users_parcel():
    return list(LandParcel.objects.values_list("case__code", "parcel_no")) == [("KHAC-1", 1)]


SOMEONE_CHANGED = (
    "Someone changed these cases or parcels while the file was being applied; nothing was written. Try again."
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_parcel_recorded_by_someone_else_while_applying_rejects_the_whole_file(huu_lung, vsip_phase):
    content = xlsx_bytes([parcel("HS-1", 2), parcel("HS-1", 1)], [asset("HS-1")])
    record = import_upload(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=content)
    assert import_preview(inventory_import=record, user=huu_lung).ok
    with translation.override("en"), parcel_recorded_meanwhile(vsip_phase):
        with pytest.raises(ImportRejected) as rejection:
            import_apply(inventory_import=record, user=huu_lung)
        message = str(rejection.value)
    assert message == SOMEONE_CHANGED
    assert rejection.value.plan is None
    assert not Case.objects.filter(code="HS-1").exists() and not Asset.objects.exists()
    assert only_the_other_users_parcel()
    record.refresh_from_db()
    assert record.status == InventoryImport.Status.PREVIEWED
    # Trying again, as the message says, now names the parcel's case.
    with translation.override("en"), pytest.raises(ImportRejected) as again:
        import_apply(inventory_import=record, user=huu_lung)
    assert [(e.row, e.column, e.code) for e in again.value.plan.errors] == [(3, "Số thửa", "parcel_taken")]
    assert "KHAC-1" in again.value.plan.errors[0].message


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_when_someone_records_a_parcel_while_it_writes(tmp_path, huu_lung, vsip_phase):
    path = tmp_path / "kiem-dem.xlsx"
    path.write_bytes(xlsx_bytes([parcel("HS-1", 2), parcel("HS-1", 1)]))
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"), parcel_recorded_meanwhile(vsip_phase):
        with pytest.raises(CommandError) as error:
            call_command("import_inventory", str(path), phase=vsip_phase.pk, user="huulung", stdout=out, stderr=err)
    assert error.value.returncode == 1
    assert str(error.value) == "kiem-dem.xlsx: 1 error(s); nothing was written."
    assert out.getvalue() == ""
    assert not Case.objects.filter(code="HS-1").exists() and InventoryImport.objects.count() == 0
    assert only_the_other_users_parcel()
    assert "Someone changed these cases or parcels" in err.getvalue()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_case_and_parcel_created_while_applying_reject_the_file_with_the_same_message(huu_lung, vsip_phase):
    content = xlsx_bytes([parcel("HS-1", 2), parcel("HS-1", 1)])
    with translation.override("en"), parcel_recorded_meanwhile(vsip_phase, new_case=True):
        with pytest.raises(ImportRejected) as rejection:
            import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=content)
        message = str(rejection.value)
    assert message == SOMEONE_CHANGED
    assert not Case.objects.filter(code="HS-1").exists() and InventoryImport.objects.count() == 0
