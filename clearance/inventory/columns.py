"""The inventory sheet's columns and words: the file format, fixed in Vietnamese.

Headers and vocabulary are part of the file format, not of the interface, so they are
not translated: a sheet filled in by a commune reads the same whoever uploads it.
docs/INVENTORY_FORMAT.md documents every column; keep the two in step.
"""

from dataclasses import dataclass

from clearance.models import Asset, Case, LandParcel
from zones.models import AdminUnit
from zones.text import fold

PARCEL_SHEET = "Thửa đất"
ASSET_SHEET = "Tài sản"
GUIDE_SHEET = "Hướng dẫn"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text, int, decimal, choice, assets, land_uses, id_number
    required: bool
    help: str
    example: str
    max_length: int | None = None
    decimal_places: int | None = None
    per_case: bool = False  # a case column, repeated on each of the case's parcel rows

    @property
    def folded(self):
        return fold(self.header)

    @property
    def is_text(self):
        """Written as a text cell ("@"): Excel then keeps leading zeros and never makes a date of it."""
        return self.kind in ("text", "id_number")


def _max(model, field):
    return model._meta.get_field(field).max_length


CASE_KIND_WORDS = {
    "hộ gia đình": Case.Kind.HOUSEHOLD,
    "cá nhân": Case.Kind.INDIVIDUAL,
    "tổ chức": Case.Kind.ORGANIZATION,
    "cộng đồng": Case.Kind.COMMUNITY,
    "cộng đồng dân cư": Case.Kind.COMMUNITY,
}

ASSET_KIND_WORDS = {
    "nhà": Asset.Kind.HOUSE,
    "nhà ở": Asset.Kind.HOUSE,
    "công trình": Asset.Kind.STRUCTURE,
    "vật kiến trúc": Asset.Kind.STRUCTURE,
    "hoa màu": Asset.Kind.CROP,
    "cây hằng năm": Asset.Kind.CROP,
    "cây": Asset.Kind.TREE,
    "cây trồng": Asset.Kind.TREE,
    "cây lâu năm": Asset.Kind.TREE,
    "vật nuôi": Asset.Kind.LIVESTOCK,
    "mộ": Asset.Kind.GRAVE,
    "mồ mả": Asset.Kind.GRAVE,
    "khác": Asset.Kind.OTHER,
}

STRUCTURE_WORDS = {
    "trước 2025": AdminUnit.Structure.LEGACY,
    "từ 2025": AdminUnit.Structure.CURRENT,
}

# The word a file shows for each value, for the template and the export.
CASE_KIND_LABEL = {
    Case.Kind.HOUSEHOLD: "hộ gia đình",
    Case.Kind.INDIVIDUAL: "cá nhân",
    Case.Kind.ORGANIZATION: "tổ chức",
    Case.Kind.COMMUNITY: "cộng đồng",
}
ASSET_KIND_LABEL = {
    Asset.Kind.HOUSE: "nhà",
    Asset.Kind.STRUCTURE: "công trình",
    Asset.Kind.CROP: "hoa màu",
    Asset.Kind.TREE: "cây",
    Asset.Kind.LIVESTOCK: "vật nuôi",
    Asset.Kind.GRAVE: "mộ",
    Asset.Kind.OTHER: "khác",
}
STRUCTURE_LABEL = {value: word for word, value in STRUCTURE_WORDS.items()}


def _words(mapping):
    return " / ".join(mapping)


PARCEL_COLUMNS = [
    Column("code", "Mã hồ sơ", "text", True,
           "Mã của trường hợp trong giai đoạn; mỗi thửa một dòng, các dòng cùng mã là một trường hợp.",
           "HS-0001", _max(Case, "code"), per_case=True),
    Column("kind", "Loại đối tượng", "choice", True, _words(CASE_KIND_WORDS), "hộ gia đình", per_case=True),
    Column("name", "Họ tên / tên tổ chức", "text", True, "Viết đủ dấu tiếng Việt.", "Hộ bà Hoàng Thị Mai",
           _max(Case, "name"), per_case=True),
    Column("id_number", "Số CCCD", "id_number", False,
           "Hộ gia đình, cá nhân: số căn cước (CCCD) 12 chữ số của chủ hộ, hoặc CMND cũ 9 chữ số; tổ chức: mã số "
           "thuế 10 chữ số (đơn vị phụ thuộc: 10 + 3, ví dụ 4900123456-001); cộng đồng: để trống hoặc một trong các "
           "số trên. Định dạng cột là Văn bản để giữ số 0 ở đầu; số đã mất số 0 hoặc hiện dạng 2,01851E+10 bị từ chối.",
           "020185001234", _max(Case, "id_number"), per_case=True),
    Column("address", "Địa chỉ", "text", False, "Địa chỉ thường trú.",
           "Thôn Đồng Bụt, xã Hồ Sơn, huyện Hữu Lũng", _max(Case, "address"), per_case=True),
    Column("village", "Thôn", "text", False, "Thôn, bản, khu phố.", "Thôn Đồng Bụt", _max(Case, "village"),
           per_case=True),
    Column("unit_code", "Mã xã", "int", True,
           "Mã thống kê của xã, phường, thị trấn nơi lập hồ sơ (trước hoặc từ 1/7/2025).", "6451", per_case=True),
    Column("unit_structure", "Cấp xã theo", "choice", False,
           "trước 2025 / từ 2025. Bắt buộc khi mã xã vừa là mã một xã cũ vừa là mã một xã mới.", "trước 2025",
           per_case=True),
    Column("sheet_unit_code", "Mã xã của tờ bản đồ", "int", False,
           "Mã xã mà tờ bản đồ thuộc về (số tờ đánh lại theo từng xã); để trống nếu là xã ở cột “Mã xã”.", "6451"),
    Column("sheet_unit_structure", "Cấp xã của tờ bản đồ theo", "choice", False,
           "trước 2025 / từ 2025; để trống thì theo cột “Cấp xã theo”.", ""),
    Column("map_sheet_no", "Số tờ", "int", True, "Số tờ bản đồ địa chính, từ 1.", "12"),
    Column("parcel_no", "Số thửa", "int", True, "Số thửa trên tờ bản đồ, từ 1.", "345"),
    Column("area_m2", "Diện tích (m²)", "decimal", True,
           "Lớn hơn 0, tối đa 1 chữ số thập phân; viết 1.234,5 hoặc 1234.5.", "1.234,5", decimal_places=1),
    Column("recovered_area_m2", "Diện tích thu hồi (m²)", "decimal", True,
           "Lớn hơn 0 và không quá diện tích thửa.", "800", decimal_places=1),
    Column("land_use_code", "Loại đất", "land_uses", True,
           "Mã loại đất như trên giấy chứng nhận hoặc bản đồ địa chính (mã năm 2024 hoặc mã cũ; danh sách ở cuối "
           "trang này). Thửa có nhiều loại đất: ghi từng mã với diện tích của nó, tổng bằng diện tích thửa, "
           "ví dụ “ONT 200; CLN 250”.", "LUC"),
    Column("land_origin", "Nguồn gốc đất", "text", False, "Ví dụ: Nhà nước giao đất không thu tiền.",
           "Nhà nước giao đất không thu tiền", _max(LandParcel, "land_origin")),
    Column("certificate_no", "Số GCN", "text", False, "Số giấy chứng nhận quyền sử dụng đất.", "CH 01234",
           _max(LandParcel, "certificate_no")),
]  # fmt: skip

# CSV has no second sheet: a case's assets go in one cell, "loại | mô tả | số lượng | đơn vị; …".
CSV_ASSETS_COLUMN = Column(
    "assets", "Tài sản", "assets", False,
    "Chỉ trong tệp CSV: các tài sản của trường hợp, cách nhau bằng dấu “;”, mỗi tài sản "
    "“loại | mô tả | số lượng | đơn vị tính”; ghi ở một dòng của trường hợp (hoặc lặp lại y hệt).",
    "cây | Cây vải | 10 | cây; mộ | Mộ đất | 1 | ngôi", per_case=True,
)  # fmt: skip

ASSET_COLUMNS = [
    Column("code", "Mã hồ sơ", "text", True, "Mã hồ sơ của trường hợp có tài sản.", "HS-0001", _max(Case, "code")),
    Column("kind", "Loại tài sản", "choice", True, _words(ASSET_KIND_WORDS), "cây"),
    Column("description", "Mô tả", "text", False, "Tên tài sản, ví dụ Cây vải, Nhà cấp 4.", "Cây vải",
           _max(Asset, "description")),
    Column("quantity", "Số lượng", "decimal", True, "Lớn hơn 0, tối đa 2 chữ số thập phân.", "10",
           decimal_places=2),
    Column("unit_of_measure", "Đơn vị tính", "text", False, "m², cây, con, ngôi…", "cây",
           _max(Asset, "unit_of_measure")),
]  # fmt: skip

# Limits that keep a 20,000-row sheet from becoming a denial of service.
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2000
