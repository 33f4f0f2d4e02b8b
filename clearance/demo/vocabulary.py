"""The made-up world of the synthetic demo: names, places, prices, documents and shares."""

import datetime
from decimal import Decimal

from clearance.models import (
    Stage,
    StageEvent,
)
from zones.models import REFORM_DATE

DEFAULT_SEED = 20240601
CASE_COUNT = 495

# Every date falls while the legacy communes the cases are recorded under still existed.
DEMO_END = REFORM_DATE - datetime.timedelta(days=1)


# The project lies in these two legacy communes of Hữu Lũng; the villages are invented.
COMMUNES = {
    6451: ["Thôn Đồng Tiến", "Thôn Làng Dọc", "Thôn Quan Sơn", "Thôn Đồng Lùng", "Thôn Cò Nghệ"],
    6460: ["Thôn Đồng Mồng", "Thôn Khuôn Thê", "Thôn Lục Liễu", "Thôn Na Hoa"],
}
COMMUNE_SHARE = {6451: 0.58, 6460: 0.42}
RESETTLEMENT_AREAS = {
    6451: "Khu tái định cư Hồ Sơn (mô phỏng)",
    6460: "Khu tái định cư Hòa Thắng (mô phỏng)",
}
FREE_PLOTS_PER_AREA = 15

# Where the cases stand; every one has at least been counted (kiểm đếm).
STAGE_SHARES = [
    (Stage.HANDED_OVER, 0.35),
    (Stage.PAID, 0.10),
    (Stage.RECOVERY_DECIDED, 0.05),
    (Stage.PLAN_APPROVED, 0.10),
    (Stage.PLAN_POSTED, 0.15),
    (Stage.INVENTORY, 0.25),
]

# Notices went out in waves; the cases furthest along got theirs first. The windows are
# chosen so that the longest chain of steps still ends before DEMO_END.
NOTICE_WINDOWS = {
    Stage.HANDED_OVER: (datetime.date(2023, 10, 2), datetime.date(2024, 5, 31)),
    Stage.PAID: (datetime.date(2023, 10, 2), datetime.date(2024, 5, 31)),
    Stage.RECOVERY_DECIDED: (datetime.date(2023, 10, 2), datetime.date(2024, 5, 31)),
    Stage.PLAN_APPROVED: (datetime.date(2024, 1, 2), datetime.date(2024, 10, 31)),
    Stage.PLAN_POSTED: (datetime.date(2024, 3, 1), datetime.date(2024, 12, 31)),
    Stage.INVENTORY: (datetime.date(2024, 6, 3), datetime.date(2025, 3, 31)),
}

# Recovered area of the handed-over cases, in ha: just above the article's "more than 57 ha".
HANDED_OVER_HA = (Decimal("57.3"), Decimal("59.6"))
# All recovered area stays inside the 200 ha phase, with room to spare.
TOTAL_HA_LIMIT = Decimal("195")

DISTRICT = "UBND huyện Hữu Lũng"
COUNCIL = "Hội đồng bồi thường, hỗ trợ và tái định cư huyện Hữu Lũng"
LAND_FUND = "Trung tâm Phát triển quỹ đất huyện Hữu Lũng"

Kind = StageEvent.Kind
DocType = StageEvent.DocType

# Each step's act: document type, number suffix and who issues it (None: the commune).
DOCUMENTS = {
    Kind.NOTICE: (DocType.NOTICE, "TB-UBND", DISTRICT),
    Kind.INVENTORY: (DocType.MINUTES, "BB-HĐBT", COUNCIL),
    Kind.COMPULSORY_INVENTORY: (DocType.DECISION, "QĐ-UBND", DISTRICT),
    Kind.PLAN_POSTED: (DocType.MINUTES, "BB-UBND", None),
    Kind.PLAN_APPROVED: (DocType.DECISION, "QĐ-UBND", DISTRICT),
    Kind.RECOVERY_DECIDED: (DocType.DECISION, "QĐ-UBND", DISTRICT),
    Kind.PAID: (DocType.MINUTES, "BB-PTQĐ", LAND_FUND),
    Kind.HANDED_OVER: (DocType.MINUTES, "BB-PTQĐ", LAND_FUND),
    Kind.ENFORCEMENT: (DocType.DECISION, "QĐ-UBND", DISTRICT),
    Kind.RESETTLEMENT: (DocType.DECISION, "QĐ-UBND", DISTRICT),
}

SURNAMES = [
    "Hoàng", "Nông", "Lương", "Vi", "Lăng", "Chu", "Hà", "Triệu", "Nguyễn", "Lý",
    "Đinh", "Mông", "Lành", "Dương", "Lâm", "Trần",
]  # fmt: skip
MEN = ["Văn Thắng", "Văn Hùng", "Văn Dũng", "Văn Sơn", "Đức Thành", "Văn Tuấn", "Văn Hải", "Văn Bình", "Văn Cường",
       "Văn Lâm", "Minh Phúc", "Văn Quý", "Văn Tài", "Văn Khánh", "Đình Long", "Văn Nghĩa", "Văn Toàn", "Văn Hưng",
       "Xuân Trường", "Văn Lợi"]  # fmt: skip
WOMEN = ["Thị Lan", "Thị Hoa", "Thị Mai", "Thị Hương", "Thị Nga", "Thị Thảo", "Thị Thu", "Thị Hằng", "Thị Liên",
         "Thị Yến", "Thị Nhung", "Thị Dung"]  # fmt: skip

# (land use, share, smallest and largest parcel in m²)
LAND_USES = [
    ("LUC", 20, 300, 2000),
    ("HNK", 12, 300, 2500),
    ("BHK", 5, 300, 1500),
    ("CLN", 18, 400, 4000),
    ("RSX", 25, 1000, 5000),
    ("NTS", 5, 200, 1200),
    ("ONT", 10, 80, 300),
]
# Compensation price per m², VND (invented, of a plausible order for rural Lạng Sơn).
LAND_PRICE = {
    "LUC": 65_000,
    "HNK": 60_000,
    "BHK": 60_000,
    "CLN": 62_000,
    "RSX": 18_000,
    "NTS": 55_000,
    "ONT": 1_800_000,
    "NTD": 0,
}
# A residential parcel larger than this also holds garden land (CLN): "ONT 150; CLN 230".
RESIDENTIAL_PLOT_M2 = Decimal(150)
LAND_ORIGINS = {
    "farm": ["Nhà nước giao đất nông nghiệp theo Nghị định 64/CP", "Nhận chuyển nhượng", "Thừa kế",
             "Khai hoang, sử dụng ổn định trước 01/7/2004"],
    "RSX": ["Nhà nước giao đất lâm nghiệp", "Nhận chuyển nhượng", "Thừa kế"],
    "ONT": ["Được công nhận quyền sử dụng đất", "Nhận chuyển nhượng", "Thừa kế"],
}  # fmt: skip
