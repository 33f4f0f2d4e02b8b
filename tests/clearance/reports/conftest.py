"""A small province for the progress report tests: Hữu Lũng (with VSIP) and Cao Lộc (with a cluster)."""

import datetime
from decimal import Decimal

import pytest

from tests.clearance.reports.helpers import local_staff, officer
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    PhaseFactory,
    ProvinceFactory,
    StaffProfileFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import AdminUnit, StaffProfile, UnitSuccession


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    province = ProvinceFactory()
    w.huu_lung = DistrictFactory(code=186, name="Huyện Hữu Lũng", parent=province)
    w.ho_son = CommuneFactory(code=6451, name="Xã Hồ Sơn", parent=w.huu_lung)
    w.hoa_thang = CommuneFactory(code=6460, name="Xã Hòa Thắng", parent=w.huu_lung)
    w.huu_lung_2025 = CommuneFactory(
        code=6385,
        name="Xã Hữu Lũng",
        parent=province,
        structure=AdminUnit.Structure.CURRENT,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=None,
    )
    UnitSuccession.objects.create(old=w.ho_son, new=w.huu_lung_2025)
    w.cao_loc = DistrictFactory(code=183, name="Huyện Cao Lộc", parent=province)
    w.hop_thanh = CommuneFactory(code=5980, name="Xã Hợp Thành", parent=w.cao_loc)
    w.vsip = PhaseFactory(
        zone=ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=w.huu_lung, investor=InvestorFactory(name="VSIP")),
        area_ha=Decimal("200"),
    )
    w.cluster = PhaseFactory(
        zone=ZoneFactory(name="Cụm công nghiệp Hợp Thành 1", kind="ccn", unit=w.cao_loc), area_ha=Decimal("50")
    )
    w.huu_lung_staff = local_staff("hl_staff", w.huu_lung)
    w.huu_lung_colleague = local_staff("hl_colleague", w.huu_lung)
    w.cao_loc_staff = local_staff("cl_staff", w.cao_loc)
    w.officer = officer("officer_a")
    w.second_officer = officer("officer_b")
    w.investor = UserFactory(username="vsip_reader")
    StaffProfileFactory(user=w.investor, role=StaffProfile.Role.INVESTOR, investor=w.vsip.zone.investor)
    return w


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
