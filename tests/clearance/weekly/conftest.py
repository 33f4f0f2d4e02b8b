"""A small province for the weekly report: VSIP (two phases) in Hữu Lũng, a cluster in Cao Lộc.

The report week is 2025-W48 (Monday 24/11/2025 – Sunday 30/11/2025). Events fall on the edges
on purpose: the Sunday before (counted last week too), the Monday and the Sunday of the week
(counted this week only), and the Monday after (not counted).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from clearance.models import Asset, ProgressReport, StageEvent
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CompensationItemFactory,
    DistrictFactory,
    InvestorFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    ResettlementPlotFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
    ZoneFactory,
    huu_lung_and_cao_loc,
)
from zones.models import StaffProfile, Zone

Kind = StageEvent.Kind
WEEK = "2025-W48"
MONDAY = datetime.date(2025, 11, 24)
SUNDAY = datetime.date(2025, 11, 30)
SUNDAY_BEFORE = datetime.date(2025, 11, 23)
MONDAY_AFTER = datetime.date(2025, 12, 1)


def make_case(phase, unit, *, events=None, parcels=(), graves=0, compensation=(), payments=(), plots=(), **fields):
    """A case with its raw rows: {event kind: date}, parcels' recovered m², grave count, plan lines
    in VND, (date, VND) payments and the allocation dates of its resettlement plots."""
    case = CaseFactory(phase=phase, unit=unit, **fields)
    for kind, day in (events or {}).items():
        StageEventFactory(case=case, kind=kind, happened_on=day, doc_date=day)
    for recovered in parcels:
        LandParcelFactory(case=case, area_m2=Decimal(recovered) + 100, recovered_area_m2=Decimal(recovered))
    if graves:
        AssetFactory(case=case, kind=Asset.Kind.GRAVE, quantity=graves, unit_of_measure="ngôi")
    AssetFactory(case=case, kind=Asset.Kind.TREE, quantity=7)  # not a grave: never counted as one
    for amount in compensation:
        CompensationItemFactory(case=case, amount_vnd=amount)
    for day, amount in payments:
        PaymentFactory(case=case, paid_on=day, amount_vnd=amount)
    for day in plots:
        ResettlementPlotFactory(case=case, allocated_on=day)
    return case


def person(username, role, units=(), **profile):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=role, units=list(units), **profile)
    return user


@pytest.fixture
def world(db):
    w = SimpleNamespace()
    province = huu_lung_and_cao_loc(w)
    w.dinh_lap = DistrictFactory(code=187, name="Huyện Đình Lập", parent=province)

    vsip = ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=w.huu_lung, investor=InvestorFactory(name="VSIP"))
    w.p1 = PhaseFactory(
        zone=vsip, number=1, clearance_lead="UBND xã Hồ Sơn", clearance_target_on=datetime.date(2026, 6, 30)
    )
    w.p2 = PhaseFactory(zone=vsip, number=2)
    w.cluster = PhaseFactory(
        zone=ZoneFactory(name="Cụm công nghiệp Hợp Thành 1", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=w.cao_loc)
    )

    make_case(
        w.p1,
        w.ho_son,
        code="HS-1",
        events={
            Kind.INVENTORY: datetime.date(2025, 11, 10),
            Kind.PLAN_APPROVED: SUNDAY_BEFORE,
            Kind.PAID: MONDAY,
            Kind.HANDED_OVER: SUNDAY,
        },
        parcels=("800.0", "700.5"),
        graves=2,
        compensation=(150_000_000, 20_000_000),
        payments=((MONDAY, 100_000_000),),
        plots=(SUNDAY,),
    )
    make_case(
        w.p1,
        w.ho_son,
        code="HS-2",
        is_synthetic=True,
        events={Kind.COMPULSORY_INVENTORY: datetime.date(2025, 11, 20), Kind.INVENTORY: MONDAY},
        parcels=("1234.5",),
    )
    make_case(w.p1, w.ho_son, code="HS-3", events={Kind.INVENTORY: MONDAY_AFTER}, parcels=("500",))
    make_case(
        w.p1,
        w.ho_son,
        code="HS-4",
        events={
            Kind.INVENTORY: datetime.date(2025, 11, 1),
            Kind.PLAN_APPROVED: datetime.date(2025, 11, 5),
            Kind.PAID: datetime.date(2025, 11, 15),
            Kind.ENFORCEMENT: datetime.date(2025, 11, 29),
        },
        parcels=("300",),
        graves=1,
        compensation=(90_000_000,),
        payments=((datetime.date(2025, 11, 15), 50_000_000), (datetime.date(2025, 11, 28), 25_000_000)),
        plots=(MONDAY_AFTER,),
    )
    make_case(w.p1, w.hoa_thang, code="HO-1", events={Kind.INVENTORY: SUNDAY_BEFORE}, parcels=("999.9",))
    make_case(
        w.p2,
        w.ho_son,
        code="HS-P2",
        events={Kind.INVENTORY: datetime.date(2025, 11, 26), Kind.PLAN_APPROVED: datetime.date(2025, 11, 27)},
        parcels=("2000",),
        compensation=(40_000_000,),
    )
    make_case(
        w.cluster, w.hop_thanh, code="HT-1", events={Kind.INVENTORY: datetime.date(2025, 11, 25)}, parcels=("400",)
    )

    def report(phase, unit, day, status=ProgressReport.Status.SUBMITTED, **figures):
        figures.setdefault("cases_counted", None)
        figures.setdefault("area_handed_over_ha", None)
        return ProgressReportFactory(phase=phase, unit=unit, reported_on=day, status=status, **figures)

    # Registry on Wednesday: HS-1 and HS-4 paid, so "5 paid" differs.
    w.commune_report = report(
        w.p1,
        w.ho_son,
        datetime.date(2025, 11, 26),
        cases_paid=5,
        obstacles='=HYPERLINK("http://example.com","x")',
        proposals="+Xin bổ sung kinh phí",
    )
    # Registry on Sunday over the whole district: HS-1, HS-2, HS-4 and HO-1 counted.
    w.district_report = report(
        w.p1,
        w.huu_lung,
        SUNDAY,
        ProgressReport.Status.ACCEPTED,
        cases_counted=4,
        obstacles="Chưa có đất tái định cư",
    )
    report(w.p1, w.ho_son, SUNDAY_BEFORE, obstacles="Vướng mắc của tuần trước")
    report(
        w.p1, w.hoa_thang, datetime.date(2025, 11, 27), ProgressReport.Status.RETURNED, obstacles="Báo cáo bị trả lại"
    )
    report(w.cluster, w.hop_thanh, datetime.date(2025, 11, 28), obstacles="Vướng mắc ở Cao Lộc")

    Role = StaffProfile.Role
    w.officer = person("officer", Role.PROVINCIAL_OFFICER)
    w.huu_lung_staff = person("hl_staff", Role.LOCAL_STAFF, [w.huu_lung])
    w.cao_loc_staff = person("cl_staff", Role.LOCAL_STAFF, [w.cao_loc])
    w.dinh_lap_staff = person("dl_staff", Role.LOCAL_STAFF, [w.dinh_lap])
    return w
