"""A read Table kept as text, so that confirming an upload validates the rows the upload read.

Reading a workbook costs more than validating it and writing it together; the rows read at upload
are kept with the import, beside the SHA-256 of the bytes they were read from, and confirming takes
them back when the stored file still has that hash (clearance.services.imports) and the reader's
settings are those it was read under (a row limit lowered since refuses the file). Cell values after
reading are None, str, int, float or bool (dates are refused by the reader); anything else is not
kept (KeptTableError), and confirming reads the file again.

The text is JSON, compressed with zlib and written in base64, to sit in a JSON field without
costing the pages that load that field more than a short string (some 200 KB for 10,000 rows).
Rows are lists in their sheet's column order rather than dicts: shorter, and quicker to read back.
"""

import base64
import json
import zlib
from dataclasses import fields

from clearance.inventory.reading import Table
from clearance.inventory.reading.rows import SheetReading, SourceRow, max_rows

# Bumped whenever what is kept changes shape: a table kept in another shape is read again from its file.
KEPT_FORMAT = 1
_CELL_TYPES = (str, int, float, bool, type(None))
_READING_FIELDS = [f.name for f in fields(SheetReading) if f.name != "rows"]


class KeptTableError(ValueError):
    """The table holds what the kept text cannot hold exactly; the file is read again instead."""


def keep_table(table):
    """The table as a short text (base64 of zlib-compressed JSON)."""
    readings = []
    for reading in table.sheets:
        entry = {name: getattr(reading, name) for name in _READING_FIELDS}
        # A reading's rows are the table's parcel or asset rows, the same list: kept once.
        if reading.rows is table.parcel_rows:
            entry["rows"] = "parcel"
        elif reading.rows is table.asset_rows:
            entry["rows"] = "asset"
        else:
            entry["rows"] = _rows(reading.rows)
        readings.append(entry)
    data = {
        "format": KEPT_FORMAT,
        "settings": _reading_settings(),
        "file_format": table.file_format,
        "parcel_rows": _rows(table.parcel_rows),
        "asset_rows": _rows(table.asset_rows),
        "ignored_columns": table.ignored_columns,
        "parcel_headers": table.parcel_headers,
        "asset_headers": table.asset_headers,
        "sheets": readings,
        "hidden_sheets": table.hidden_sheets,
    }
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:  # a value JSON has no exact form for (NaN, a new field's type)
        raise KeptTableError(str(error)) from error
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 1)).decode("ascii")


def table_of(kept):
    """The Table kept by keep_table(); KeptTableError when the text is not one this code keeps."""
    try:
        data = json.loads(zlib.decompress(base64.b64decode(kept.encode("ascii"), validate=True)))
    except (ValueError, zlib.error) as error:
        raise KeptTableError("unreadable") from error
    if not isinstance(data, dict) or data.get("format") != KEPT_FORMAT:
        raise KeptTableError("another format")
    if data.get("settings") != _reading_settings():
        raise KeptTableError("read under other settings")
    try:
        return _table(data)
    except (KeyError, TypeError, ValueError) as error:
        raise KeptTableError("incomplete") from error


def _table(data):
    table = Table(
        file_format=data["file_format"],
        parcel_rows=_source_rows(data["parcel_rows"]),
        asset_rows=_source_rows(data["asset_rows"]),
        ignored_columns=data["ignored_columns"],
        parcel_headers=data["parcel_headers"],
        asset_headers=data["asset_headers"],
        hidden_sheets=data["hidden_sheets"],
    )
    for entry in data["sheets"]:
        rows = entry.pop("rows")
        reading = SheetReading(**entry)
        reading.skipped = [tuple(skipped) for skipped in reading.skipped]
        if rows == "parcel":
            reading.rows = table.parcel_rows
        elif rows == "asset":
            reading.rows = table.asset_rows
        else:
            reading.rows = _source_rows(rows)
        table.sheets.append(reading)
    return table


def _reading_settings():
    """The settings a reading depends on besides the bytes: reading again under others may refuse the file."""
    return {"max_rows": max_rows()}


def _rows(rows):
    """{"keys": the first row's keys, "rows": [[sheet, number, values, converted], …]}; values a list when
    the row has those keys in that order (every row a reader makes), else the dict."""
    keys = list(rows[0].values) if rows else []
    kept = []
    for row in rows:
        for value in row.values.values():
            if type(value) not in _CELL_TYPES:
                raise KeptTableError(f"a cell of type {type(value).__name__}")
        values = list(row.values.values()) if list(row.values) == keys else row.values
        entry = [row.sheet, row.number, values]
        if row.converted:
            entry.append(row.converted)
        kept.append(entry)
    return {"keys": keys, "rows": kept}


def _source_rows(data):
    keys = data["keys"]
    rows = []
    for sheet, number, values, *converted in data["rows"]:
        if type(values) is list:
            values = dict(zip(keys, values, strict=True))
        row = SourceRow(sheet=sheet, number=number, values=values)
        if converted:
            row.converted = {key: tuple(pair) for key, pair in converted[0].items()}
        rows.append(row)
    return rows
