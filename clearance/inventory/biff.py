"""How far the cells of an Excel 97–2003 workbook (.xls, BIFF8) reach, read before any reader runs.

calamine, which reads .xls, builds a grid from the first cell to the last: a 6 KB file with
one cell at A1 and one at IV65536 makes it hold 16 million cells (about 1 GB). Scanning the
workbook stream's cell records first bounds that, as the row limit and the XML checks bound
.xlsx. Record layout: [MS-XLS] 2.4 (cell records start with their row and column).
"""

import io
import re
import struct
from dataclasses import dataclass, field

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


_BOF, _EOF, _BOUNDSHEET, _ROW, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x0208, 0x002F
_FORMAT, _XF, _FORMULA, _STRING = 0x041E, 0x00E0, 0x0006, 0x0207
_NUMBER, _RK, _MULRK = 0x0203, 0x027E, 0x00BD
# Records that may come between a FORMULA and its STRING: shared and array formulas, data tables.
_FORMULA_PARTS = {0x04BC, 0x0221, 0x0236}
_ROW_HIDDEN = 0x0020  # ROW record flags: fDyZero, the row is hidden ([MS-XLS] 2.4.221)
# FORMULA's cached result ([MS-XLS] 2.5.133 FormulaValue): its last two bytes are 0xFFFF when it is
# not a number, and its first byte then says what it is: 0 a string (in the STRING record that
# follows), 3 an empty string. Programs that write formulas without working out their results
# (xlwt, some accounting exports) save an empty string: taken as no result, as an .xlsx's empty <v>.
_RESULT_STRING, _RESULT_EMPTY = 0, 3
_ZERO_PADDED = re.compile(r"^0+$")  # a number format that shows leading zeros: 000000000000


class Encrypted(ValueError):
    """The workbook is password-protected (a FILEPASS record): its records cannot be read."""


@dataclass
class SheetFacts:
    """What calamine does not tell about an .xls sheet. Rows are 1-based, columns 0-based."""

    hidden_rows: set = field(default_factory=set)
    formula_cells: set = field(default_factory=set)  # (row, column) of formulas saved without their result
    zero_padded: dict = field(default_factory=dict)  # (row, column) -> digits shown, of numbers shown as 000…


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


def _unicode_string(stream, body, count_size):
    """An XLUnicodeString ([MS-XLS] 2.5.294): its character count, a flags byte, then the characters."""
    count = int.from_bytes(stream[body : body + count_size], "little")
    high_byte = stream[body + count_size] & 1
    raw = stream[body + count_size + 1 : body + count_size + 1 + count * (2 if high_byte else 1)]
    return raw.decode("utf-16-le" if high_byte else "latin-1")


def _globals(stream):
    """([(sheet name, offset)], [number format of each XF]) from the workbook globals; Encrypted if protected."""
    sheets, formats, xf_formats = [], {}, []
    for kind, body, length in _records(stream):
        if kind == _FILEPASS:
            raise Encrypted("FILEPASS")
        if kind == _BOUNDSHEET and length >= 8:
            (offset,) = struct.unpack_from("<I", stream, body)
            # The name is a ShortXLUnicodeString: a one-byte count.
            count, high_byte = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8 : body + 8 + count * (2 if high_byte else 1)]
            sheets.append((raw.decode("utf-16-le" if high_byte else "latin-1"), offset))
        elif kind == _FORMAT and length >= 5:
            (number,) = struct.unpack_from("<H", stream, body)
            formats[number] = _unicode_string(stream, body + 2, 2)
        elif kind == _XF and length >= 4:
            xf_formats.append(struct.unpack_from("<H", stream, body + 2)[0])
        elif kind == _EOF:
            break  # the end of the workbook globals
    return sheets, [formats.get(number, "") for number in xf_formats]


def sheet_facts(data):
    """{sheet name: SheetFacts} from each sheet's ROW, FORMULA and number cell records.

    Sheets are found through the BOUNDSHEET records of the workbook globals ([MS-XLS] 2.4.28),
    which give each sheet's name and where its records start. Raises NotBiff like cell_extent,
    and Encrypted for a password-protected workbook.
    """
    stream = _workbook_stream(data)
    sheets, xf_formats = _globals(stream)

    def shown_zeros(row, column, xf):
        shown = xf_formats[xf] if xf < len(xf_formats) else ""
        if _ZERO_PADDED.match(shown):
            facts.zero_padded[(row + 1, column)] = len(shown)

    result = {}
    for name, offset in sheets:
        facts = SheetFacts()
        records = _records(stream, offset)
        pending = None  # a formula whose string result is in the next record
        for kind, body, length in records:
            if pending is not None and kind not in _FORMULA_PARTS:
                if kind != _STRING or not _unicode_string(stream, body, 2):
                    facts.formula_cells.add(pending)
                pending = None
            if kind == _ROW and length >= 16:
                row, flags = struct.unpack_from("<H", stream, body)[0], struct.unpack_from("<H", stream, body + 12)[0]
                if flags & _ROW_HIDDEN:
                    facts.hidden_rows.add(row + 1)
            elif kind == _FORMULA and length >= 16:
                row, column = _ROW_COLUMN.unpack_from(stream, body)
                result_kind, result_tag = stream[body + 6], struct.unpack_from("<H", stream, body + 12)[0]
                if result_tag == 0xFFFF and result_kind == _RESULT_STRING:
                    pending = (row + 1, column)
                elif result_tag == 0xFFFF and result_kind == _RESULT_EMPTY:
                    facts.formula_cells.add((row + 1, column))
            elif kind in (_NUMBER, _RK) and length >= 6:
                shown_zeros(*_ROW_COLUMN.unpack_from(stream, body), struct.unpack_from("<H", stream, body + 4)[0])
            elif kind == _MULRK and length >= 6:
                row, first = _ROW_COLUMN.unpack_from(stream, body)
                for index in range((length - 6) // 6):  # (XF, RK value) pairs, then the last column
                    shown_zeros(row, first + index, struct.unpack_from("<H", stream, body + 4 + 6 * index)[0])
            elif kind == _EOF:
                break
        result[name] = facts
    return result


def cell_extent(data):
    """(rows, columns) that the workbook's cells reach, 1-based, over every sheet; (0, 0) when empty.

    Raises NotBiff when `data` is an OLE2 file without a Workbook/Book stream (a Word file, say),
    Encrypted when it is password-protected (the records after FILEPASS are ciphered).
    """
    stream = _workbook_stream(data)
    last_row = last_column = -1
    position, end = 0, len(stream)
    while position + 4 <= end:
        kind, length = _HEADER.unpack_from(stream, position)
        body = position + 4
        if kind == _FILEPASS:
            raise Encrypted("FILEPASS")
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
