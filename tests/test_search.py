"""Searching without diacritics finds Vietnamese names, on SQLite and PostgreSQL alike."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, CommuneFactory, DistrictFactory, ZoneFactory
from zones.models import Zone

OVERVIEW = reverse("clearance:overview")
CASES = reverse("clearance:case_list")


@pytest.fixture
def places(db):
    huu_lung = DistrictFactory(name="Huyện Hữu Lũng")
    dinh_lap = DistrictFactory(name="Huyện Đình Lập")
    cao_loc = DistrictFactory(name="Huyện Cao Lộc")
    ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=huu_lung)
    ZoneFactory(name="Cụm công nghiệp Đình Lập", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=dinh_lap)
    # "Hoà" and "Hòa" place the tone mark differently; both must be found by "hoa son".
    ZoneFactory(name="Cụm công nghiệp Hoà Sơn 1", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=huu_lung)
    ZoneFactory(
        name="Cụm công nghiệp Hợp Thành 1", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=cao_loc, location="Xã Hòa Sơn cũ"
    )
    ZoneFactory(
        name="Cụm công nghiệp Na Dương 1",
        kind=Zone.Kind.INDUSTRIAL_CLUSTER,
        unit=DistrictFactory(name="Huyện Lộc Bình"),
    )

    CaseFactory(code="HL-1", name="Hộ ông Vi Văn Hải", unit=CommuneFactory(name="Xã Hồ Sơn", parent=huu_lung))
    CaseFactory(code="HL-2", name="Hộ bà Lường Thị Hoa", unit=CommuneFactory(name="Xã Hòa Thắng", parent=huu_lung))
    CaseFactory(code="DL-1", name="Hộ ông Hoàng Văn Đức", unit=CommuneFactory(name="Xã Đình Lập", parent=dinh_lap))
    CaseFactory(code="CL-1", name="Hộ ông Nông Văn Bình", unit=CommuneFactory(name="Xã Hòa Sơn", parent=cao_loc))


ZONE_NAMES = [
    "Khu công nghiệp VSIP Lạng Sơn",
    "Cụm công nghiệp Đình Lập",
    "Cụm công nghiệp Hoà Sơn 1",
    "Cụm công nghiệp Hợp Thành 1",
    "Cụm công nghiệp Na Dương 1",
]


def zones_found(client, query):
    html = client.get(OVERVIEW, {"q": query}).content.decode()
    return {name for name in ZONE_NAMES if f">{name}</a>" in html}


def cases_found(client, query):
    html = client.get(CASES, {"q": query}).content.decode()
    return {code for code in ("HL-1", "HL-2", "DL-1", "CL-1") if f">{code}</a>" in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("huu lung", {"Khu công nghiệp VSIP Lạng Sơn", "Cụm công nghiệp Hoà Sơn 1"}),
        ("HỮU LŨNG", {"Khu công nghiệp VSIP Lạng Sơn", "Cụm công nghiệp Hoà Sơn 1"}),
        ("dinh lap", {"Cụm công nghiệp Đình Lập"}),
        ("hoa son", {"Cụm công nghiệp Hoà Sơn 1", "Cụm công nghiệp Hợp Thành 1"}),
        ("hòa sơn", {"Cụm công nghiệp Hoà Sơn 1", "Cụm công nghiệp Hợp Thành 1"}),
        ("na duong", {"Cụm công nghiệp Na Dương 1"}),
        ("son lung", {"Khu công nghiệp VSIP Lạng Sơn", "Cụm công nghiệp Hoà Sơn 1"}),
        ("hai phong", set()),
        ("   ", set(ZONE_NAMES)),
    ],
)
def test_overview_search(logged_in_client, places, query, expected):
    assert zones_found(logged_in_client, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The district's name finds the cases of its communes.
        ("huu lung", {"HL-1", "HL-2"}),
        ("dinh lap", {"DL-1"}),
        ("hoa son", {"CL-1"}),
        # Words match inside longer words, as in "ho" within "hoa".
        ("ho son", {"HL-1", "CL-1"}),
        ("hoa thang", {"HL-2"}),
        ("vi van hai", {"HL-1"}),
        ("hoang van duc dinh lap", {"DL-1"}),
        ("hai phong", set()),
    ],
)
def test_case_search(logged_in_client, places, query, expected):
    assert cases_found(logged_in_client, query) == expected
