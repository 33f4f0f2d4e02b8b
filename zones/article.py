"""The figures of the project's source article, as data.

The article is a Vietnamese news report of a provincial working session on industrial
zones and clusters in Lạng Sơn. Each figure is written the way the article states it
("gần 600 ha" is NEARLY 600, "hơn 490" is MORE_THAN 490); what it does not say stays
None, because "not reported" is not zero.
"""

import datetime
from decimal import Decimal

from zones.models import Qualifier, SummaryFigure, Zone

SOURCE = {
    "title": "Bài báo: UBND tỉnh Lạng Sơn làm việc về phát triển khu, cụm công nghiệp",
    # The seed copy has no date; see the note.
    "published_on": datetime.date(2024, 1, 1),
    "date_precision": "year",
    "publisher": "Báo chí – bài báo nguồn của dự án (bản sao không ghi tên báo)",
    "note": (
        "Bản sao bài báo lưu trong dự án không ghi ngày đăng. Nội dung cho thấy bài viết ra sau khi "
        "khởi công xây dựng hạ tầng KCN VSIP Lạng Sơn (tháng 6/2024) và khi Sở Kế hoạch và Đầu tư "
        "còn hoạt động, nên chỉ ghi năm 2024 (độ chính xác: năm)."
    ),
}

INVESTOR = {
    "name": "Công ty Cổ phần Phát triển Đô thị và Khu công nghiệp Việt Nam – Singapore",
    "short_name": "VSIP",
}

VSIP_ZONE_NAME = "Khu công nghiệp VSIP Lạng Sơn"

# Legacy district codes (statistics office) the article names as locations.
CAO_LOC, BAC_SON, HUU_LUNG, LOC_BINH, DINH_LAP = 183, 185, 186, 188, 189

VSIP_ZONE = {
    "name": VSIP_ZONE_NAME,
    "kind": Zone.Kind.INDUSTRIAL_ZONE,
    "status": Zone.Status.SITE_CLEARANCE,
    "district_code": HUU_LUNG,
    "planned_area_ha": Decimal("600"),
    "planned_area_qualifier": Qualifier.NEARLY,
    "construction_started_month": datetime.date(2024, 6, 1),
    "notes": (
        "Vướng mắc giải phóng mặt bằng: diện tích đã giải phóng, bàn giao cho nhà đầu tư chưa đủ để "
        "thi công xây dựng hạ tầng. Dự án quy mô lớn; việc kiểm tra, xác minh quy chủ, kiểm kê tài sản "
        "trên đất và ranh giới các thửa đất cần thời gian."
    ),
}

VSIP_PHASE = {"number": 1, "area_ha": Decimal("200"), "area_qualifier": Qualifier.EXACT}

# The one report the article gives for phase 1, made by the district People's Committee.
VSIP_REPORT = {
    "district_code": HUU_LUNG,
    "cases_counted": 490,
    "cases_counted_qualifier": Qualifier.MORE_THAN,
    "area_handed_over_ha": Decimal("57"),
    "area_handed_over_qualifier": Qualifier.MORE_THAN,
    "obstacles": (
        "Phần diện tích đã giải phóng mặt bằng, bàn giao cho nhà đầu tư chưa đủ để thi công xây dựng hạ "
        "tầng. Theo chính quyền địa phương và nhà đầu tư: dự án quy mô lớn, công tác bồi thường, hỗ trợ "
        "cần thời gian kiểm tra, xác minh quy chủ, kiểm kê tài sản trên đất, ranh giới các thửa đất để xác "
        "định đúng đối tượng bồi thường, hỗ trợ, tái định cư."
    ),
}

_IN_LEGAL_PROCEDURES = {"status": Zone.Status.ESTABLISHED, "planned_area_ha": None, "occupancy_reported_pct": None}

# The article lists eight names for "9 clusters" and calls the operating one by a ninth
# name; the data says what the article says. It gives no area for the eight.
CLUSTERS = [
    {"name": "Cụm công nghiệp Hợp Thành 1", "district_code": CAO_LOC, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Hợp Thành 2", "district_code": CAO_LOC, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Bắc Sơn 2", "district_code": BAC_SON, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Đình Lập", "district_code": DINH_LAP, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Hồ Sơn 1", "district_code": HUU_LUNG, **_IN_LEGAL_PROCEDURES},
    # The article's spelling ("Hoà", not "Hòa").
    {"name": "Cụm công nghiệp Hoà Sơn 1", "district_code": HUU_LUNG, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Na Dương 1", "district_code": LOC_BINH, **_IN_LEGAL_PROCEDURES},
    {"name": "Cụm công nghiệp Na Dương 3", "district_code": LOC_BINH, **_IN_LEGAL_PROCEDURES},
    {
        "name": "Cụm công nghiệp địa phương số 2",
        "district_code": CAO_LOC,
        "status": Zone.Status.OPERATING,
        "planned_area_ha": Decimal("8.5"),
        "occupancy_reported_pct": Decimal("100"),
    },
]

SUMMARY_FIGURES = [
    {"metric": SummaryFigure.Metric.CLUSTERS_ESTABLISHED, "value": Decimal("9"), "qualifier": Qualifier.EXACT},
    {
        "metric": SummaryFigure.Metric.CLUSTERS_ESTABLISHED_AREA,
        "value": Decimal("372"),
        "qualifier": Qualifier.ABOUT,
    },
]
