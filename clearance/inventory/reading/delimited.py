"""CSV: UTF-8 or UTF-16 text (safety.decode_csv), separated by ",", ";" or tab, or as "sep=" says."""

import csv
import io
import re

from django.utils.translation import gettext as _

from clearance.inventory.columns import CSV_ASSETS_COLUMN, MAX_COLUMNS, PARCEL_COLUMNS, PARCEL_SHEET
from clearance.inventory.reading.headers import HEADER_SEARCH_ROWS
from clearance.inventory.reading.rows import read_sheet
from clearance.inventory.safety import ImportRefused, decode_csv

# Excel writes this first line to say which separator the file uses, and hides it on opening.
_SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)
# ="020185001234": how programs write text into a CSV so that Excel keeps its leading zeros. Excel
# shows the text between the quotes; nothing else of a formula is ever taken.
_QUOTED_TEXT = re.compile(r'^="([^"]*)"$')
# What Excel writes in a CSV for a cell it turned into a date: 05/01/2024, 2024-01-05, 5-Jan, Jan-05.
_DATE_TEXT = re.compile(
    r"^(\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}-\d{1,2}-\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-[a-z]{3}(-\d{2,4})?|[a-z]{3}-\d{2,4})$",
    re.IGNORECASE,
)
_NUMBER_KINDS = ("int", "decimal")


def read_csv(data, table):
    text = decode_csv(data)
    first_line, _newline, rest = text.partition("\n")
    declared = _SEP_LINE.match(first_line)
    if declared:
        delimiter, text = declared[1], rest
    else:
        # Vietnamese Excel writes ";" because "," is its decimal mark. Title lines above the
        # header have no separators, so the first lines are counted together.
        sample = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
        delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Excel numbers the rows after the "sep=" line it hides from 1, as do we.
        numbered = (
            (number, [_shown(cell) for cell in row[:MAX_COLUMNS]]) for number, row in enumerate(reader, start=1)
        )
        reading = read_sheet(PARCEL_SHEET, numbered, [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN], "parcel")
    except csv.Error as error:
        raise ImportRefused(_("The CSV file cannot be read: %(reason)s.") % {"reason": error}, "csv_syntax") from error
    for row in reading.rows:
        row.sheet = "CSV"
    reading.sheet = "CSV"
    _refuse_dates(reading)
    table.add(reading)
    return table


def _shown(cell):
    """The cell as Excel shows it: ="0123" is the text 0123."""
    quoted = _QUOTED_TEXT.match(cell)
    return quoted[1] if quoted else cell


def _refuse_dates(reading):
    """A number column holding a date as Excel writes one: the value was typed in Excel and turned into a date.

    A workbook keeps such a cell as a date (clearance.inventory.reading.rows refuses it); a CSV
    saved from Excel keeps only the date's text, which no number reading would explain.
    """
    kinds = {column.key: column.kind for column in PARCEL_COLUMNS}
    for row in reading.rows:
        for key, value in row.values.items():
            if kinds.get(key) in _NUMBER_KINDS and isinstance(value, str) and _DATE_TEXT.match(value.strip()):
                raise ImportRefused(
                    _(
                        "Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: Excel turned the value into a date "
                        "(%(date)s). Select the column, format it as Text (Format Cells → Text; in Vietnamese "
                        "Excel: Định dạng Ô → Văn bản), type the values again and save."
                    )
                    % {"sheet": row.sheet, "row": row.number, "column": reading.headers[key], "date": value.strip()},
                    "date_in_column",
                )
