"""The made-up country of the national synthetic set: provinces, place names, dates, shares and prices.

Names, asset kinds, land uses and prices come from the Lạng Sơn demo (clearance.demo.vocabulary),
so both synthetic sets read alike; what is national (the 34 provinces, the code range, the dates
after the 2025 reform) is here. docs/decisions/0014-national-synthetic-data.md says why.
"""

import datetime

from clearance.demo import vocabulary as demo
from clearance.models import Stage
from zones.models import REFORM_DATE

DEFAULT_SEED = 20250701

# One province per this many cases, when --provinces is not given.
CASES_PER_PROVINCE = 10_000
# Cases are built and written this many at a time (whole zones), so memory stays flat.
CHUNK_CASES = 10_000
# Rows per INSERT on the bulk_create path (SQLite caps it lower by its 999 parameters).
BATCH_SIZE = 5_000

# Official statistics codes have at most 5 digits (provinces 01–96, communes up to 32xxx). The
# synthetic units take codes from 900,000,000: province n is 900,000,000 + n × 100,000 and its
# communes follow it, so no synthetic code can ever be an official one.
CODE_BASE = 900_000_000
PROVINCE_CODE_STEP = 100_000
SYNTHETIC_MARK = "(mô phỏng)"

SOURCE_TITLE = "Dữ liệu mô phỏng toàn quốc (manage.py generate_national)"
SOURCE_PUBLISHER = "LSIP – dữ liệu mô phỏng"
SOURCE_NOTE = (
    "Dữ liệu mô phỏng, sinh ngẫu nhiên để thử tải trên toàn quốc; không phải số liệu thật, "
    "không mô tả người thật. Synthetic load-test data: not real figures, not real people."
)

# Every date falls under the 2025 structure (province – commune) the cases are recorded under,
# and before a fixed end, so the same seed gives the same data whatever the day it runs.
NATIONAL_START = REFORM_DATE
NATIONAL_END = datetime.date(2026, 10, 30)
REPORT_WEEKS = 8  # weekly progress reports per phase, the last one on NATIONAL_END

# The 34 provinces and cities from 12 June 2025 (Resolution 202/2025/QH15), Lạng Sơn first: its
# real units are used when load_lang_son has loaded them. Each with the CCCD province code of
# the province whose name it kept (clearance/data/cccd_province_codes.json), for ID numbers.
LANG_SON = "Lạng Sơn"
LANG_SON_CODE = 20  # its statistics office code, as zones/data/lang_son_admin_units.json has it
PROVINCES = [
    ("Lạng Sơn", "tỉnh", "020"),
    ("Hà Nội", "thành phố", "001"),
    ("Huế", "thành phố", "046"),
    ("Hải Phòng", "thành phố", "031"),
    ("Đà Nẵng", "thành phố", "048"),
    ("Hồ Chí Minh", "thành phố", "079"),
    ("Cần Thơ", "thành phố", "092"),
    ("Lai Châu", "tỉnh", "012"),
    ("Điện Biên", "tỉnh", "011"),
    ("Sơn La", "tỉnh", "014"),
    ("Quảng Ninh", "tỉnh", "022"),
    ("Thanh Hóa", "tỉnh", "038"),
    ("Nghệ An", "tỉnh", "040"),
    ("Hà Tĩnh", "tỉnh", "042"),
    ("Cao Bằng", "tỉnh", "004"),
    ("Tuyên Quang", "tỉnh", "008"),
    ("Lào Cai", "tỉnh", "010"),
    ("Thái Nguyên", "tỉnh", "019"),
    ("Phú Thọ", "tỉnh", "025"),
    ("Bắc Ninh", "tỉnh", "027"),
    ("Hưng Yên", "tỉnh", "033"),
    ("Ninh Bình", "tỉnh", "037"),
    ("Quảng Trị", "tỉnh", "045"),
    ("Quảng Ngãi", "tỉnh", "051"),
    ("Gia Lai", "tỉnh", "064"),
    ("Khánh Hòa", "tỉnh", "056"),
    ("Lâm Đồng", "tỉnh", "068"),
    ("Đắk Lắk", "tỉnh", "066"),
    ("Đồng Nai", "tỉnh", "075"),
    ("Tây Ninh", "tỉnh", "072"),
    ("Vĩnh Long", "tỉnh", "086"),
    ("Đồng Tháp", "tỉnh", "087"),
    ("An Giang", "tỉnh", "089"),
    ("Cà Mau", "tỉnh", "096"),
]
MAX_PROVINCES = len(PROVINCES)

# Place names for the synthetic communes, villages and zones (common Vietnamese names, none meant as a real place).
PLACE_NAMES = [
    "Tân Lập", "Hòa Bình", "Đồng Tâm", "Phú Thịnh", "Minh Khai", "Quang Trung", "Thống Nhất", "Hợp Thành",
    "Yên Thịnh", "Tân Tiến", "Thành Công", "Đại Đồng", "Hưng Đạo", "An Phú", "Bình Minh", "Hồng Phong",
    "Chiến Thắng", "Kim Đồng", "Đoàn Kết", "Quyết Thắng", "Tân Hòa", "Phú Lộc", "Xuân Hòa", "Vĩnh Hưng",
    "Nam Tiến", "Bắc Sơn", "Đông Phong", "Tây Hồ", "Trung Hòa", "Hòa Thắng", "Thanh Bình", "Lộc Thọ",
    "Phúc Lâm", "Mỹ Thuận", "Long Hưng", "Cẩm Giang", "Hương Sơn", "Gia Phú", "Ninh Hải", "Việt Hưng",
]  # fmt: skip
VILLAGE_NAMES = [name.removeprefix("Thôn ") for villages in demo.COMMUNES.values() for name in villages] + [
    "Đồng Mới", "Bãi Bằng", "Khe Mạ", "Nà Pàn", "Cốc Lùng", "Bình An", "Tân Sơn", "Đồng Bục", "Làng Mới", "Phố Cũ",
]  # fmt: skip
PARTS = ["I", "II", "III", "IV"]

# Where a phase's cases stand, before each phase's own tilt. The mean number of main-line
# events is about 5 (notice 1 … handed over 7).
STAGE_SHARES = [
    (Stage.NOTICE, 0.05),
    (Stage.INVENTORY, 0.12),
    (Stage.PLAN_POSTED, 0.13),
    (Stage.PLAN_APPROVED, 0.10),
    (Stage.RECOVERY_DECIDED, 0.08),
    (Stage.PAID, 0.12),
    (Stage.HANDED_OVER, 0.40),
]
COMPULSORY_SHARE = 0.02  # of counted cases: refused the count, compulsory inventory decision
ENFORCED_SHARE = 0.02  # of handed-over cases: handed over by enforcement
COMPLAINT_SHARE = 0.04
RESOLVED_SHARE = 0.6

# Notices went out in waves; a case further along got its notice earlier. Each window is
# chosen so that the longest chain of steps from it still ends by NATIONAL_END.
NOTICE_WINDOWS = {
    Stage.HANDED_OVER: (datetime.date(2025, 7, 1), datetime.date(2025, 11, 28)),
    Stage.PAID: (datetime.date(2025, 7, 1), datetime.date(2026, 1, 30)),
    Stage.RECOVERY_DECIDED: (datetime.date(2025, 7, 1), datetime.date(2026, 2, 27)),
    Stage.PLAN_APPROVED: (datetime.date(2025, 8, 1), datetime.date(2026, 3, 13)),
    Stage.PLAN_POSTED: (datetime.date(2025, 9, 1), datetime.date(2026, 4, 30)),
    Stage.INVENTORY: (datetime.date(2025, 10, 1), datetime.date(2026, 8, 28)),
    Stage.NOTICE: (datetime.date(2026, 6, 1), datetime.date(2026, 10, 30)),
}

# Parcels a household holds (1–8, about 4 on average) and the chance a parcel carries an asset
# (about 2 assets a case with houses, walls and graves).
PARCEL_COUNTS = [1, 2, 3, 4, 5, 6, 7, 8]
PARCEL_WEIGHTS = [8, 14, 18, 18, 16, 12, 8, 6]
ASSET_SHARE = 0.45

# Cases per phase: an industrial zone (KCN) has 1–3 phases, a cluster (CCN) one.
ZONE_SHARE = 0.35
ZONE_PHASES = (1, 3)
ZONE_PHASE_CASES = (200, 1200)
CLUSTER_CASES = (40, 300)

# Assets: description → unit price in VND (invented, of a plausible order), as in the demo.
ASSET_PRICE = {
    "Lúa": 8_000, "Ngô": 7_000, "Sắn": 6_000, "Cây na": 350_000, "Cây vải": 450_000, "Cây hồng": 300_000,
    "Cây keo": 25_000, "Cá trắm, cá chép": 20_000, "Nhà cấp 4 mái tôn": 3_500_000,
    "Tường rào xây gạch": 900_000, "Mộ đất": 9_000_000, "Mộ xây": 15_000_000, "Giếng khoan": 8_000_000,
}  # fmt: skip
RICE_PRICE_VND_PER_KG = 15_000  # living support: 30 kg of rice a person a month

COMPLAINTS = [
    "Không đồng ý với đơn giá bồi thường đất nông nghiệp.",
    "Đề nghị đo đạc lại diện tích thửa đất bị thu hồi.",
    "Đề nghị được bố trí đất tái định cư.",
    "Khiếu nại về việc xác định nguồn gốc đất.",
    "Đề nghị hỗ trợ đào tạo, chuyển đổi nghề.",
    "Đề nghị bồi thường thêm cây trồng chưa được kiểm đếm.",
]
RESOLUTIONS = [
    "Đã đối thoại, giải thích chính sách; người khiếu nại đồng ý.",
    "Đã đo đạc lại, điều chỉnh phương án bồi thường.",
    "Giữ nguyên phương án; đã trả lời bằng văn bản.",
]
OBSTACLES = [
    "Một số hộ chưa đồng ý đơn giá bồi thường.",
    "Còn mồ mả chưa di chuyển.",
    "Chưa xác định được nguồn gốc đất của một số thửa.",
    "Khu tái định cư chưa hoàn thành hạ tầng.",
    "",
]
PROPOSALS = [
    "Đề nghị tỉnh sớm phê duyệt giá đất cụ thể.",
    "Đề nghị bố trí vốn chi trả bồi thường.",
    "",
]
