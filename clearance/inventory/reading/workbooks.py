"""Workbooks: .xlsx through openpyxl, .xls (Excel 97–2003) and .ods through python-calamine.

Only visible sheets are read, and a hidden one is never named: a list's owner may hide
working sheets that are nobody else's business. Every row is read whatever the used range
the file declares: a stale <dimension> made openpyxl stop early and drop rows silently.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clearance.inventory import biff
from clearance.inventory.columns import (
    ASSET_COLUMNS,
    ASSET_SHEET,
    GUIDE_SHEET,
    MAX_COLUMNS,
    PARCEL_COLUMNS,
    PARCEL_SHEET,
)
from clearance.inventory.reading.headers import header_key
from clearance.inventory.reading.rows import read_sheet
from clearance.inventory.safety import ImportRefused

logger = logging.getLogger(__name__)

_ZERO_PADDED = re.compile(r"^0+$")  # a number format that shows leading zeros: 000000000000
_CELL_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")


def _unreadable(error):
    logger.info("Unreadable workbook: %r", error)
    return ImportRefused(
        _(
            "The workbook cannot be read (%(reason)s). Open it in Excel and save it again as “Excel Workbook "
            "(.xlsx)” (File → Save As; in Vietnamese Excel: Tệp → Lưu Thành → Sổ làm việc Excel)."
        )
        % {"reason": type(error).__name__},
        "unreadable",
    )


def _choose_sheets(names):
    """([sheets that may hold the parcels, to try in order], asset sheet or None) among the visible sheets.

    A sheet named "Thửa đất" is the parcels' sheet. Otherwise offices often put a cover or an
    instructions sheet first: every other visible sheet is a candidate, in the workbook's order.
    """
    by_key = {header_key(name): name for name in names}
    parcel = by_key.get(header_key(PARCEL_SHEET))
    if parcel is not None:
        candidates = [parcel]
    else:
        candidates = [
            name for name in names if header_key(name) not in (header_key(ASSET_SHEET), header_key(GUIDE_SHEET))
        ]
        if not candidates:
            raise ImportRefused(
                _("The workbook has no sheet “%(sheet)s” of land parcels.") % {"sheet": PARCEL_SHEET}, "no_sheet"
            )
    return candidates, by_key.get(header_key(ASSET_SHEET))


def _first_list(candidates, read):
    """The reading of the first candidate sheet that holds the list, `read` being sheet name -> SheetReading.

    A sheet without a header (a cover, a note) is passed over; when no sheet holds the list,
    the refusal is the first sheet's with a header (what is wrong with it), else the first's.
    """
    refusals = []
    for name in candidates:
        try:
            return read(name)
        except ImportRefused as refusal:
            if refusal.code not in ("no_header", "missing_column"):
                raise
            refusals.append(refusal)
    raise next((refusal for refusal in refusals if refusal.code != "no_header"), refusals[0])


# --- .xlsx ----------------------------------------------------------------------------------------


@dataclass
class _SheetFacts:
    """What openpyxl's fast reader does not tell: hidden rows, formulas saved without their result."""

    hidden_rows: set = field(default_factory=set)
    formula_cells: set = field(default_factory=set)  # (row number, column position)


def _sheet_facts(archive, path):
    from defusedxml.ElementTree import iterparse

    facts = _SheetFacts()
    row_number, position = 0, -1
    with archive.open(path.lstrip("/")) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start" and tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                position = -1
                if element.get("hidden") in ("1", "true"):
                    facts.hidden_rows.add(row_number)
            elif event == "end" and tag == "c":
                reference = _CELL_REFERENCE.match(element.get("r") or "")
                position = _column_position(reference[1]) if reference else position + 1
                children = {child.tag.rpartition("}")[2]: child for child in element}
                value = children.get("v")
                if "f" in children and (value is None or not (value.text or "").strip()):
                    facts.formula_cells.add((row_number, position))
                element.clear()
            elif event == "end" and tag == "row":
                element.clear()
    return facts


def _column_position(letters):
    position = 0
    for letter in letters:
        position = position * 26 + ord(letter) - 64
    return position - 1


def read_xlsx(data, table):
    import openpyxl  # imported here: only workbook uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        raise _unreadable(error) from error
    try:
        visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
        table.hidden_sheets = len(workbook.worksheets) - len(visible)
        candidates, asset_name = _choose_sheets([sheet.title for sheet in visible])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reading = _first_list(
                candidates, lambda name: _read_worksheet(archive, workbook[name], PARCEL_COLUMNS, "parcel")
            )
            _id_numbers_as_shown(workbook[reading.sheet], reading.rows, reading.positions.get("id_number"))
            table.add(reading)
            if asset_name is not None:
                table.add(_read_worksheet(archive, workbook[asset_name], ASSET_COLUMNS, "asset"), assets=True)
    except ImportRefused:
        raise
    except Exception as error:
        raise _unreadable(error) from error
    finally:
        workbook.close()
    return table


def _read_worksheet(archive, worksheet, columns, sheet_kind):
    # openpyxl's private path of the sheet's part: the public API has no other way to it.
    facts = _sheet_facts(archive, worksheet._worksheet_path)
    worksheet.reset_dimensions()  # read every row, whatever <dimension> claims
    numbered = enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    return _read_sheet(worksheet.title, numbered, columns, sheet_kind, facts)


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


# --- .xls and .ods --------------------------------------------------------------------------------


def read_calamine(data, table):
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine's errors for a damaged or encrypted file
        raise _unreadable(error) from error
    with workbook:
        sheets = [meta for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
        visible = [meta.name for meta in sheets if meta.visible == SheetVisibleEnum.Visible]
        table.hidden_sheets = len(sheets) - len(visible)
        candidates, asset_name = _choose_sheets(visible)
        facts = _ods_facts(data) if table.file_format == "ods" else biff.sheet_facts(data)

        def read(name, columns=PARCEL_COLUMNS, sheet_kind="parcel"):
            return _read_calamine_sheet(workbook, name, columns, sheet_kind, facts.get(name) or _SheetFacts())

        try:
            reading = _first_list(candidates, read)
            _xls_id_numbers_as_shown(reading, facts.get(reading.sheet))
            table.add(reading)
            if asset_name is not None:
                table.add(read(asset_name, ASSET_COLUMNS, "asset"), assets=True)
        except ImportRefused:
            raise
        except Exception as error:
            raise _unreadable(error) from error
    return table


def _read_calamine_sheet(workbook, name, columns, sheet_kind, facts):
    # skip_empty_area=False: the rows start at row 1 even when the sheet's first cell is lower.
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    numbered = ((number, cells[:MAX_COLUMNS]) for number, cells in enumerate(rows, start=1))
    return _read_sheet(name, numbered, columns, sheet_kind, facts)


def _xls_id_numbers_as_shown(reading, facts):
    """An .xls ID number in a number cell formatted with zeros becomes the digits shown, as in an .xlsx."""
    index = reading.positions.get("id_number")
    zero_padded = getattr(facts, "zero_padded", None)
    if index is None or not zero_padded:
        return
    for row in reading.rows:
        width = zero_padded.get((row.number, index))
        if width and _is_number(row.values.get("id_number")):
            digits = str(int(row.values["id_number"]))
            if width > len(digits):
                row.values["id_number"] = digits.zfill(width)


def _ods_facts(data):
    """{sheet name: _SheetFacts} of an OpenDocument spreadsheet: rows hidden (collapsed or filtered), and
    formulas saved without their result (a cell with table:formula but no office:value-type)."""
    from defusedxml.ElementTree import iterparse

    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table_tag, row_tag = f"{{{table_ns}}}table", f"{{{table_ns}}}table-row"
    cell_tags = (f"{{{table_ns}}}table-cell", f"{{{table_ns}}}covered-table-cell")
    repeated_rows, repeated_columns = f"{{{table_ns}}}number-rows-repeated", f"{{{table_ns}}}number-columns-repeated"
    formula, value_type = f"{{{table_ns}}}formula", f"{{{office_ns}}}value-type"
    facts, sheet, row_number, depth = {}, None, 0, 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if element.tag == table_tag:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        sheet = facts.setdefault(element.get(f"{{{table_ns}}}name"), _SheetFacts())
                        row_number = 0
                else:
                    depth -= 1
                    element.clear()
            elif element.tag == row_tag and event == "end" and depth == 1:
                # safety's extent check bounds the repeats of rows that hold anything.
                repeated = int(element.get(repeated_rows) or 1)
                if element.get(f"{{{table_ns}}}visibility") in ("collapse", "filter"):
                    sheet.hidden_rows.update(range(row_number + 1, row_number + 1 + min(repeated, 1000)))
                column = 0
                for cell in element:
                    if cell.tag not in cell_tags:
                        continue
                    span = int(cell.get(repeated_columns) or 1)
                    if cell.get(formula) and not cell.get(value_type) and column < MAX_COLUMNS:
                        columns = range(column, min(column + span, MAX_COLUMNS))
                        for number in range(row_number + 1, row_number + 1 + min(repeated, 1000)):
                            sheet.formula_cells.update((number, position) for position in columns)
                    column += span
                row_number += repeated
                element.clear()
    return facts


def _read_sheet(name, numbered, columns, sheet_kind, facts):
    """The sheet's rows read as a list, with what the file's own records say of them (hidden rows, formulas)."""
    return read_sheet(
        name,
        numbered,
        columns,
        sheet_kind,
        optional=sheet_kind == "asset",
        hidden_rows=facts.hidden_rows,
        formula_cells=facts.formula_cells,
    )
