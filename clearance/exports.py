"""Any django-tables2 table as an XLSX or CSV download: every row of its data, typed, safe to open.

Two CSVs: the standard one (",", decimal point, ISO dates) for other programs, and one for Excel
set to Vietnamese (";", decimal comma, dd/mm/yyyy), which reads the standard one wrongly.

A view builds its table from the filtered, scoped queryset (joined and annotated there) and asks
`export_response` first; None means the request wants the page, not a file. Cell values come from
django-tables2's export path (`value_<column>`, else `render_<column>`), so no HTML reaches a
cell; columns with `exclude_from_export` are left out and invisible ones are included.
"""

import codecs
import csv
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

EXPORT_PARAMETER = "_export"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows read from the database at a time: a large list never sits in memory whole.
CHUNK_SIZE = 2000
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


def _records(table):
    data = table.data.data
    if isinstance(data, QuerySet):
        return data.iterator(chunk_size=CHUNK_SIZE)
    return iter(data)


def _rows(table, columns):
    """Each record as [(value, XLSX number format or None)], one pair per column."""
    for record in _records(table):
        row = BoundRow(record, table=table)
        yield [
            (
                neutralise(force_str(row.get_cell_value(column.name), strings_only=True)),
                column.column.number_format_for(record) if isinstance(column.column, NumberColumn) else None,
            )
            for column in columns
        ]


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    """A file that hands back what is written, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


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
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter)

    def lines():
        with translation.override(language):
            # The byte order mark makes Excel read the file as UTF-8, Vietnamese included.
            yield codecs.BOM_UTF8.decode() + writer.writerow(header)
            for row in rows:
                yield writer.writerow([csv_value(value, dialect) for value, _number_format in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
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
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, number_format) for value, number_format in row])
    file = tempfile.TemporaryFile()
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
