"""Confirming an upload validates the rows the upload read, kept with it; history copied in the database;
the cycle collector paused while importing.

The rows kept at upload (clearance.inventory.reading.kept) must be the rows a second reading of
the same bytes gives; confirming must take them only when the stored bytes are those they were
read from, and must read the file again otherwise. The history rows the import copies in the
database must be those simple_history writes: the object's tracked fields, its user, its reason.
"""

import base64
import gc
import json
import math
import zlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import clearance.services.imports as imports_service
from clearance.inventory import check_file, read_table
from clearance.inventory.collector import collector_paused
from clearance.inventory.reading.kept import KeptTableError, keep_table, table_of
from clearance.models import Asset, Case, InventoryImport, LandParcel, LandParcelUse
from clearance.services.imports import (
    BATCH_SIZE,
    KEPT_TABLE,
    ImportPreview,
    ImportRejected,
    import_apply,
    import_file,
    import_preview_summary,
    import_upload,
)
from tests.clearance.test_imports import FILES, asset, counts, csv_bytes, many, parcel, xlsx_bytes
from tests.clearance.test_registry_rollups import assert_rollups_equal_the_registry

READABLE_FILES = [
    "c01_title_rows_merged.xlsx",
    "c03_total_and_signature_rows.xlsx",
    "c04_excel2003.xls",
    "c07c_us_thousands_silent.csv",
    "c08b_utf16_unicode_text.csv",
    "c11_tcvn3_vni_fonts.xlsx",  # cells converted from old fonts, with their notes
    "c12_cccd_numeric.xlsx",
    "c16_formula_injection.csv",
    "hidden_row_3.xls",
    "v_fmt_title_merged_two_row_header.xls",
    "v_table_centre_list.xlsx",
]


def uploaded(user, phase, content, name="a.xlsx"):
    return import_upload(user=user, phase=phase, file_name=name, content=content)


def no_second_reading(*args, **kwargs):
    raise AssertionError("confirming read the file again")


# --- the kept table ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READABLE_FILES)
def test_the_kept_rows_are_the_rows_read(name):
    content = (FILES / name).read_bytes()
    table = read_table(content, check_file(name, content))
    assert table_of(keep_table(table)) == table  # every row, value type, note and sheet reading


def test_a_workbook_with_assets_and_a_csv_keep_every_sheet():
    for content, file_format in (
        (xlsx_bytes(many(6), [asset("HS-0000"), asset("HS-0002", **{"Số lượng": "2,5"})]), "xlsx"),
        (csv_bytes([parcel("HS-1", 1, **{"Tài sản": "cây | Cây vải | 10 | cây"}), parcel("HS-1", 2)]), "csv"),
    ):
        table = read_table(content, file_format)
        kept = table_of(keep_table(table))
        assert kept == table
        assert kept.notes() == table.notes()


def test_a_table_read_otherwise_is_not_taken_back(settings):
    table = read_table(xlsx_bytes(many(4)), "xlsx")
    kept = keep_table(table)
    settings.LSIP_IMPORT_MAX_ROWS = 2  # a reading now would refuse the file
    with pytest.raises(KeptTableError):
        table_of(kept)
    for garbage in ("", "not base64!", "aGVsbG8=", base64.b64encode(zlib.compress(b"[]")).decode()):
        with pytest.raises(KeptTableError):
            table_of(garbage)


def test_a_value_the_kept_text_cannot_hold_exactly_is_refused():
    table = read_table(xlsx_bytes(many(2)), "xlsx")
    table.parcel_rows[1].values["area_m2"] = Decimal("1.5")
    with pytest.raises(KeptTableError):
        keep_table(table)
    table.parcel_rows[1].values["area_m2"] = float("nan")
    with pytest.raises(KeptTableError):
        keep_table(table)


# --- confirming ----------------------------------------------------------------------------------


def test_confirming_validates_the_kept_rows_without_reading_the_file_again(huu_lung, vsip_phase, monkeypatch):
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(6), [asset("HS-0001")]))
    assert record.preview[KEPT_TABLE]["sha256"] == record.sha256
    monkeypatch.setattr(imports_service, "read_table", no_second_reading)
    plan = import_apply(inventory_import=record, user=huu_lung)
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (3, 6, 1)
    assert counts()[:3] == (3, 6, 1)
    record.refresh_from_db()
    assert record.status == InventoryImport.Status.APPLIED
    # Applied, its rows are no longer kept; its summary is.
    assert KEPT_TABLE not in record.preview
    assert ImportPreview.from_json(record.preview).parcels.create == 6


def test_the_summary_of_an_upload_leaves_its_kept_rows_aside(huu_lung, vsip_phase):
    record = InventoryImport.objects.get(pk=uploaded(huu_lung, vsip_phase, xlsx_bytes(many(4))).pk)
    summary = import_preview_summary(inventory_import=record, user=huu_lung)
    assert summary.ok and summary.parcels.create == 4 and not hasattr(summary, KEPT_TABLE)


def test_confirming_reads_the_file_again_when_the_stored_bytes_are_not_those_read(huu_lung, vsip_phase):
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(4)))
    # The stored bytes changed after the upload (a repair, a restore): the kept rows are not theirs.
    InventoryImport.objects.filter(pk=record.pk).update(content=xlsx_bytes(many(6)))
    plan = import_apply(inventory_import=record, user=huu_lung)
    assert plan.parcels.create == 6 and counts()[1] == 6


@pytest.mark.parametrize("preview", [None, "without rows", "another format"])
def test_an_import_without_usable_kept_rows_is_read_again(huu_lung, vsip_phase, preview):
    record = uploaded(huu_lung, vsip_phase, csv_bytes(many(4)), name="a.csv")
    if preview == "without rows":  # stored before rows were kept
        preview = {key: value for key, value in record.preview.items() if key != KEPT_TABLE}
    elif preview == "another format":
        rows = base64.b64encode(zlib.compress(json.dumps({"format": 0}).encode())).decode()
        preview = record.preview | {KEPT_TABLE: {"sha256": record.sha256, "rows": rows}}
    InventoryImport.objects.filter(pk=record.pk).update(preview=preview)
    record.refresh_from_db()
    plan = import_apply(inventory_import=record, user=huu_lung)
    assert plan.parcels.create == 4 and counts()[1] == 4


def test_rows_that_cannot_be_kept_are_read_again_at_confirm(huu_lung, vsip_phase, monkeypatch):
    def cannot_keep(table):
        raise KeptTableError("a cell of type Decimal")

    monkeypatch.setattr(imports_service, "keep_table", cannot_keep)
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(4)))
    assert KEPT_TABLE not in record.preview and record.preview["parcel_rows"] == 4
    plan = import_apply(inventory_import=record, user=huu_lung)
    assert plan.parcels.create == 4


def test_the_command_line_reads_its_file_once(huu_lung, vsip_phase, monkeypatch):
    readings = []

    def counted(*args, **kwargs):
        readings.append(args)
        return read_table(*args, **kwargs)

    monkeypatch.setattr(imports_service, "read_table", counted)
    plan, record = import_file(user=huu_lung, phase=vsip_phase, file_name="a.xlsx", content=xlsx_bytes(many(4)))
    assert len(readings) == 1 and plan.parcels.create == 4
    assert record.status == InventoryImport.Status.APPLIED


def test_a_confirm_takes_a_number_of_queries_bounded_by_its_batches(huu_lung, vsip_phase):
    rows = 2000
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(rows), [asset(f"HS-{i:04d}") for i in range(0, 100, 5)]))
    with CaptureQueriesContext(connection) as queries:
        plan = import_apply(inventory_import=record, user=huu_lung)
    assert (plan.cases.create, plan.parcels.create, plan.assets.create) == (rows // 2, rows, 20)
    inserts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("INSERT")]
    # The checks, the locks and the rollups: a fixed number of queries, whatever the rows.
    assert len(queries) - len(inserts) <= 25
    # Each table's rows in batches as large as the database takes (SQLite binds at most 999 values
    # a query), their history in as many or fewer; two more for the rollups.
    written = ((Case, rows // 2), (LandParcel, rows), (LandParcelUse, rows), (Asset, 20))
    assert len(inserts) <= sum(2 * batches(model, count) for model, count in written) + 2


def batches(model, count):
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    size = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * count) or BATCH_SIZE)
    return math.ceil(count / size)


# --- history -------------------------------------------------------------------------------------


def tracked(model, instance):
    return {field.attname: getattr(instance, field.attname) for field in model.history.model.tracked_fields}


def assert_history_is_each_row_as_stored(model, history_type, user, reason, objects):
    for obj in objects:
        obj.refresh_from_db()
        entry = obj.history.order_by("-history_date", "-history_id").first()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (history_type, user, reason)
        assert tracked(model, entry) == tracked(model, obj), model.__name__


def test_the_history_of_an_import_is_each_row_as_written(huu_lung, vsip_phase):
    content = xlsx_bytes([*many(4), parcel("HS-0009", 9, **{"Loại đất": "ONT 200; CLN 1.034,5"})], [asset("HS-0000")])
    import_apply(inventory_import=uploaded(huu_lung, vsip_phase, content, "một.xlsx"), user=huu_lung)
    for model in (Case, LandParcel, LandParcelUse, Asset):
        objects = list(model.objects.all())
        assert objects and model.history.count() == len(objects)  # one entry each
        assert_history_is_each_row_as_stored(model, "+", huu_lung, "Import một.xlsx", objects)

    rows = many(4)
    rows[0]["Họ tên / tên tổ chức"] = rows[1]["Họ tên / tên tổ chức"] = "Hộ bà Hoàng Thị Hoa"
    rows[1]["Diện tích (m²)"] = "1.500"
    rows[3]["Loại đất"] = "LUC 500; ONT 734,5"
    content = xlsx_bytes(rows, [asset("HS-0000", **{"Số lượng": 12})])
    import_apply(inventory_import=uploaded(huu_lung, vsip_phase, content, "hai.xlsx"), user=huu_lung)
    changed = {
        Case: Case.objects.filter(code="HS-0000"),
        LandParcel: LandParcel.objects.filter(parcel_no__in=[2, 4]),
        LandParcelUse: LandParcelUse.objects.filter(parcel__parcel_no=4, land_use_code="LUC"),
        Asset: Asset.objects.all(),
    }
    for model, objects in changed.items():
        assert_history_is_each_row_as_stored(model, "~", huu_lung, "Import hai.xlsx", objects)
    added = LandParcelUse.objects.get(parcel__parcel_no=4, land_use_code="ONT")
    assert_history_is_each_row_as_stored(LandParcelUse, "+", huu_lung, "Import hai.xlsx", [added])


def test_a_long_file_name_fits_the_history_reason(huu_lung, vsip_phase):
    name = "Danh sách kiểm đếm " + "rất dài " * 30 + ".xlsx"
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(2)), name)
    import_apply(inventory_import=record, user=huu_lung)
    reasons = set(Case.history.values_list("history_change_reason", flat=True))
    assert reasons == {f"Import {record.file_name}"[:100]}


def test_an_upload_then_confirm_keeps_the_rollups_equal_to_the_registry(huu_lung, vsip_phase):
    content = xlsx_bytes(many(10), [asset("HS-0001"), asset("HS-0003", **{"Loại tài sản": "mộ", "Số lượng": 2})])
    import_apply(inventory_import=uploaded(huu_lung, vsip_phase, content), user=huu_lung)
    assert_rollups_equal_the_registry()
    rows = many(10)
    rows[4]["Diện tích thu hồi (m²)"] = "300"
    import_apply(inventory_import=uploaded(huu_lung, vsip_phase, xlsx_bytes(rows)), user=huu_lung)
    assert Case.objects.get(code="HS-0002").recovered_m2 == Decimal("1100")
    assert_rollups_equal_the_registry()


# --- the cycle collector -------------------------------------------------------------------------


def test_the_cycle_collector_is_paused_only_while_importing(huu_lung, vsip_phase, monkeypatch):
    seen = []
    write = imports_service._write

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return write(*args, **kwargs)

    monkeypatch.setattr(imports_service, "_write", watched)
    record = uploaded(huu_lung, vsip_phase, xlsx_bytes(many(2)))
    assert gc.isenabled()
    import_apply(inventory_import=record, user=huu_lung)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ImportRejected):  # applied already: refused inside the pause
        import_apply(inventory_import=record, user=huu_lung)
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_collector_to_the_outer_one():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left so
    finally:
        gc.enable()
