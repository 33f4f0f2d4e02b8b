"""The database itself refuses impossible zones, units and figures; full_clean() says so before it has to."""

import datetime
from decimal import Decimal

import pytest

from tests.constraints import (
    accepted,
    assert_database_rejects_then_accepts,
    assert_every_constraint_tested,
    assert_full_clean_rejects_then_accepts,
    rejected,
)
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    PhaseFactory,
    SourceFactory,
    StaffProfileFactory,
    ZoneFactory,
)
from zones.models import (
    AdminUnit,
    CalendarOverride,
    Investor,
    Phase,
    Source,
    StaffProfile,
    SummaryFigure,
    UnitSuccession,
    Zone,
)

D = Decimal


def _summary_figure(**kwargs):
    kwargs.setdefault("source", SourceFactory())
    return SummaryFigure.objects.create(
        metric=SummaryFigure.Metric.CLUSTERS_ESTABLISHED, value=D("9"), qualifier="exact", **kwargs
    )


def _investor_account():
    return StaffProfileFactory(role=StaffProfile.Role.INVESTOR, investor=InvestorFactory())


def _calendar_override():
    return CalendarOverride.objects.create(
        date=datetime.date(2027, 3, 15),
        kind=CalendarOverride.Kind.DAY_OFF,
        name="Nghỉ lễ hội truyền thống",
        notice="15/TB-UBND",
        notice_date=datetime.date(2027, 3, 1),
    )


# (constraint, factory, bad values, good boundary values)
CHECKS = [
    pytest.param(
        "adminunit_valid_period",
        CommuneFactory,
        {"valid_from": datetime.date(2025, 7, 1), "valid_to": datetime.date(2025, 6, 30)},
        {"valid_from": datetime.date(2025, 6, 30), "valid_to": datetime.date(2025, 6, 30)},
        id="unit valid_to before valid_from",
    ),
    pytest.param(
        "zone_planned_area_positive",
        ZoneFactory,
        {"planned_area_ha": D("0")},
        {"planned_area_ha": D("0.01")},
        id="zone planned area zero",
    ),
    pytest.param(
        "zone_planned_area_positive",
        ZoneFactory,
        {"planned_area_ha": D("-5")},
        {"planned_area_ha": None},
        id="zone planned area negative, unknown is fine",
    ),
    pytest.param(
        "zone_leasable_area_positive",
        ZoneFactory,
        {"leasable_area_ha": D("0")},
        {"leasable_area_ha": D("0.01")},
        id="zone leasable area zero",
    ),
    pytest.param(
        "zone_leased_area_non_negative",
        ZoneFactory,
        {"leased_area_ha": D("-0.01")},
        {"leased_area_ha": D("0")},
        id="zone leased area negative",
    ),
    pytest.param(
        "zone_leased_within_leasable",
        ZoneFactory,
        {"leasable_area_ha": D("50"), "leased_area_ha": D("50.01")},
        {"leasable_area_ha": D("50"), "leased_area_ha": D("50")},
        id="zone leased more than leasable",
    ),
    pytest.param(
        "zone_leased_within_leasable",
        ZoneFactory,
        {"leasable_area_ha": D("50"), "leased_area_ha": D("60")},
        {"leasable_area_ha": None, "leased_area_ha": D("60")},
        id="zone leased with leasable unknown is fine",
    ),
    pytest.param(
        "zone_occupancy_percent_range",
        ZoneFactory,
        {"occupancy_reported_pct": D("100.01")},
        {"occupancy_reported_pct": D("100")},
        id="zone occupancy above 100",
    ),
    pytest.param(
        "zone_occupancy_percent_range",
        ZoneFactory,
        {"occupancy_reported_pct": D("-0.01")},
        {"occupancy_reported_pct": D("0")},
        id="zone occupancy below 0",
    ),
    pytest.param(
        "phase_number_positive",
        PhaseFactory,
        {"number": 0},
        {"number": 1},
        id="phase number zero",
    ),
    pytest.param(
        "phase_area_positive",
        PhaseFactory,
        {"area_ha": D("0")},
        {"area_ha": D("0.01")},
        id="phase area zero",
    ),
    pytest.param(
        "summaryfigure_value_non_negative",
        _summary_figure,
        {"value": D("-0.01")},
        {"value": D("0")},
        id="summary figure negative",
    ),
    pytest.param(
        "staffprofile_investor_iff_investor_role",
        _investor_account,
        {"investor": None},
        {"role": StaffProfile.Role.PROVINCIAL_OFFICER, "investor": None},
        id="investor account without its investor",
    ),
    pytest.param(
        "staffprofile_investor_iff_investor_role",
        StaffProfileFactory,
        {"role": StaffProfile.Role.INVESTOR},
        {"role": StaffProfile.Role.LOCAL_STAFF},
        id="investor role without an investor, local staff is fine",
    ),
    pytest.param(
        "staffprofile_investor_iff_investor_role",
        _investor_account,
        {"role": StaffProfile.Role.LOCAL_STAFF},
        {"role": StaffProfile.Role.INVESTOR},
        id="local staff with an investor",
    ),
    pytest.param(
        "calendaroverride_name_given",
        _calendar_override,
        {"name": ""},
        {"name": "Nghỉ"},
        id="calendar override without the name of the day",
    ),
    pytest.param(
        "calendaroverride_notice_given",
        _calendar_override,
        {"notice": ""},
        {"notice": "1/TB"},
        id="calendar override without its notice",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("constraint, factory, bad, good", CHECKS)
def test_database_rejects_bad_values_and_accepts_the_boundary(constraint, factory, bad, good):
    assert_database_rejects_then_accepts(factory(), bad, good)


@pytest.mark.django_db
@pytest.mark.parametrize("constraint, factory, bad, good", CHECKS)
def test_full_clean_rejects_bad_values_and_accepts_the_boundary(constraint, factory, bad, good):
    assert_full_clean_rejects_then_accepts(factory(), bad, good)


# ---- uniqueness -------------------------------------------------------------------------------


def _unit_values(**changes):
    values = {
        "code": 6190,
        "name": "Xã Hồ Sơn",
        "unit_type": "xã",
        "level": AdminUnit.Level.COMMUNE,
        "structure": AdminUnit.Structure.LEGACY,
    }
    return values | changes


@pytest.mark.django_db
def test_same_official_code_in_both_structures_but_not_twice_in_one():
    AdminUnit.objects.create(**_unit_values())

    accepted(AdminUnit, **_unit_values(structure=AdminUnit.Structure.CURRENT, name="Xã Hữu Lũng"))
    rejected(AdminUnit, **_unit_values(name="Xã Khác"))
    rejected(AdminUnit, **_unit_values(structure=AdminUnit.Structure.CURRENT, name="Xã Khác"))


@pytest.mark.django_db
def test_a_legacy_unit_may_go_to_several_units_but_each_pair_once():
    old, new, other = CommuneFactory(), CommuneFactory(), CommuneFactory()
    UnitSuccession.objects.create(old=old, new=new, partial=True)

    accepted(UnitSuccession, old=old, new=other, partial=True)
    rejected(UnitSuccession, old=old, new=new)


@pytest.mark.django_db
def test_a_unit_cannot_succeed_itself():
    unit = CommuneFactory()

    rejected(UnitSuccession, old=unit, new=unit)
    accepted(UnitSuccession, old=unit, new=CommuneFactory())


@pytest.mark.django_db
def test_source_title_is_unique_per_date():
    source = SourceFactory(title="Báo Lạng Sơn", published_on=datetime.date(2024, 10, 1))
    values = {"title": source.title, "publisher": "Báo Lạng Sơn"}

    accepted(Source, published_on=datetime.date(2024, 10, 2), **values)
    rejected(Source, published_on=source.published_on, **values)


@pytest.mark.django_db
def test_investor_name_is_unique():
    InvestorFactory(name="Công ty CP Đầu tư Hạ tầng")

    accepted(Investor, name="Công ty CP Đầu tư Hạ tầng 2")
    rejected(Investor, name="Công ty CP Đầu tư Hạ tầng")


@pytest.mark.django_db
def test_zone_name_is_unique_per_kind():
    zone = ZoneFactory(name="Đồng Bành", kind=Zone.Kind.INDUSTRIAL_ZONE)
    values = {"name": zone.name, "unit": DistrictFactory(), "source": zone.source}

    accepted(Zone, kind=Zone.Kind.INDUSTRIAL_CLUSTER, **values)
    rejected(Zone, kind=Zone.Kind.INDUSTRIAL_ZONE, **values)


@pytest.mark.django_db
def test_phase_number_is_unique_per_zone():
    phase = PhaseFactory(number=1)

    accepted(Phase, zone=phase.zone, number=2, source=phase.source)
    accepted(Phase, zone=ZoneFactory(), number=1, source=phase.source)
    rejected(Phase, zone=phase.zone, number=1, source=phase.source)


@pytest.mark.django_db
def test_a_source_gives_each_summary_figure_once():
    figure = _summary_figure()
    values = {"metric": figure.metric, "value": D("10"), "qualifier": "exact"}

    accepted(SummaryFigure, source=SourceFactory(), **values)
    rejected(SummaryFigure, source=figure.source, **values)


UNIQUE_TESTED = {
    "adminunit_unique_structure_code",
    "unitsuccession_unique_pair",
    "unitsuccession_not_self",
    "source_unique_title_date",
    "zone_unique_kind_name",
    "phase_unique_zone_number",
    "summaryfigure_unique_metric_source",
}


def test_every_constraint_of_the_app_has_a_test():
    assert_every_constraint_tested("zones", CHECKS, UNIQUE_TESTED)
