"""An inventory import of N parcel rows (.xlsx) against its reference: the reader alone plus a COPY of the rows.

The file is made by the import template's own writer (clearance.inventory.template.build_xlsx) from
synthetic rows: two parcels a case, new case codes and map sheets, in a commune of a national phase,
imported by a local staff member of that commune. Upload (import_upload: check, read, dry run,
store with the rows read) and confirm (import_apply: validate the rows kept at upload with locks,
write with history) are timed together; the reference is read_table() on the same bytes and a COPY
of the same rows into a temporary table (on SQLite, an executemany INSERT). The caller rolls
everything back.
"""

import csv
import io
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max

from clearance.bench.pages import Timing
from clearance.inventory import read_table
from clearance.inventory.columns import CASE_KIND_LABEL, STRUCTURE_LABEL
from clearance.inventory.template import build_xlsx
from clearance.models import Case, LandParcel
from clearance.services.imports import import_apply, import_upload
from zones.models import StaffProfile

PARCELS_PER_CASE = 2
PARCELS_PER_SHEET = 500
# The reference's temporary table: the parcel sheet's columns, typed as the import reads them.
REFERENCE_TABLE = """CREATE TEMPORARY TABLE lsip_bench_import (
    code varchar(30), kind varchar(20), name varchar(200), id_number varchar(20), address varchar(300),
    village varchar(120), unit_code bigint, unit_structure varchar(20), map_sheet_no integer, parcel_no integer,
    area_m2 numeric(12, 1), recovered_area_m2 numeric(12, 1), land_use_code varchar(60), land_origin varchar(200),
    certificate_no varchar(40))"""
REFERENCE_COLUMNS = (
    "code", "kind", "name", "id_number", "address", "village", "unit_code", "unit_structure", "map_sheet_no",
    "parcel_no", "area_m2", "recovered_area_m2", "land_use_code", "land_origin", "certificate_no",
)  # fmt: skip


@dataclass
class ImportResult:
    rows: int
    bytes: int
    read: Timing
    copy: Timing
    upload: Timing
    confirm: Timing

    @property
    def reference(self):
        return self.read.median + self.copy.median

    @property
    def total(self):
        return self.upload.median + self.confirm.median


def where_to_import():
    """A phase of the national set with cases, and the commune of its first case."""
    case = Case.objects.filter(is_synthetic=True).select_related("phase", "unit").order_by("pk").first()
    if case is None:
        return None, None
    return case.phase, case.unit


def parcel_rows(unit, count, first_sheet):
    structure = STRUCTURE_LABEL[unit.structure]
    rows = []
    for i in range(count):
        code = f"BENCH-{i // PARCELS_PER_CASE:05d}"
        rows.append(
            {
                "code": code,
                "kind": CASE_KIND_LABEL[Case.Kind.HOUSEHOLD],
                "name": f"Hộ ông Nguyễn Văn {code}",
                "id_number": f"020185{i // PARCELS_PER_CASE:06d}",
                "address": f"Thôn Đồng Bụt, {unit.name}",
                "village": "Thôn Đồng Bụt",
                "unit_code": unit.code,
                "unit_structure": structure,
                "map_sheet_no": first_sheet + i // PARCELS_PER_SHEET,
                "parcel_no": i % PARCELS_PER_SHEET + 1,
                "area_m2": Decimal("1234.5"),
                "recovered_area_m2": Decimal("800"),
                "land_use_code": "LUC",
                "land_origin": "Nhà nước giao đất không thu tiền",
                "certificate_no": f"CH {i:05d}",
            }
        )
    return rows


def local_staff(unit):
    user = get_user_model().objects.create(username="lsip-bench-import")
    profile = StaffProfile.objects.create(user=user, role=StaffProfile.Role.LOCAL_STAFF)
    profile.units.set([unit])
    return user


def copy_rows(rows):
    """The reference's write: the same rows into a temporary table, in one COPY (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_TABLE)
        values = [[row[column] for column in REFERENCE_COLUMNS] for row in rows]
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(values)
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY lsip_bench_import ({', '.join(REFERENCE_COLUMNS)}) FROM STDIN WITH (FORMAT csv)", buffer
            )
        else:
            marks = ", ".join(["%s"] * len(REFERENCE_COLUMNS))
            cursor.executemany(f"INSERT INTO lsip_bench_import VALUES ({marks})", values)
        cursor.execute("DROP TABLE lsip_bench_import")


def _timed_in_rollback(function, repeat):
    """`function` once to warm up, then `repeat` times, each in a transaction rolled back."""
    samples = []
    for index in range(repeat + 1):
        with transaction.atomic():
            start = time.perf_counter()
            function()
            took = time.perf_counter() - start
            transaction.set_rollback(True)
        if index:
            samples.append(took)
    return Timing(samples)


def measure_import(rows_count, repeat, log=None):
    """Returns an ImportResult, or None when there is no national case to import beside. Call in a transaction."""
    phase, unit = where_to_import()
    if phase is None:
        return None
    first_sheet = (LandParcel.objects.filter(sheet_unit=unit).aggregate(top=Max("map_sheet_no"))["top"] or 0) + 1
    rows = parcel_rows(unit, rows_count, first_sheet)
    content = build_xlsx(rows)
    user = local_staff(unit)
    if log:
        log(f"import: {rows_count:,} rows, {len(content):,} bytes, into {phase} ({unit.name})")

    read = _timed_in_rollback(lambda: read_table(content, "xlsx"), repeat)
    copy = _timed_in_rollback(lambda: copy_rows(rows), repeat)
    upload_samples, confirm_samples = [], []
    for index in range(repeat + 1):
        with transaction.atomic():
            start = time.perf_counter()
            record = import_upload(user=user, phase=phase, file_name="bench.xlsx", content=content)
            uploaded = time.perf_counter()
            plan = import_apply(inventory_import=record, user=user)
            confirmed = time.perf_counter()
            if plan.parcels.create != rows_count:
                raise RuntimeError(f"the import wrote {plan.parcels.create} parcels, not {rows_count}")
            transaction.set_rollback(True)
        if index:
            upload_samples.append(uploaded - start)
            confirm_samples.append(confirmed - uploaded)
    return ImportResult(rows_count, len(content), read, copy, Timing(upload_samples), Timing(confirm_samples))
