"""From a sheet's rows to SourceRows: find the header, read down to the totals or the signatures.

Every cell value passes through cell_value() first, once; it is where a list's text is
made readable (old Vietnamese fonts, stray spaces) before anything looks at it.
"""

import datetime
import itertools
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from clearance.inventory.cells import is_blank
from clearance.inventory.legacy_text import clean_text, detect_and_convert
from clearance.inventory.reading.headers import (
    HEADER_SEARCH_ROWS,
    find_header,
    header_key,
    is_column_numbering,
    map_columns,
)
from clearance.inventory.safety import ImportRefused

DEFAULT_MAX_ROWS = 20_000
# Blank rows between data rows are skipped, but not without end.
BLANK_ROW_ALLOWANCE = 1_000
# A row starting with one of these adds up the list: the data ends above it.
TOTAL_WORDS = {"tong cong", "cong", "tong", "tong so", "cong tong", "tong cong so"}
_TOTAL_LINE = re.compile(r"^(tong cong|tong so|cong|tong)( |$)(\d|(ho|thua|truong hop|tai san|so|cong)\b|$)")
# The signature block under a list: who drew it up, who signs for the council, who confirms.
SIGNATURE_WORDS = {
    "nguoi lap bieu",
    "nguoi lap",
    "nguoi lap danh sach",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ho ten",
    "ky ten",
    "ky ten dong dau",
    "ky ghi ro ho ten dong dau",
    "chu tich",
    "pho chu tich",
    "xac nhan",
    "giam doc",
}
SIGNATURE_PREFIXES = ("tm ", "kt ", "xac nhan cua ", "ubnd xa xac nhan")
NO_DATE_TYPES = (datetime.date, datetime.time, datetime.timedelta)
HIDDEN_ROWS_LISTED = 50


def max_rows():
    return getattr(settings, "LSIP_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def cell_value(value):
    """The one door every cell value of every format comes through: zero-width characters, BOMs and
    control characters removed, non-breaking spaces made spaces (clearance.inventory.legacy_text)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # .ods and .xls numbers come as floats: 123456789.0 is the number typed, 123456789
    return clean_text(value)


# Free text that old lists typed in the TCVN3 or VNI fonts; codes, numbers and IDs never are.
_ASSET_SEPARATORS = re.compile(r"(\s*[;|]\s*)")
LEGACY_TEXT_KEYS = frozenset({"name", "address", "village", "land_origin", "description", "unit_of_measure"})


@dataclass
class SourceRow:
    sheet: str
    number: int  # as the spreadsheet numbers it: the header is row 1 in a template
    values: dict
    converted: dict = field(default_factory=dict)  # key -> (text as written, encoding) of text in a legacy font


@dataclass
class SheetReading:
    """Where the table was found in one sheet, for the preview to say."""

    sheet: str
    header_row: int = 0
    header_rows: int = 1
    end_row: int | None = None  # the totals or signature row the data ends at
    end_text: str = ""
    hidden_rows: list = field(default_factory=list)  # data rows hidden in Excel, read all the same
    rows: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)  # key -> header as written in the file
    positions: dict = field(default_factory=dict)

    @property
    def header_moved(self):
        """Whether the header is not where the template has it, so that the preview should say where."""
        return self.header_row != 1 or self.header_rows != 1


def read_sheet(sheet, numbered_rows, columns, sheet_kind, *, optional=False, hidden_rows=(), formula_cells=()):
    """One sheet's SheetReading. `numbered_rows` yields (row number, cell values) from row 1 on."""
    limit = max_rows()
    numbered = ((number, [cell_value(cell) for cell in cells]) for number, cells in _bounded(numbered_rows, sheet))
    header, rest, content = find_header(numbered, columns, sheet_kind)
    reading = SheetReading(sheet=sheet)
    if header is None:
        if optional and not content:
            return reading
        if not content:
            raise ImportRefused(_("Sheet “%(sheet)s” is empty: it has no header row.") % {"sheet": sheet}, "no_header")
        raise ImportRefused(
            _(
                "Sheet “%(sheet)s” has no header row in its first %(count)d rows: no row names the list's columns "
                "(“Mã hồ sơ”, “Số tờ”, “Số thửa”…). Start from the downloadable template."
            )
            % {"sheet": sheet, "count": HEADER_SEARCH_ROWS},
            "no_header",
        )
    reading.header_row, reading.header_rows = header.row, header.rows
    reading.positions, reading.headers = map_columns(sheet, header, columns, sheet_kind)
    reading.ignored = header.ignored
    code_position = reading.positions.get("code")
    for number, cells in rest:
        if all(is_blank(cell) for cell in cells):
            continue
        if not reading.rows and is_column_numbering(cells):
            continue
        end = _end_marker(cells, code_position)
        if end:
            reading.end_row, reading.end_text = number, end
            break
        values = {key: (cells[index] if index < len(cells) else None) for key, index in reading.positions.items()}
        row = SourceRow(sheet=sheet, number=number, values=values)
        _convert_legacy_text(row)
        reading.rows.append(row)
        if len(reading.rows) > limit:
            refuse_rows(sheet, limit)
    _refuse_formulas_without_result(reading, formula_cells)
    _refuse_dates(reading)
    hidden = set(hidden_rows)
    reading.hidden_rows = [row.number for row in reading.rows if row.number in hidden]
    return reading


def _convert_legacy_text(row):
    for key in (LEGACY_TEXT_KEYS | {"assets"}) & row.values.keys():
        value = row.values[key]
        if isinstance(value, str):
            converted, encoding = _convert_assets(value) if key == "assets" else detect_and_convert(value)
            if encoding:
                row.values[key] = converted
                row.converted[key] = (value, encoding)


def _convert_assets(value):
    """A CSV "Tài sản" cell ("kind | description | quantity | unit; …"), each part converted on its own:
    a description typed in an old font beside a kind typed in Unicode is still recognised."""
    parts, found = _ASSET_SEPARATORS.split(value), None
    for index in range(0, len(parts), 2):  # the separators, with their spaces, sit at the odd places
        converted, encoding = detect_and_convert(parts[index])
        if encoding:
            parts[index], found = converted, encoding
    return "".join(parts), found


def _bounded(numbered_rows, sheet):
    limit = max_rows() + BLANK_ROW_ALLOWANCE
    for count, item in enumerate(numbered_rows, start=1):
        if count > limit:
            refuse_rows(sheet, max_rows())
        yield item


def refuse_rows(sheet, limit):
    raise ImportRefused(
        _("Sheet “%(sheet)s” has more than %(limit)d rows. Split the list into several files.")
        % {"sheet": sheet, "limit": limit},
        "too_many_rows",
    )


def _end_marker(cells, code_position):
    """The text that ends the data in this row ("Tổng cộng", "Người lập biểu"…), or ""."""
    texts = [cell.strip() for cell in cells if isinstance(cell, str) and cell.strip()]
    if not texts:
        return ""
    first = header_key(texts[0])
    # "Tổng cộng", "Cộng: 4 hộ", "Tổng số 4 hộ", "Tổng 2 thửa": a total word, then figures or nothing.
    if first in TOTAL_WORDS or _TOTAL_LINE.match(first):
        return texts[0]
    # A note in a data row may well say "xác nhận": a signature row has no case code.
    if code_position is not None and code_position < len(cells) and not is_blank(cells[code_position]):
        return ""
    for text in texts:
        key = header_key(text)
        if key in SIGNATURE_WORDS or key.startswith(SIGNATURE_PREFIXES):
            return text
    return ""


def column_letter(index):
    """The column's letter as Excel shows it: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_formulas_without_result(reading, formula_cells):
    if not formula_cells:
        return
    for row, position in itertools.product(reading.rows, reading.positions.values()):
        if (row.number, position) in formula_cells:
            raise ImportRefused(
                _(
                    "Sheet “%(sheet)s”, cell %(cell)s holds a formula whose result was not saved with the file, so "
                    "its value cannot be read. Open the file in Excel, recalculate (Formulas → Calculate Now, F9; "
                    "in Vietnamese Excel: Công thức → Tính Ngay) and save it again, or paste the column as values "
                    "(Paste Special → Values; Dán Đặc biệt → Giá trị)."
                )
                % {"sheet": reading.sheet, "cell": f"{column_letter(position)}{row.number}"},
                "formula_without_value",
            )


def _refuse_dates(reading):
    """No column of the list holds a date: a date is a number or code that Excel took for one."""
    for row in reading.rows:
        for key, value in row.values.items():
            if isinstance(value, NO_DATE_TYPES):
                shown = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)
                raise ImportRefused(
                    _(
                        "Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: Excel turned the value into a date "
                        "(%(date)s). Select the column, format it as Text (Format Cells → Text; in Vietnamese "
                        "Excel: Định dạng Ô → Văn bản), type the values again and save."
                    )
                    % {"sheet": row.sheet, "row": row.number, "column": reading.headers[key], "date": shown},
                    "date_in_column",
                )
