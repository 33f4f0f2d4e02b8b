"""Reading a checked file into rows of raw cell values, keyed by column.

Only files that passed clearance.inventory.safety get here. A problem with the file as a
whole (no header row, a required column missing, too many rows) is an ImportRefused;
problems with single cells are left to validation, which reports them row by row.
"""

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from clearance.inventory.cells import is_blank
from clearance.inventory.columns import (
    ASSET_COLUMNS,
    ASSET_SHEET,
    CSV_ASSETS_COLUMN,
    GUIDE_SHEET,
    MAX_COLUMNS,
    PARCEL_COLUMNS,
    PARCEL_SHEET,
)
from clearance.inventory.safety import ImportRefused, decode_csv
from zones.text import fold

logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 20_000
# Blank rows between data rows are skipped, but not without end.
BLANK_ROW_ALLOWANCE = 1_000
_ZERO_PADDED = re.compile(r"^0+$")  # a number format that shows leading zeros: 000000000000


def max_rows():
    return getattr(settings, "LSIP_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass
class SourceRow:
    sheet: str
    number: int  # as the spreadsheet numbers it: the header is row 1 in a template
    values: dict


@dataclass
class Table:
    file_format: str
    parcel_rows: list = field(default_factory=list)
    asset_rows: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    parcel_headers: dict = field(default_factory=dict)  # key -> header as written in the file
    asset_headers: dict = field(default_factory=dict)

    @property
    def rows_total(self):
        return len(self.parcel_rows) + len(self.asset_rows)


def header_key(text):
    """Headers match whatever the case, accents, spacing or "m2" for "m²"."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def read_table(data, file_format):
    if file_format == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def _map_headers(sheet, header_row, columns):
    by_key = {header_key(column.header): column for column in columns}
    positions, ignored, seen = {}, [], {}
    for index, header in enumerate(header_row):
        if is_blank(header):
            continue
        column = by_key.get(header_key(header))
        if column is None:
            ignored.append(str(header).strip())
            continue
        if column.key in seen:
            raise ImportRefused(
                _("Sheet “%(sheet)s” has the column “%(column)s” twice.") % {"sheet": sheet, "column": column.header},
                "duplicate_column",
            )
        seen[column.key] = str(header).strip()
        positions[column.key] = index
    missing = [column.header for column in columns if column.required and column.key not in positions]
    if missing:
        raise ImportRefused(
            _("Sheet “%(sheet)s” lacks the required column(s): %(columns)s. Start from the downloadable template.")
            % {"sheet": sheet, "columns": ", ".join(f"“{name}”" for name in missing)},
            "missing_column",
        )
    return positions, ignored, seen


def _rows(sheet, numbered_rows, columns, *, optional=False):
    """SourceRows of one sheet, the ignored headers, the headers as written and the columns' places.

    The first non-blank row holds the headers.
    """
    limit = max_rows()
    positions = None
    rows, ignored, headers = [], [], {}
    physical = 0
    for number, cells in numbered_rows:
        physical += 1
        if physical > limit + BLANK_ROW_ALLOWANCE:
            _refuse_rows(sheet, limit)
        if all(is_blank(cell) for cell in cells):
            continue
        if positions is None:
            positions, ignored, headers = _map_headers(sheet, cells, columns)
            continue
        values = {key: (cells[index] if index < len(cells) else None) for key, index in positions.items()}
        rows.append(SourceRow(sheet=sheet, number=number, values=values))
        if len(rows) > limit:
            _refuse_rows(sheet, limit)
    if positions is None:
        if optional:
            return [], [], {}, {}
        raise ImportRefused(_("Sheet “%(sheet)s” is empty: it has no header row.") % {"sheet": sheet}, "no_header")
    return rows, ignored, headers, positions


def _refuse_rows(sheet, limit):
    raise ImportRefused(
        _("Sheet “%(sheet)s” has more than %(limit)d rows. Split the list into several files.")
        % {"sheet": sheet, "limit": limit},
        "too_many_rows",
    )


def _read_xlsx(data):
    import openpyxl  # imported here: only workbook uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        logger.info("Unreadable workbook: %r", error)
        raise ImportRefused(
            _("The workbook cannot be read (%(reason)s). Save it again from Excel as .xlsx.")
            % {"reason": type(error).__name__},
            "unreadable",
        ) from error
    try:
        sheets = {header_key(name): name for name in workbook.sheetnames}
        parcel_name = sheets.get(header_key(PARCEL_SHEET))
        if parcel_name is None:
            others = [
                n
                for n in workbook.sheetnames
                if header_key(n) not in (header_key(ASSET_SHEET), header_key(GUIDE_SHEET))
            ]
            if not others:
                raise ImportRefused(
                    _("The workbook has no sheet “%(sheet)s” of land parcels.") % {"sheet": PARCEL_SHEET}, "no_sheet"
                )
            parcel_name = others[0]
        table = Table(file_format="xlsx")
        table.parcel_rows, ignored, table.parcel_headers, positions = _rows(
            parcel_name, _numbered(workbook[parcel_name]), PARCEL_COLUMNS
        )
        _id_numbers_as_shown(workbook[parcel_name], table.parcel_rows, positions.get("id_number"))
        table.ignored_columns += [f"{parcel_name}: {name}" for name in ignored]
        asset_name = sheets.get(header_key(ASSET_SHEET))
        if asset_name is not None:
            table.asset_rows, ignored, table.asset_headers, _positions = _rows(
                asset_name, _numbered(workbook[asset_name]), ASSET_COLUMNS, optional=True
            )
            table.ignored_columns += [f"{asset_name}: {name}" for name in ignored]
    except ImportRefused:
        raise
    except Exception as error:
        logger.info("Unreadable worksheet: %r", error)
        raise ImportRefused(
            _("The workbook cannot be read (%(reason)s). Save it again from Excel as .xlsx.")
            % {"reason": type(error).__name__},
            "unreadable",
        ) from error
    finally:
        workbook.close()
    return table


def _numbered(worksheet):
    return enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)


def _id_numbers_as_shown(worksheet, rows, index):
    """An ID number in a number cell formatted with zeros ("000000000000") becomes the digits the cell shows.

    Such a cell shows the leading zeros its value has lost, so the shown digits are what was
    typed; any other number cell is left as it is, for the ID check to refuse. Reading cell
    formats costs a second pass over the sheet, so only a sheet with such cells pays for it.
    """
    numbered = {row.number: row for row in rows if _is_number(row.values.get("id_number"))}
    if index is None or not numbered:
        return
    first, last = min(numbered), max(numbered)
    column = index + 1
    cells = worksheet.iter_rows(min_row=first, max_row=last, min_col=column, max_col=column)
    for number, (cell,) in enumerate(cells, start=first):
        row = numbered.get(number)
        shown = getattr(cell, "number_format", None) or ""
        if row is None or not _ZERO_PADDED.match(shown):
            continue
        digits = str(int(row.values["id_number"]))
        if len(shown) > len(digits):
            row.values["id_number"] = digits.zfill(len(shown))


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def _read_csv(data):
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    # Vietnamese Excel writes ";" because "," is its decimal mark.
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        numbered = ((number, row[:MAX_COLUMNS]) for number, row in enumerate(reader, start=1))
        rows, ignored, headers, _positions = _rows(PARCEL_SHEET, numbered, [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN])
    except csv.Error as error:
        raise ImportRefused(_("The CSV file cannot be read: %(reason)s.") % {"reason": error}, "csv_syntax") from error
    for row in rows:
        row.sheet = "CSV"
    return Table(file_format="csv", parcel_rows=rows, ignored_columns=ignored, parcel_headers=headers)
