"""Any django-tables2 table as an XLSX or CSV download: every row of its data, typed, safe to open.

Two CSVs: the standard one (",", decimal point, ISO dates) for other programs, and one for Excel
set to Vietnamese (";", decimal comma, dd/mm/yyyy), which reads the standard one wrongly.

A view builds its table from the filtered, scoped queryset (joined and annotated there) and asks
`export_response` first; None means the request wants the page, not a file. Cell values come from
django-tables2's export path (`value_<column>`, else `render_<column>`), so no HTML reaches a
cell; columns with `exclude_from_export` are left out and invisible ones are included.

A table whose every exported column is a function of its accessor's value alone (no `record` among
the arguments of its value_/render_ method) is read with values_list(): the case list's CSV of
50,000 cases in ~1 s instead of ~50 s, the same bytes (tests/clearance/test_exports_values.py).
"""

import codecs
import csv
import datetime
import functools
import io
import operator
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext as _
from django_tables2 import A, ManyToManyColumn, RequestConfig
from django_tables2.rows import BoundRow
from django_tables2.utils import signature
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

EXPORT_PARAMETER = "_export"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows read from the database at a time: a large list never sits in memory whole.
CHUNK_SIZE = 2000
# Rows of a CSV sent at a time (~100 KB): one piece per row would cost more than the row.
CSV_ROWS_PER_CHUNK = 500
# OWASP "CSV injection": spreadsheet apps read a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Hectares as zones.units rounds them: two decimals, shown even when they are zeros (0,10 ha, 57,00 ha).
XLSX_HECTARES_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV writes what is not text. Numbers never have a thousands separator: "1.234" would read two ways."""

    extension_suffix: str
    delimiter: str
    decimal_mark: str
    date_format: str
    datetime_format: str


# For scripts and other programs; Vietnamese Excel would read its "1500.5" as text or as a date.
CSV_STANDARD = CsvDialect("", ",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M")
# For Excel set to Vietnamese (its list separator is ";" because "," is its decimal mark).
CSV_VIETNAMESE = CsvDialect("-excel-vi", ";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M")
CSV_DIALECTS = {"csv": CSV_STANDARD, "csv_vi": CSV_VIETNAMESE}
EXPORT_KINDS = ("xlsx", *CSV_DIALECTS)


class NumberColumn(tables.Column):
    """A column of figures whose XLSX cells get `number_format` (the CSV has the bare number).

    `number_format` is a format string, or a function of the row's record for a column whose unit
    changes from row to row (reported beside registered: cases, hectares, VND).
    """

    def __init__(self, *args, number_format=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_format = number_format

    def number_format_for(self, record):
        return self.number_format(record) if callable(self.number_format) else self.number_format


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made plain text with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_number(value, decimal_mark="."):
    """A number as a CSV writes it: no thousands separator, no exponent, decimals only when there are some.

    1234.5 → "1234.5" (or "1234,5"), 57.00 → "57": never "1234,500" nor "1.234", which an import
    could not tell from one thousand two hundred and thirty-four.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    number = number.normalize()
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f").replace(".", decimal_mark)


def export_response(request, table, *, filename):
    """The table as a download when the request asks for one (`?_export=xlsx|csv|csv_vi`), else None.

    `filename` is the name without date or extension ("lsip-cases"); today's date is added.
    """
    if EXPORT_PARAMETER not in request.GET:
        return None
    kind = request.GET[EXPORT_PARAMETER]
    if kind not in EXPORT_KINDS:
        return HttpResponse(
            _("This list can be downloaded as XLSX or CSV only."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # The ordering the user chose on the page (?sort=); no pagination: the file holds every row.
    RequestConfig(request, paginate=False).configure(table)
    today = timezone.localdate().isoformat()
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    header = [neutralise(force_str(column.header)) for column in columns]
    rows = _rows(table, columns)
    if kind in CSV_DIALECTS:
        dialect = CSV_DIALECTS[kind]
        return _csv_response(header, rows, f"{filename}-{today}{dialect.extension_suffix}.csv", dialect)
    return _xlsx_response(header, rows, f"{filename}-{today}.xlsx")


def _rows(table, columns):
    """Each record as ([value], [XLSX number format or None]), one of each per column.

    Read as plain values when every column allows it (see `_value_columns`), else record by record.
    """
    value_columns = _value_columns(table, columns)
    if value_columns is not None:
        return _rows_from_values(table.data.data, value_columns)
    return _rows_from_records(table, columns)


def _rows_from_records(table, columns):
    data = table.data.data
    records = data.iterator(chunk_size=CHUNK_SIZE) if isinstance(data, QuerySet) else iter(data)
    for record in records:
        row = BoundRow(record, table=table)
        yield (
            [neutralise(force_str(row.get_cell_value(column.name), strings_only=True)) for column in columns],
            [
                column.column.number_format_for(record) if isinstance(column.column, NumberColumn) else None
                for column in columns
            ],
        )


# --- the rows as plain values ---------------------------------------------------------------------
#
# A model instance and a django-tables2 BoundRow per record made the case list's CSV take ~90 times
# a PostgreSQL COPY of the same rows (50,000 cases). A column whose cell depends only on the value
# its accessor reaches (a field, a field across foreign keys, an annotation) is read with one
# values_list() query instead, its cell made by the function django-tables2 would call, looked up once.

# What django-tables2 may pass a value_/render_ function that is the same for every row of a column;
# a function that also asks for `record` or `bound_row` needs the record: the table is read record by record.
PER_COLUMN_ARGUMENTS = frozenset({"value", "column", "bound_column", "table"})
NEVER_EMPTY_TYPES = frozenset({int, float, Decimal, bool, datetime.date, datetime.datetime})
# What force_str(strings_only=True) gives back as it is (some of it: the types met most).
KEPT_TYPES = NEVER_EMPTY_TYPES | {type(None), datetime.time}
# Most related objects (the communes of the cases) held at once; past this many, fetched chunk by chunk.
RELATED_CACHE_SIZE = 20_000


@dataclass
class ValueColumn:
    """How one column's cell is made from what values_list() reads at `path`.

    `cell` takes the value read (for a foreign key, the instance it points to) to the finished cell,
    as the record path would make it. `related` is the model a foreign key at `path` points to, its
    instances fetched in bulk by `related_key` and joined as the list's queryset joins them. The cell
    of a foreign key, a choice or a boolean is made once per value: the function is one of the value.
    """

    path: str
    cell: Callable
    number_format: str | None
    related: type | None = None
    related_key: str = "pk"
    related_joins: tuple = ()
    few_values: bool = False  # a choice or a boolean: each cell is made once per value


def _value_columns(table, columns):
    """[ValueColumn] when every column's cell is a function of its accessor's value alone, else None."""
    queryset = table.data.data
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    # DISTINCT over fewer columns would merge rows; grouped, combined, sliced or values() querysets keep the records.
    if (
        query.distinct
        or query.is_sliced
        or query.combinator
        or query.group_by is not None
        or queryset._iterable_class is not ModelIterable
    ):
        return None
    value_columns = [_value_column(queryset, table, column) for column in columns]
    return None if any(column is None for column in value_columns) else value_columns


def _value_column(queryset, table, bound_column):
    column = bound_column.column
    number_format = column.number_format if isinstance(column, NumberColumn) else None
    if isinstance(column, ManyToManyColumn) or callable(number_format):
        return None
    function = _value_function(table, bound_column)
    resolved = _database_path(queryset, bound_column.accessor)
    if function is None or resolved is None:
        return None
    labels, model_field = resolved
    value_column = ValueColumn(bound_column.accessor, _cell_maker(labels, column.empty_values, function), number_format)
    if model_field is not None and model_field.is_relation:
        value_column.related = model_field.related_model
        value_column.related_key = model_field.remote_field.field_name
        value_column.related_joins = _joins_below(queryset.query.select_related, bound_column.accessor)
    else:
        value_column.few_values = labels is not None or isinstance(model_field, BooleanField)
    return value_column


def _value_function(table, bound_column):
    """The column's export function as one of the value alone, called as f(value=…); None if it is not.

    django-tables2 calls `bound_column.value` (value_<name>, else render_<name>, else the column's
    `value`) with only the arguments it names; the default Column.value calls the column's `render`
    the same way, so that is the function looked at then.
    """
    column = bound_column.column
    function = bound_column.value
    if getattr(function, "__func__", None) is tables.Column.value:
        if type(column).render is tables.Column.render:
            return _same
        function = column.render
    arguments, catch_all = signature(function)
    if catch_all is not None or not PER_COLUMN_ARGUMENTS.issuperset(arguments):
        return None
    given = {"column": column, "bound_column": bound_column, "table": table}
    fixed = {name: given[name] for name in arguments if name != "value"}
    if "value" not in arguments:
        return lambda value: function(**fixed)
    return functools.partial(function, **fixed)


def _same(value):
    return value


def _database_path(queryset, accessor):
    """({choice: label} or None, model field or None) for an accessor values_list() reads as the record has it.

    That is a concrete field of the queryset's model or of one its foreign keys lead to, or an
    annotation; None for anything else (a property, a method, a reverse or many-to-many relation).
    """
    bits = A(accessor).bits
    if len(bits) == 1 and bits[0] in queryset.query.annotations:
        return None, None
    model, through_relation = queryset.model, False
    for index, bit in enumerate(bits):
        last = index == len(bits) - 1
        if bit == "pk":
            # record.pk is the key's value; django-tables2 finds no field by that name, so no label.
            return (None, None) if last else None
        try:
            model_field = model._meta.get_field(bit)
        except FieldDoesNotExist:
            return None
        if not model_field.concrete or model_field.many_to_many or not (last or model_field.is_relation):
            return None
        if bit != model_field.name:  # "unit_id": the key's value, as it is
            return (None, None) if last and not model_field.choices else None
        if model_field.is_relation:
            if model_field.choices:
                return None
            if last:
                return None, model_field  # the instance it points to is the value
            model, through_relation = model_field.related_model, True
    labels = _choice_labels(model_field)
    # Behind an empty foreign key django-tables2 gives None, not a label, and the value read (None)
    # cannot tell that from a field holding None: only a choice list without None is safe there.
    if labels is not None and through_relation and None in labels:
        return None
    return labels, model_field


def _choice_labels(model_field):
    """{stored value: label} as get_FOO_display() gives it, in the active language; None without choices."""
    if not model_field.choices:
        return None
    choices = dict(make_hashable(model_field.flatchoices))
    return {key: force_str(label, strings_only=True) for key, label in choices.items()}


def _joins_below(select_related, path):
    """What the list's queryset joins beyond the foreign key at `path`: "unit" → ("parent",)."""
    node = select_related
    for bit in path.split(LOOKUP_SEP):
        node = node.get(bit) if isinstance(node, dict) else None
    joins = []

    def walk(tree, prefix):
        for name, below in tree.items():
            joins.append(prefix + name)
            walk(below, prefix + name + LOOKUP_SEP)

    if isinstance(node, dict):
        walk(node, "")
    return tuple(joins)


def _cell_maker(labels, empty_values, function):
    """value read → cell, in django-tables2's order: a choice's label, empty → None, the column's
    function; then finished as the record path finishes a cell (force_str, neutralise)."""
    if function is _same:
        function = None
    # A number or a date never equals None or a text, so with such empty values (the default: None
    # and "") it need not be compared with them, which for a Decimal costs more than the rest.
    never_empty = NEVER_EMPTY_TYPES if all(v is None or isinstance(v, str) for v in empty_values) else ()

    def cell(value):
        if labels is not None:
            value = force_str(labels.get(make_hashable(value), value), strings_only=True)
        if type(value) not in never_empty and value in empty_values:
            return None
        if function is not None:
            value = function(value=value)
        if not isinstance(value, str):
            if type(value) in KEPT_TYPES:
                return value
            value = force_str(value, strings_only=True)
            if not isinstance(value, str):
                return value
        return "'" + value if value.startswith(FORMULA_STARTS) else value

    return cell


def _rows_from_values(queryset, value_columns):
    makers = []  # per column, value read → cell
    related = []
    for index, column in enumerate(value_columns):
        if column.related is not None:
            cells = _RelatedCells(column, index, queryset)
            related.append(cells)
        else:
            cells = _Cells(column.cell) if column.few_values else None
        makers.append(column.cell if cells is None else cells.__getitem__)
    number_formats = [column.number_format for column in value_columns]
    rows = queryset.values_list(*[column.path for column in value_columns] or ["pk"])
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            yield from _value_rows(chunk, makers, number_formats, related)
            chunk = []
    yield from _value_rows(chunk, makers, number_formats, related)


def _value_rows(chunk, makers, number_formats, related):
    for cells in related:
        cells.add_chunk(chunk)
    for row in chunk:
        yield list(map(operator.call, makers, row)), number_formats


class _Cells(dict):
    """value → cell, each cell made on first asking."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def __missing__(self, value):
        self[value] = made = self.cell(value)
        return made


class _RelatedCells(dict):
    """foreign key → the cell of the instance it points to, instances joined as the list's queryset joins them.

    All the instances the rows point to come in one query when they are at most RELATED_CACHE_SIZE
    (the communes of the cases); past that (a case per complaint), those of each chunk of rows.
    """

    def __init__(self, column, index, queryset):
        super().__init__()
        self.column, self.index, self.key = column, index, column.related_key
        self.instances = column.related._base_manager.select_related(*column.related_joins)
        pointed_to = self.instances.filter(**{f"{self.key}__in": queryset.order_by().values(column.path)})
        instances = list(pointed_to[: RELATED_CACHE_SIZE + 1])
        self.whole = len(instances) <= RELATED_CACHE_SIZE
        if self.whole:
            self._add(instances)

    def add_chunk(self, chunk):
        if self.whole:
            return
        keys = {row[self.index] for row in chunk} - {None}
        missing = keys - self.keys()
        if len(self) + len(missing) > RELATED_CACHE_SIZE:
            self.clear()
            missing = keys
        if missing:
            self._add(self.instances.filter(**{f"{self.key}__in": missing}))

    def _add(self, instances):
        for instance in instances:
            self[getattr(instance, self.key)] = self.column.cell(instance)

    def __missing__(self, key):
        # None is an empty foreign key, None for the record too; another key, a row added since the first query.
        instance = None if key is None else self.instances.get(**{self.key: key})
        self[key] = made = self.column.cell(instance)
        return made


# --- CSV ----------------------------------------------------------------------------------------


def csv_value(value, dialect=CSV_STANDARD):
    """A typed cell as the CSV dialect writes it; text (already neutralised) as it is."""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime(dialect.datetime_format)
    if isinstance(value, datetime.date):
        return value.strftime(dialect.date_format)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return plain_number(value, dialect.decimal_mark)
    return value


def _csv_response(header, rows, filename, dialect):
    # The rows are read while the response streams, after the view has returned: keep its language.
    language = translation.get_language()

    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=dialect.delimiter)
        with translation.override(language):
            # The byte order mark makes Excel read the file as UTF-8, Vietnamese included.
            buffer.write(codecs.BOM_UTF8.decode())
            writer.writerow(header)
            for count, (values, _number_formats) in enumerate(rows, start=1):
                # Text, empty cells and whole numbers, most cells, skip csv_value's questions (same result).
                writer.writerow(
                    [
                        value
                        if type(value) is str or value is None
                        else str(value)
                        if type(value) is int
                        else csv_value(value, dialect)
                        for value in values
                    ]
                )
                if count % CSV_ROWS_PER_CHUNK == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX ---------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value, number_format=None):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local wall-clock time is what the user saw on the page.
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=local)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if number_format and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    if isinstance(value, str):
        # Control characters (pasted from other software) are not allowed in XLSX and would fail the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _xlsx_response(header, rows, filename):
    # Write-only: rows go to a temporary file as they come instead of building the sheet in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename.rsplit(".", 1)[0][:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for values, number_formats in rows:
        # Text and empty cells, most of them, go straight: what _xlsx_cell would make of them.
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", value)
                if type(value) is str
                else value
                if value is None
                else _xlsx_cell(sheet, value, number_format)
                for value, number_format in zip(values, number_formats, strict=True)
            ]
        )
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
