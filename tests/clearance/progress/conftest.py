"""A small province for the dashboard tests: two districts, a 2025 reform with a split commune,
a zone with cases in Hữu Lũng, a cluster with cases in Cao Lộc, dated steps, money, graves and plots."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from clearance.models import Asset, Stage, StageEvent
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CommuneFactory,
    CompensationItemFactory,
    DistrictFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ResettlementPlotFactory,
    StaffProfileFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import AdminUnit, StaffProfile, UnitSuccession, Zone

Kind = StageEvent.Kind
D = datetime.date
# The steps of a case up to its stage, on fixed days from its start.
STEP_DAYS = {
    Kind.INVENTORY: 0,
    Kind.PLAN_POSTED: 20,
    Kind.PLAN_APPROVED: 55,
    Kind.RECOVERY_DECIDED: 60,
    Kind.PAID: 70,
    Kind.HANDED_OVER: 80,
}


def current_unit(name, code):
    return AdminUnit.objects.create(
        code=code,
        name=name,
        unit_type="xã",
        level=AdminUnit.Level.COMMUNE,
        structure=AdminUnit.Structure.CURRENT,
        valid_from=D(2025, 7, 1),
    )


def make_case(*, phase, unit, stage, start, parcels=(Decimal("800.0"),), synthetic=False, graves=0, plan_vnd=0):
    case = CaseFactory(phase=phase, unit=unit, stage=stage, is_synthetic=synthetic)
    for area in parcels:
        LandParcelFactory(case=case, area_m2=area + 100, recovered_area_m2=area)
    for kind, offset in STEP_DAYS.items():
        if Stage.order(kind) <= Stage.order(stage):
            case.events.create(kind=kind, happened_on=start + datetime.timedelta(days=offset))
    if graves:
        AssetFactory(case=case, kind=Asset.Kind.GRAVE, quantity=graves, unit_of_measure="ngôi")
    if plan_vnd:
        CompensationItemFactory(case=case, amount_vnd=plan_vnd)
    return case


@pytest.fixture
def world(db):
    huu_lung = DistrictFactory(name="Huyện Hữu Lũng")
    cao_loc = DistrictFactory(name="Huyện Cao Lộc")
    ho_son = CommuneFactory(name="Xã Hồ Sơn", parent=huu_lung)
    hoa_thang = CommuneFactory(name="Xã Hòa Thắng", parent=huu_lung)
    hop_thanh = CommuneFactory(name="Xã Hợp Thành", parent=cao_loc)
    new_huu_lung = current_unit("Xã Hữu Lũng", 99001)
    new_tuan_son = current_unit("Xã Tuấn Sơn", 99002)
    new_thien_tan = current_unit("Xã Thiện Tân", 99003)
    new_cao_loc = current_unit("Xã Cao Lộc", 99004)
    UnitSuccession.objects.create(old=ho_son, new=new_huu_lung)
    # Hòa Thắng was split between two 2025 communes.
    UnitSuccession.objects.create(old=hoa_thang, new=new_tuan_son, partial=True)
    UnitSuccession.objects.create(old=hoa_thang, new=new_thien_tan, partial=True)
    UnitSuccession.objects.create(old=hop_thanh, new=new_cao_loc)

    zone = ZoneFactory(name="KCN Thử Hữu Lũng", unit=huu_lung)
    phase = PhaseFactory(zone=zone, number=1, area_ha=Decimal("200"))
    cluster = ZoneFactory(name="CCN Thử Cao Lộc", unit=cao_loc, kind=Zone.Kind.INDUSTRIAL_CLUSTER)
    cluster_phase = PhaseFactory(zone=cluster, number=1, area_ha=Decimal("20"))

    start = D(2024, 3, 4)
    cases = [
        make_case(phase=phase, unit=ho_son, stage=Stage.HANDED_OVER, start=start, graves=2, plan_vnd=300_000_000),
        make_case(
            phase=phase,
            unit=ho_son,
            stage=Stage.HANDED_OVER,
            start=start + datetime.timedelta(days=7),
            parcels=(Decimal("1200.5"), Decimal("300.0")),
            plan_vnd=500_000_000,
        ),
        make_case(phase=phase, unit=ho_son, stage=Stage.PAID, start=start, graves=1, plan_vnd=200_000_000),
        make_case(phase=phase, unit=hoa_thang, stage=Stage.PLAN_APPROVED, start=start, plan_vnd=100_000_000),
        make_case(phase=phase, unit=hoa_thang, stage=Stage.INVENTORY, start=start, synthetic=True, graves=3),
        make_case(phase=phase, unit=hoa_thang, stage=Stage.NOTICE, start=start),
        make_case(phase=cluster_phase, unit=hop_thanh, stage=Stage.HANDED_OVER, start=start, plan_vnd=90_000_000),
        make_case(phase=cluster_phase, unit=hop_thanh, stage=Stage.PLAN_POSTED, start=start),
    ]
    for case in cases:
        if case.has_reached(Stage.PAID):
            approved = case.events.get(kind=Kind.PLAN_APPROVED).happened_on
            PaymentFactory(case=case, paid_on=approved + datetime.timedelta(days=15), amount_vnd=100_000_000)
            PaymentFactory(case=case, paid_on=approved + datetime.timedelta(days=15), amount_vnd=50_000_000)
    ResettlementPlotFactory(case=cases[0], allocated_on=D(2024, 6, 3))
    ResettlementPlotFactory(case=cases[1], allocated_on=D(2024, 7, 1))
    ResettlementPlotFactory()  # free: not allocated
    cases[3].events.create(kind=Kind.COMPULSORY_INVENTORY, happened_on=D(2024, 3, 25))
    cases[2].events.create(kind=Kind.ENFORCEMENT, happened_on=D(2024, 6, 10))

    def staff(username, role, units=()):
        user = UserFactory(username=username)
        StaffProfileFactory(user=user, role=role, units=list(units))
        return user

    return SimpleNamespace(
        huu_lung=huu_lung,
        cao_loc=cao_loc,
        ho_son=ho_son,
        hoa_thang=hoa_thang,
        hop_thanh=hop_thanh,
        new_huu_lung=new_huu_lung,
        new_tuan_son=new_tuan_son,
        new_thien_tan=new_thien_tan,
        zone=zone,
        phase=phase,
        cluster=cluster,
        cluster_phase=cluster_phase,
        cases=cases,
        officer=staff("officer", StaffProfile.Role.PROVINCIAL_OFFICER),
        huu_lung_staff=staff("huu_lung_staff", StaffProfile.Role.LOCAL_STAFF, [huu_lung]),
        cao_loc_staff=staff("cao_loc_staff", StaffProfile.Role.LOCAL_STAFF, [cao_loc]),
    )
