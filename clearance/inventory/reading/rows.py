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
from django.utils.translation import ngettext

from clearance.inventory.cells import is_blank
from clearance.inventory.legacy_text import clean_text, detect_and_convert, readings
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
# A row whose text starts with one of these adds up the rows above it: "Tổng cộng", "Cộng: 4 hộ",
# "Tổng số 4 hộ", "Cộng thôn Nà Can", "Cộng toàn xã", "Tổng: 12 hộ". "Tổng" alone must be followed by
# figures, as Tống is a family name; words spelt "cong" once folded ("Công ty…", "Công trình phụ",
# "cộng đồng") are no totals. A row that also holds a case's data is none either ("Tổng công ty Điện
# lực…" is a name): see _Shape.looks_like_data.
_TOTAL_LINE = re.compile(
    r"^(?!(tong )?cong (ty|trinh|dong|an|nghiep|nhan|vien|cu|ich)\b)"
    r"((tong cong|tong so|cong tong|cong)( |$)|tong( (\d|(ho|thua|truong hop|tai san|so)\b)|$))"
)
# The signature block under a list: who drew it up, who checked, who signs for the council or the
# centre, who confirms, and the place and date line ("Lạng Sơn, ngày … tháng … năm …").
SIGNATURE_WORDS = {
    "nguoi lap bieu",
    "nguoi lap",
    "nguoi lap danh sach",
    "nguoi lap bang",
    "nguoi kiem tra",
    "nguoi duyet",
    "nguoi kiem dem",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ho ten",
    "ky ten",
    "ky ten dong dau",
    "ky ghi ro ho ten dong dau",
    "ky dong dau",
    "chu tich",
    "pho chu tich",
    "xac nhan",
    "giam doc",
    "pho giam doc",
    "thu truong don vi",
    "ke toan",
}
SIGNATURE_PREFIXES = (
    "tm ",  # TM. (thay mặt), "T/M" folds to "t m"
    "t m ",
    "kt ",  # KT. (ký thay)
    "k t ",
    "tl ",  # TL. (thừa lệnh)
    "tuq ",
    "q ",  # Q. GIÁM ĐỐC (quyền)
    "xac nhan cua ",
    "ubnd xa xac nhan",
    "dai dien ",
)
_DATE_LINE = re.compile(r"\bngay\b.*\b(thang\b.*\bnam\b|\d{1,2} \d{1,2} \d{4}$)")
# "12 hộ", "4 thửa": what a total row writes in a column, counting, not data.
_COUNT = re.compile(r"^\d[\d.,]*\s*(ho|thua|truong hop|tai san|to|cay|con|ngoi|cai|chu)\b")
# A group heading inside the data ("I. Thôn Nà Can", "A. HỘ GIA ĐÌNH", "Xã Tân Thành") fills at most this
# many cells, all text, and at most one of the required columns.
SECTION_CELLS = 2
NO_DATE_TYPES = (datetime.date, datetime.time, datetime.timedelta)
HIDDEN_ROWS_LISTED = 50
SKIPPED_LISTED = 50


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
# Where a word TCVN3 could only store in lower case ("¸nh") gets its capital back (legacy_text).
PROPER_NAME_KEYS = frozenset({"name", "village"})


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
    # Rows between the header and the end that are not data, in order: (row number, kind, text as
    # written), kind one of "numbering", "section", "subtotal". Each is listed in the preview.
    skipped: list = field(default_factory=list)
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
    shape = _Shape(reading.positions, columns)
    end, signed, held = None, False, []  # the first total or signature after the last data row
    for number, cells in rest:
        if all(is_blank(cell) for cell in cells):
            continue
        if not reading.rows and not reading.skipped and is_column_numbering(cells):
            reading.skipped.append((number, "numbering", _row_text(cells)))
            continue
        marker = _end_marker(cells, shape)
        if marker:
            kind, text = marker
            end = end or (number, text)
            signed = signed or kind == "signature"
            if kind == "total":
                held.append((number, "subtotal", text))
            continue
        if _is_section(cells, shape):
            (held if end else reading.skipped).append((number, "section", _row_text(cells)))
            continue
        if end:
            # Under a total, only a row with a case's data goes on the list: the rest is notes and
            # the names under the signatures. A total with data under it was a subtotal.
            if not shape.looks_like_data(cells):
                continue
            if signed:
                _refuse_data_under_signatures(sheet, number, end)
            reading.skipped += held
            end, held = None, []
        values = {key: (cells[index] if index < len(cells) else None) for key, index in reading.positions.items()}
        row = SourceRow(sheet=sheet, number=number, values=values)
        _convert_legacy_text(row)
        reading.rows.append(row)
        if len(reading.rows) > limit:
            refuse_rows(sheet, limit)
    if end:
        reading.end_row, reading.end_text = end
    _refuse_formulas_without_result(reading, formula_cells)
    _refuse_dates(reading)
    hidden = set(hidden_rows)
    reading.hidden_rows = [row.number for row in reading.rows if row.number in hidden]
    return reading


def _convert_legacy_text(row):
    for key in (LEGACY_TEXT_KEYS | {"assets"}) & row.values.keys():
        value = row.values[key]
        if isinstance(value, str):
            converted, encoding = (
                _convert_assets(value)
                if key == "assets"
                else detect_and_convert(value, proper_name=key in PROPER_NAME_KEYS)
            )
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


@dataclass
class _Shape:
    """What a data row of this sheet looks like: the required columns it fills, where they are."""

    positions: dict  # column key -> position
    columns: list

    def __post_init__(self):
        required = [column for column in self.columns if column.required and column.key in self.positions]
        self.required = {self.positions[column.key]: column for column in required}

    def surely_data(self, cells):
        """Whether the row looks like data whichever one of its cells is left out: most rows of a
        list, which need no look at their words."""
        filled = [
            (index, column)
            for index, column in self.required.items()
            if index < len(cells) and not _is_count(cells[index])
        ]
        figures = sum(column.kind in ("int", "decimal") and _has_digit(cells[index]) for index, column in filled)
        return figures >= 2 and 2 * (len(filled) - 1) >= len(self.required)

    def looks_like_data(self, cells, *, besides=None):
        """Whether the row fills at least half the required columns, one of them with a figure.

        A total fills the sums and counts ("12 hộ"), a signature row names and dates, a heading
        one cell: none of them half the columns of a case with a number among them. The cell
        at `besides` (the one saying "Tổng cộng") is not counted.
        """
        filled = [
            (index, column)
            for index, column in self.required.items()
            if index != besides and index < len(cells) and not _is_count(cells[index])
        ]
        figures = any(column.kind in ("int", "decimal") and _has_digit(cells[index]) for index, column in filled)
        return figures and 2 * len(filled) >= len(self.required)


def _is_count(value):
    return is_blank(value) or (isinstance(value, str) and bool(_COUNT.match(header_key(value))))


def _has_digit(value):
    return isinstance(value, int | float) or any(character.isdigit() for character in str(value))


def _row_text(cells):
    """The row's cells as one line, for the preview to show which row it means."""
    return " ".join(" ".join(str(cell).split()) for cell in cells if not is_blank(cell))[:80]


def _end_marker(cells, shape):
    """("total" or "signature", the text) when this row adds up the list or signs it, else None."""
    if shape.surely_data(cells):
        return None
    for index, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():
            continue
        kind = _end_word(cell)
        if kind is None:
            continue
        # A data row may well say "Tổng công ty…" or "xác nhận" in a cell: a total or a signature
        # row holds no case.
        if not shape.looks_like_data(cells, besides=index):
            return kind, cell.strip()
    return None


def _end_word(cell):
    """ "total" or "signature" when the cell's text, in any of its readings (an old font), says so."""
    for reading in readings(cell):
        key = header_key(reading)
        if _TOTAL_LINE.match(key):
            return "total"
        if key in SIGNATURE_WORDS or key.startswith(SIGNATURE_PREFIXES) or _DATE_LINE.search(key):
            return "signature"
    return None


def _is_section(cells, shape):
    """A group heading inside the data: "I. Thôn Nà Can", "II | Thôn Bản Chu", "A. HỘ GIA ĐÌNH".

    A few text cells, one of the required columns at most; a heading with no case code may carry
    its group's sums in the area or quantity columns.
    """
    filled = {index for index, cell in enumerate(cells) if not is_blank(cell)}
    sums = {index for index in filled if index in shape.required and shape.required[index].kind == "decimal"}
    code = shape.positions.get("code")
    if sums and code in filled:
        return False
    words = filled - sums
    return (
        len(words) <= SECTION_CELLS
        and all(isinstance(cells[index], str) for index in words)
        and len(words & shape.required.keys()) <= 1
    )


def _refuse_data_under_signatures(sheet, number, end):
    raise ImportRefused(
        _(
            "Sheet “%(sheet)s”, row %(row)d holds a case's data under the totals and signatures that end the list "
            "(row %(end)d: “%(text)s”), so it is not clear whether it belongs to the list. Move the row above the "
            "totals, or delete it, and upload the file again."
        )
        % {"sheet": sheet, "row": number, "end": end[0], "text": end[1][:80]},
        "data_under_signatures",
    )


def skipped_notes(reading):
    """The preview's sentences about rows under the header that were not read as data, in order."""
    notes = []
    for number, kind, text in reading.skipped[:SKIPPED_LISTED]:
        if kind == "numbering":
            note = _("Row %(row)d numbers the columns (%(text)s): skipped.")
        elif kind == "section":
            note = _("Row %(row)d, “%(text)s”, is a group heading, not data: skipped.")
        else:
            note = _("Row %(row)d, “%(text)s”, adds up the rows above it: skipped.")
        notes.append(note % {"row": number, "text": text})
    more = len(reading.skipped) - SKIPPED_LISTED
    if more > 0:
        notes.append(
            ngettext("…and %(count)d more row skipped.", "…and %(count)d more rows skipped.", more) % {"count": more}
        )
    return notes


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
