"""How far the cells of an Excel 97–2003 workbook (.xls, BIFF8) reach, read before any reader runs.

calamine, which reads .xls, builds a grid from the first cell to the last: a 6 KB file with
one cell at A1 and one at IV65536 makes it hold 16 million cells (about 1 GB). Scanning the
workbook stream's cell records first bounds that, as the row limit and the XML checks bound
.xlsx. Record layout: [MS-XLS] 2.4 (cell records start with their row and column).
"""

import io
import struct

import olefile

# Cell records, each starting with row (2 bytes) and column (2 bytes): [MS-XLS] 2.4.
_CELL_RECORDS = {
    0x0006,  # FORMULA
    0x00D6,  # RSTRING
    0x00FD,  # LABELSST
    0x0201,  # BLANK
    0x0203,  # NUMBER
    0x0204,  # LABEL
    0x0205,  # BOOLERR
    0x027E,  # RK
}
# MULRK and MULBLANK: row, first column, …, last column in their last 2 bytes.
_MULTIPLE_CELL_RECORDS = {0x00BD, 0x00BE}
_HEADER = struct.Struct("<HH")
_ROW_COLUMN = struct.Struct("<HH")


class NotBiff(ValueError):
    """The OLE2 file holds no Excel workbook stream."""


def cell_extent(data):
    """(rows, columns) that the workbook's cells reach, 1-based, over every sheet; (0, 0) when empty.

    Raises NotBiff when `data` is an OLE2 file without a Workbook/Book stream (a Word file, say).
    """
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise NotBiff("no workbook stream")
            stream = ole.openstream(name).read()
    except OSError as error:  # olefile's error for a damaged container
        raise NotBiff(str(error)) from error
    last_row = last_column = -1
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = _HEADER.unpack_from(stream, position)
        body = position + 4
        if kind in _CELL_RECORDS and length >= 4:
            row, column = _ROW_COLUMN.unpack_from(stream, body)
        elif kind in _MULTIPLE_CELL_RECORDS and length >= 6:
            row, _first = _ROW_COLUMN.unpack_from(stream, body)
            (column,) = struct.unpack_from("<H", stream, body + length - 2)
        else:
            position = body + length
            continue
        last_row, last_column = max(last_row, row), max(last_column, column)
        position = body + length
    return last_row + 1, last_column + 1
