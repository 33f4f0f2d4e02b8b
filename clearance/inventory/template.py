"""The downloadable template, empty or filled with a phase's cases (the export).

A filled export re-imports with no change: numbers plain (never "1.234"), identical assets as one
row, text that a spreadsheet would run quoted as every download quotes it (docs/decisions/0013).
"""

import csv
import io
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clearance.exports import CSV_STANDARD, CSV_VIETNAMESE, neutralise, plain_number
from clearance.inventory.columns import (
    ASSET_COLUMNS,
    ASSET_KIND_LABEL,
    ASSET_SHEET,
    CASE_KIND_LABEL,
    CASE_KIND_WORDS,
    CSV_ASSETS_COLUMN,
    GUIDE_SHEET,
    PARCEL_COLUMNS,
    PARCEL_SHEET,
    STRUCTURE_LABEL,
    STRUCTURE_WORDS,
)
from clearance.land_use import Group, format_uses, nomenclature
from clearance.models import Asset, LandParcel

GUIDE_RULES = [
    "Mỗi dòng của trang “Thửa đất” là một thửa đất; các dòng có cùng “Mã hồ sơ” là một trường hợp.",
    "Các cột của trường hợp (Mã hồ sơ … Cấp xã theo) ghi ở dòng đầu của trường hợp; các dòng sau để trống "
    "hoặc ghi y hệt. Ghi khác nhau là lỗi.",
    "Dòng tiêu đề được tìm trong 30 dòng đầu (có thể có quốc hiệu, tên danh sách ở trên); dòng “Tổng cộng” "
    "và phần chữ ký ở dưới kết thúc danh sách. Cột thừa bị bỏ qua, dòng trống bị bỏ qua.",
    "Số: 1.234,5 (kiểu Việt Nam) hoặc 1234.5; “1.234” hay “10,000” đọc được hai cách (1,234 hoặc 1234) "
    "nên bị từ chối, trừ khi các ô khác của cột cho biết cách viết: hãy viết 1234 hoặc 1.234,0.",
    "Nhập lại cùng một tệp không tạo bản ghi trùng: thửa đất nhận theo xã của tờ bản đồ + số tờ + số thửa, "
    "trường hợp theo giai đoạn + mã hồ sơ, tài sản theo trường hợp + loại + mô tả + đơn vị tính.",
    "Ô không bắt buộc để trống thì giữ nguyên giá trị đã lưu.",
    "Có một lỗi thì không ghi dòng nào: sửa hết lỗi trong bản xem trước rồi tải tệp lên lại.",
    "Trang “Tài sản” (không bắt buộc): mỗi dòng một tài sản của một trường hợp. Các tài sản giống nhau "
    "(cùng loại, mô tả, đơn vị tính) của một trường hợp ghi một dòng, số lượng là tổng.",
    "Dấu ' đứng trước =, +, -, @ ở đầu ô (để bảng tính không chạy ô như công thức) không được lưu.",
    "Nhận tệp .xlsx, .xls (Excel 97–2003), .ods và CSV. Tệp CSV: chỉ một bảng thửa đất, mã UTF-8 hoặc UTF-16, "
    "phân cách bằng dấu phẩy, dấu chấm phẩy hoặc tab; tài sản ghi ở cột “Tài sản”.",
]
KIND_NAMES = {
    "text": "chữ",
    "int": "số nguyên",
    "decimal": "số",
    "choice": "chọn một",
    "assets": "danh sách",
    "land_uses": "mã loại đất",
    "id_number": "dãy số, ô văn bản",
}
GROUP_WORDS = {
    Group.AGRICULTURAL: "nông nghiệp",
    Group.NON_AGRICULTURAL: "phi nông nghiệp",
    Group.UNUSED: "chưa sử dụng",
}
DATA_ROWS = 5000  # rows that get drop-down lists in the template


def _number(value):
    """Decimals as plain numbers, without trailing zeros or exponent."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else value
    return value


def case_cells(case):
    """The case's cells of a parcel row: code, kind, name, ID number, address, village, commune."""
    return {
        "code": case.code,
        "kind": CASE_KIND_LABEL[case.kind],
        "name": case.name,
        "id_number": case.id_number,
        "address": case.address,
        "village": case.village,
        "unit_code": case.unit.code,
        "unit_structure": STRUCTURE_LABEL[case.unit.structure],
    }


def parcel_row(parcel):
    return {
        **case_cells(parcel.case),
        "sheet_unit_code": parcel.sheet_unit.code,
        "sheet_unit_structure": STRUCTURE_LABEL[parcel.sheet_unit.structure],
        "map_sheet_no": parcel.map_sheet_no,
        "parcel_no": parcel.parcel_no,
        "area_m2": _number(parcel.area_m2),
        "recovered_area_m2": _number(parcel.recovered_area_m2),
        "land_use_code": format_uses((use.land_use_code, use.area_m2) for use in parcel.uses.all()),
        "land_origin": parcel.land_origin,
        "certificate_no": parcel.certificate_no,
    }


def asset_row(asset, case, quantity=None):
    """An asset row; its "case" (the case's cells) lets a CSV write a case that has no parcel."""
    return {
        "case": case_cells(case),
        "code": case.code,
        "kind": ASSET_KIND_LABEL[asset.kind],
        "description": asset.description,
        "quantity": _number(asset.quantity if quantity is None else quantity),
        "unit_of_measure": asset.unit_of_measure,
    }


def _merged_assets(assets, cases):
    """One row per asset as the import knows it (case, kind, description, unit), quantities added up.

    The import refuses the same asset twice in a file, so two stored assets alike (a crop on two
    parcels of one case) are written once with their total (docs/decisions/0013).
    """
    merged = {}
    for asset in assets:
        key = (asset.case_id, asset.kind, asset.description, asset.unit_of_measure)
        if key in merged:
            merged[key][1] += asset.quantity
        else:
            merged[key] = [asset, asset.quantity]
    return [asset_row(asset, cases[asset.case_id], quantity) for asset, quantity in merged.values()]


def export_rows(cases):
    """Rows of parcels and of assets for the given cases (already scoped by the caller)."""
    cases = list(cases.select_related("unit"))
    parcels = (
        LandParcel.objects.filter(case__in=cases)
        .select_related("case__unit", "sheet_unit")
        .prefetch_related("uses")
        .order_by("case__code", "sheet_unit__code", "map_sheet_no", "parcel_no")
    )
    assets = Asset.objects.filter(case__in=cases).order_by("case__code", "kind", "id")
    return [parcel_row(p) for p in parcels], _merged_assets(assets, {case.pk: case for case in cases})


def build_xlsx(parcel_rows=(), asset_rows=()):
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    bold = Font(bold=True)

    def data_sheet(sheet, columns, rows, choices):
        sheet.append([column.header for column in columns])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) + 4))
            if column.is_text:
                # Text cells keep leading zeros (ID numbers) and are never turned into dates.
                sheet.column_dimensions[letter].number_format = "@"
            if column.key in choices:
                listed = ",".join(choices[column.key])
                validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
                validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
                sheet.add_data_validation(validation)
        for row in rows:
            sheet.append([_xlsx_value(row.get(column.key)) for column in columns])
        if rows:
            for index, column in enumerate(columns, start=1):
                if column.is_text:
                    for (cell,) in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=index, max_col=index):
                        cell.number_format = "@"

    parcels = workbook.active
    parcels.title = PARCEL_SHEET
    data_sheet(
        parcels,
        PARCEL_COLUMNS,
        list(parcel_rows),
        {
            "kind": list(CASE_KIND_LABEL.values()),
            "unit_structure": list(STRUCTURE_WORDS),
            "sheet_unit_structure": list(STRUCTURE_WORDS),
        },
    )
    data_sheet(
        workbook.create_sheet(ASSET_SHEET), ASSET_COLUMNS, list(asset_rows), {"kind": list(ASSET_KIND_LABEL.values())}
    )

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["Mẫu danh sách kiểm đếm (thửa đất, tài sản) – LSIP"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    for rule in GUIDE_RULES:
        guide.append([f"• {rule}"])
    for title, columns in ((PARCEL_SHEET, [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN]), (ASSET_SHEET, ASSET_COLUMNS)):
        guide.append([])
        guide.append([f"Trang “{title}”"])
        guide.cell(guide.max_row, 1).font = bold
        guide.append(["Cột", "Bắt buộc", "Kiểu", "Cách ghi", "Ví dụ"])
        for cell in guide[guide.max_row]:
            cell.font = bold
        for column in columns:
            guide.append([column.header, "có" if column.required else "không", KIND_NAMES[column.kind], column.help,
                          column.example])  # fmt: skip
    guide.append([])
    guide.append(["Loại đối tượng: " + " / ".join(CASE_KIND_WORDS)])
    guide.append([])
    guide.append(["Mã loại đất"])
    guide.cell(guide.max_row, 1).font = bold
    guide.append(["Mã", "Nhóm đất", "Mã hiện hành", "Tên loại đất"])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for use in nomenclature().values():
        guide.append([use.code, GROUP_WORDS[use.group], use.maps_to or "", use.name_vi])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["D"].width = 80
    guide.column_dimensions["E"].width = 30
    for row in guide.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value):
    if isinstance(value, str):
        # Control characters (pasted from other software) are not allowed in XLSX and would fail the whole file.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def build_csv(parcel_rows=(), asset_rows=(), *, vietnamese=False):
    """UTF-8 with a byte-order mark, so Excel shows the diacritics; assets in the "Tài sản" column.

    `vietnamese`: for Excel set to Vietnamese, ";" between cells and decimal commas; the import reads both.
    """
    dialect = CSV_VIETNAMESE if vietnamese else CSV_STANDARD
    columns = [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN]
    assets_of = {}
    for row in asset_rows:
        item = " | ".join(
            _csv_text(row[key], dialect) for key in ("kind", "description", "quantity", "unit_of_measure")
        )
        assets_of.setdefault(row["code"], []).append(item)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    written = set()

    def write(values):
        if values["code"] not in written:
            values["assets"] = "; ".join(assets_of.get(values["code"], []))
            written.add(values["code"])
        if vietnamese and values.get("land_use_code"):
            # Codes are letters, so the only dots of "ONT 200; CLN 250.5" are decimal points.
            values["land_use_code"] = values["land_use_code"].replace(".", ",")
        writer.writerow([neutralise(_csv_text(values.get(column.key), dialect)) for column in columns])

    for row in parcel_rows:
        write(dict(row))
    for row in asset_rows:
        if row["code"] not in written:
            # A case with assets and no parcel: its own cells and its assets, the parcel cells blank.
            write(dict(row["case"]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value, dialect):
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return plain_number(value, dialect.decimal_mark)
    return str(value)
