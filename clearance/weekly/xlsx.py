"""The weekly report as an XLSX: title rows, a two-row grouped heading, then the rows as numbers.

The sheet is small (a row per phase and commune), so it is built in memory with merged heading
cells; every text cell, free text from the units' reports included, goes through `neutralise`.
"""

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from clearance.exports import XLSX_CONTENT_TYPE, XLSX_DATE_FORMAT, XLSX_HECTARES_FORMAT, neutralise
from clearance.weekly.columns import COLUMNS, heading_rows
from zones.units import round_ha

INTEGER = "#,##0"
HECTARES = XLSX_HECTARES_FORMAT
NUMBER_FORMATS = {
    "int": INTEGER,
    "vnd": INTEGER,
    "ha": HECTARES,
    "pct": "0.0%",
    "date": XLSX_DATE_FORMAT,
    "change_int": "+#,##0;-#,##0;0",
    "change_vnd": "+#,##0;-#,##0;0",
    "change_ha": "+#,##0.00;-#,##0.00;0.00",
}
BOLD = Font(bold=True)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADING_FILL = PatternFill("solid", fgColor="E8EDF0")
TOTAL_FILL = PatternFill("solid", fgColor="F3F5F6")


def filename(report):
    return f"bao-cao-tien-do-gpmb-{report.week.iso}.xlsx"


def xlsx_value(kind, value):
    """A figure as the spreadsheet keeps it: whole VND and counts as integers, ha to 2 decimals, % as a fraction."""
    if kind == "text":
        return neutralise(value) if value else None
    if value is None:
        return None
    if kind in ("int", "vnd", "change_int", "change_vnd"):
        return int(value)
    if kind in ("ha", "change_ha"):
        return round_ha(value)
    if kind == "pct":
        return value / 100
    return value


def workbook(report, title):
    book = Workbook()
    sheet = book.active
    sheet.title = report.week.iso

    sheet.append([neutralise(str(title))])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for label, text in report.facts():
        sheet.append([neutralise(f"{label}: {text}")])

    first_heading = sheet.max_row + 2  # a blank row under the facts
    _heading(sheet, first_heading)
    for row in [*report.rows, report.total]:
        values = [xlsx_value(column.kind, column.value(row)) for column in COLUMNS]
        sheet.append(values)
        _style_row(sheet, sheet.max_row, emphasised=row.level != "commune")

    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    # The heading stays in view, and so do the project and commune beside the figures.
    sheet.freeze_panes = sheet.cell(row=first_heading + 2, column=3)
    sheet.print_title_rows = f"{first_heading}:{first_heading + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return book


def _heading(sheet, first):
    top, bottom = heading_rows()
    column = 1
    sub_labels = iter(bottom)
    for label, colspan, rowspan in top:
        sheet.cell(row=first, column=column, value=neutralise(str(label)))
        if rowspan == 2:
            sheet.merge_cells(start_row=first, start_column=column, end_row=first + 1, end_column=column)
        else:
            if colspan > 1:
                sheet.merge_cells(start_row=first, start_column=column, end_row=first, end_column=column + colspan - 1)
            for offset in range(colspan):
                sheet.cell(row=first + 1, column=column + offset, value=neutralise(str(next(sub_labels))))
        column += colspan
    for row in (first, first + 1):
        for index in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row=row, column=index)
            cell.font, cell.fill, cell.border = BOLD, HEADING_FILL, BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _style_row(sheet, number, *, emphasised):
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=number, column=index)
        cell.border = BOX
        cell.alignment = Alignment(vertical="top", wrap_text=column.kind == "text")
        if column.kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[column.kind]
        if emphasised:
            cell.font, cell.fill = BOLD, TOTAL_FILL


def xlsx_response(report, title):
    content = io.BytesIO()
    workbook(report, title).save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(report)}"'
    return response
