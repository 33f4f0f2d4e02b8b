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
        numbered = ((number, row[:MAX_COLUMNS]) for number, row in enumerate(reader, start=1))
        reading = read_sheet(PARCEL_SHEET, numbered, [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN], "parcel")
    except csv.Error as error:
        raise ImportRefused(_("The CSV file cannot be read: %(reason)s.") % {"reason": error}, "csv_syntax") from error
    for row in reading.rows:
        row.sheet = "CSV"
    reading.sheet = "CSV"
    table.add(reading)
    return table
