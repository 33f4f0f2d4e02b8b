"""A table whose columns are functions of their values alone is exported from values_list(), not
record by record; the file must be the same, byte for byte (clearance/exports.py)."""

import datetime
import io
import zipfile
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst

from clearance import exports
from clearance.exports import XLSX_HECTARES_FORMAT, NumberColumn
from clearance.models import Case, Stage
from clearance.read.case_tables import CaseTable
from clearance.read.cases import cases_for_list
from tests.factories import CaseFactory, CommuneFactory, DistrictFactory, PhaseFactory, ZoneFactory
from zones.models import Zone

KINDS = ["csv", "csv_vi", "xlsx"]
NAMES = ["Hộ bà Hoàng Thị Mai", '=HYPERLINK("http://x")', "+84 912", "-2", "@SUM(A1)", "\tx", "Hộ ông A\x0b\x01", ""]


class ValueCaseTable(CaseTable):
    """The case table with kind and stage made from the value django-tables2 hands a choice column
    (its label) rather than from the record: the same cells, every column a function of its value."""

    def render_kind(self, value):
        return capfirst(value)

    def render_stage(self, value):
        return capfirst(value)


class EveryColumnTable(tables.Table):
    """One column of each kind the values path reads: fields, keys, choices, dates, annotations, functions."""

    key = tables.Column(accessor="pk")
    code = tables.Column()
    name = tables.Column()
    kind = tables.Column()
    stage = tables.Column()
    unit = tables.Column()
    unit_key = tables.Column(accessor="unit_id")
    commune = tables.Column(accessor="unit")
    district = tables.Column(accessor="unit__parent__name")
    zone_kind = tables.Column(accessor="phase__zone__kind")
    approved_on = tables.Column()
    created_at = tables.Column()
    recovered_m2 = NumberColumn(number_format=XLSX_HECTARES_FORMAT)
    paid_vnd = tables.Column(empty_values=(None, 0))
    village = tables.Column(empty_values=())
    is_synthetic = tables.Column()
    doubled = NumberColumn(number_format="#,##0")
    bold = tables.Column(accessor="name")
    described = tables.Column(accessor="code")
    constant = tables.Column(accessor="code")

    def render_stage(self, value):
        return capfirst(value)

    def value_unit(self, value):
        return f"{value.name} ({value.parent.name})" if value.parent_id else value.name

    def render_bold(self, value):
        return format_html("<b>{}</b>", value)

    def value_described(self, value, column, bound_column, table):
        return f"{value}/{bound_column.name}/{type(table).__name__}/{type(column).__name__}"

    def value_constant(self, table):
        return "=formula"


@pytest.fixture
def varied(db):
    """Cases of every kind and stage, in two zones, with Vietnamese, formula-like and empty texts,
    dates or none, areas and amounts or zeros, one under a commune that has no district."""
    district = DistrictFactory(name="Huyện Hữu Lũng")
    communes = [
        CommuneFactory(name="Xã Hồ Sơn", parent=district),
        CommuneFactory(name="Xã Hòa Thắng", parent=district),
        CommuneFactory(name="Phường Tam Thanh", parent=None),
    ]
    phases = [
        PhaseFactory(zone=ZoneFactory(name="KCN VSIP Lạng Sơn", unit=district)),
        PhaseFactory(zone=ZoneFactory(name="CCN Hợp Thành 1", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=district)),
    ]
    kinds, stages = list(Case.Kind), list(Stage)
    for number in range(24):
        case = CaseFactory(
            code=f"V-{number:02d}",
            name=NAMES[number % len(NAMES)],
            kind=kinds[number % len(kinds)],
            stage=stages[number % len(stages)],
            unit=communes[number % len(communes)],
            phase=phases[number % len(phases)],
            village="" if number % 4 == 0 else "Thôn Đồng Bụt",
            is_synthetic=number % 5 == 0,
        )
        Case.objects.filter(pk=case.pk).update(
            recovered_m2=[Decimal("0"), Decimal("1500.50"), Decimal("0.10"), Decimal("57")][number % 4],
            paid_vnd=[0, 291_290_000_000, 1][number % 3],
            approved_on=datetime.date(2025, 3, number % 28 + 1) if number % 3 else None,
        )


def export(table, kind, *, monkeypatch, records=False, params=None):
    """The file's bytes; for an XLSX, {part: bytes} but its creation time."""
    with monkeypatch.context() as patch:
        if records:
            patch.setattr(exports, "_value_columns", lambda *args: None)
        request = RequestFactory().get("/", {**(params or {}), "_export": kind})
        content = b"".join(exports.export_response(request, table, filename="lsip-test").streaming_content)
    if kind != "xlsx":
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def reads_values(table):
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    return exports._value_columns(table, columns) is not None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_case_list_read_as_values_is_the_same_file_as_record_by_record(varied, monkeypatch, kind, language):
    with translation.override(language):
        fast = ValueCaseTable(cases_for_list())
        assert reads_values(fast)
        expected = export(CaseTable(cases_for_list()), kind, monkeypatch=monkeypatch, records=True)
        assert export(fast, kind, monkeypatch=monkeypatch) == expected


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sort", ["", "-paid_vnd", "unit"])
def test_every_kind_of_column_read_as_values_is_the_same_file(varied, monkeypatch, kind, sort):
    def table():
        return EveryColumnTable(cases_for_list().annotate(doubled=F("paid_vnd") * 2))

    assert reads_values(table())
    params = {"sort": sort} if sort else {}
    expected = export(table(), kind, monkeypatch=monkeypatch, records=True, params=params)
    assert export(table(), kind, monkeypatch=monkeypatch, params=params) == expected


def test_the_related_objects_are_fetched_chunk_by_chunk_and_again_past_the_cache(varied, monkeypatch):
    expected = export(ValueCaseTable(cases_for_list()), "csv", monkeypatch=monkeypatch, records=True)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    monkeypatch.setattr(exports, "RELATED_CACHE_SIZE", 2)
    with CaptureQueriesContext(connection) as captured:
        assert export(ValueCaseTable(cases_for_list()), "csv", monkeypatch=monkeypatch) == expected
    # More communes than the cache holds: the rows, a first try at all communes, then those of each of 5 chunks.
    assert len(captured) == 1 + 1 + 5


@pytest.mark.parametrize("cases", [0, 3, 30])
def test_the_values_path_runs_two_queries_whatever_the_number_of_cases(db, monkeypatch, cases):
    phase, unit = PhaseFactory(), CommuneFactory()
    for _ in range(cases):
        CaseFactory(phase=phase, unit=unit)
    with CaptureQueriesContext(connection) as captured:
        content = export(ValueCaseTable(cases_for_list()), "csv", monkeypatch=monkeypatch)
    assert len(captured) == 2  # the rows, and their communes with their districts
    assert content.count(b"\r\n") == 1 + cases


class NeedsTheRecord(tables.Table):
    code = tables.Column()
    stage = tables.Column()

    def render_stage(self, record):
        return record.get_stage_display()


class CatchAll(tables.Table):
    code = tables.Column()

    def value_code(self, **kwargs):
        return kwargs["value"]


class RowFormat(tables.Table):
    recovered_m2 = NumberColumn(number_format=lambda record: "0.00")


@pytest.mark.parametrize(
    "table",
    [
        lambda: NeedsTheRecord(Case.objects.all()),
        lambda: CatchAll(Case.objects.all()),
        lambda: RowFormat(Case.objects.all()),
        lambda: ValueCaseTable(cases_for_list().distinct()),
        lambda: ValueCaseTable(cases_for_list()[:10]),
        lambda: ValueCaseTable(list(cases_for_list())),
        lambda: tables.table_factory(Case)(Case.objects.all()),  # BooleanColumn, DateTimeColumn: need the record
        lambda: type("Reverse", (tables.Table,), {"x": tables.Column(accessor="parcels")})(Case.objects.all()),
        lambda: type("Method", (tables.Table,), {"x": tables.Column(accessor="get_stage_display")})(Case.objects.all()),
    ],
    ids=[
        "record argument",
        "catch-all",
        "format per record",
        "distinct",
        "sliced",
        "list",
        "model columns",
        "reverse relation",
        "method",
    ],
)
def test_what_needs_the_record_is_read_record_by_record(varied, monkeypatch, table):
    assert not reads_values(table())
    # And it still exports.
    assert export(table(), "csv", monkeypatch=monkeypatch).startswith(b"\xef\xbb\xbf")
