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


_BOF, _EOF, _BOUNDSHEET, _ROW = 0x0809, 0x000A, 0x0085, 0x0208
_ROW_HIDDEN = 0x0020  # ROW record flags: fDyZero, the row is hidden ([MS-XLS] 2.4.221)


def _workbook_stream(data):
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise NotBiff("no workbook stream")
            return ole.openstream(name).read()
    except OSError as error:  # olefile's error for a damaged container
        raise NotBiff(str(error)) from error


def _records(stream, position=0):
    """(record type, body start, body length) from `position` to the end of the stream."""
    end = len(stream)
    while position + 4 <= end:
        kind, length = _HEADER.unpack_from(stream, position)
        yield kind, position + 4, length
        position += 4 + length


def hidden_rows(data):
    """{sheet name: numbers (1-based) of the rows hidden in Excel}, from each sheet's ROW records.

    Sheets are found through the BOUNDSHEET records of the workbook globals ([MS-XLS] 2.4.28),
    which give each sheet's name and where its records start. Raises NotBiff like cell_extent.
    """
    stream = _workbook_stream(data)
    sheets = []
    for kind, body, length in _records(stream):
        if kind == _BOUNDSHEET and length >= 8:
            (offset,) = struct.unpack_from("<I", stream, body)
            count, high_byte = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8 : body + 8 + count * (2 if high_byte else 1)]
            sheets.append((raw.decode("utf-16-le" if high_byte else "latin-1"), offset))
        elif kind == _EOF:
            break  # the end of the workbook globals
    hidden = {}
    for name, offset in sheets:
        rows = set()
        for kind, body, length in _records(stream, offset):
            if kind == _ROW and length >= 16:
                row, flags = struct.unpack_from("<H", stream, body)[0], struct.unpack_from("<H", stream, body + 12)[0]
                if flags & _ROW_HIDDEN:
                    rows.add(row + 1)
            elif kind == _EOF:
                break
        if rows:
            hidden[name] = rows
    return hidden


def cell_extent(data):
    """(rows, columns) that the workbook's cells reach, 1-based, over every sheet; (0, 0) when empty.

    Raises NotBiff when `data` is an OLE2 file without a Workbook/Book stream (a Word file, say).
    """
    stream = _workbook_stream(data)
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
