"""A small province for the progress report tests: Hữu Lũng (with VSIP) and Cao Lộc (with a cluster)."""

from decimal import Decimal

import pytest

from tests.clearance.reports.helpers import local_staff, officer
from tests.factories import (
    InvestorFactory,
    PhaseFactory,
    StaffProfileFactory,
    UserFactory,
    ZoneFactory,
    huu_lung_and_cao_loc,
)
from zones.models import StaffProfile


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    huu_lung_and_cao_loc(w)
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
