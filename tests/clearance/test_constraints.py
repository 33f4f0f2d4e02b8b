"""The database itself refuses impossible parcels, money and reports; full_clean() says so before it has to."""

import datetime
from decimal import Decimal

import pytest

from clearance.models import (
    Case,
    Complaint,
    InventoryImport,
    LandParcel,
    LandParcelUse,
    RegistryDay,
    RegistryTotal,
    ResettlementPlot,
    StageEvent,
)
from tests.constraints import (
    accepted,
    assert_database_rejects_then_accepts,
    assert_every_constraint_tested,
    assert_full_clean_rejects_then_accepts,
    rejected,
)
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CommuneFactory,
    CompensationItemFactory,
    LandParcelFactory,
    LandParcelUseFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    ResettlementPlotFactory,
    StageEventFactory,
    UserFactory,
)

D = Decimal
DAY = datetime.date(2024, 11, 1)


def _allocated_plot():
    return ResettlementPlotFactory(case=CaseFactory(), allocated_on=DAY)


APPLIED_AT = datetime.datetime(2024, 11, 1, 9, 30, tzinfo=datetime.UTC)


def _complaint(**values):
    return Complaint.objects.create(
        case=CaseFactory(), received_on=DAY, summary="Khiếu nại về diện tích đo đạc", **values
    )


def _resolved_complaint():
    return _complaint(status=Complaint.Status.RESOLVED, resolved_on=DAY, resolution="Đã đo đạc lại")


def _previewed_import():
    return InventoryImport.objects.create(
        phase=PhaseFactory(),
        uploaded_by=UserFactory(),
        file_name="kiem_dem.csv",
        file_format=InventoryImport.Format.CSV,
        content="Mã hồ sơ;Họ tên\n".encode(),
        sha256="a" * 64,
    )


# (constraint, factory, bad values, good boundary values). The parcel factory makes 1000 m², 800 recovered.
CHECKS = [
    pytest.param(
        "landparceluse_area_positive",
        LandParcelUseFactory,
        {"area_m2": D("0")},
        {"area_m2": D("0.1")},
        id="land use area zero",
    ),
    pytest.param(
        "landparcel_area_positive",
        LandParcelFactory,
        {"area_m2": D("0"), "recovered_area_m2": D("0")},
        {"area_m2": D("0.1"), "recovered_area_m2": D("0.1")},
        id="parcel area zero",
    ),
    pytest.param(
        "landparcel_recovered_positive",
        LandParcelFactory,
        {"recovered_area_m2": D("0")},
        {"recovered_area_m2": D("0.1")},
        id="parcel recovered zero",
    ),
    pytest.param(
        "landparcel_recovered_within_area",
        LandParcelFactory,
        {"recovered_area_m2": D("1000.1")},
        {"recovered_area_m2": D("1000.0")},
        id="parcel recovered more than its area",
    ),
    pytest.param(
        "landparcel_sheet_no_positive",
        LandParcelFactory,
        {"map_sheet_no": 0},
        {"map_sheet_no": 1},
        id="parcel map sheet zero",
    ),
    pytest.param(
        "landparcel_parcel_no_positive",
        LandParcelFactory,
        {"parcel_no": 0},
        {"parcel_no": 1},
        id="parcel number zero",
    ),
    pytest.param(
        "asset_quantity_positive",
        AssetFactory,
        {"quantity": D("0")},
        {"quantity": D("0.01")},
        id="asset quantity zero",
    ),
    pytest.param(
        "compensationitem_amount_non_negative",
        CompensationItemFactory,
        {"amount_vnd": -1},
        {"amount_vnd": 0},
        id="compensation negative, zero is fine",
    ),
    pytest.param(
        "payment_amount_positive",
        PaymentFactory,
        {"amount_vnd": 0},
        {"amount_vnd": 1},
        id="payment zero",
    ),
    pytest.param(
        "resettlementplot_area_positive",
        ResettlementPlotFactory,
        {"area_m2": D("0")},
        {"area_m2": D("0.1")},
        id="resettlement plot area zero",
    ),
    pytest.param(
        "resettlementplot_allocation_dated",
        _allocated_plot,
        {"allocated_on": None},
        {"case": None, "allocated_on": None},
        id="plot allocated without a date, free plot is fine",
    ),
    pytest.param(
        "resettlementplot_allocation_dated",
        ResettlementPlotFactory,
        {"allocated_on": DAY},
        {"allocated_on": None},
        id="free plot with an allocation date",
    ),
    pytest.param(
        "progressreport_area_counted_non_negative",
        ProgressReportFactory,
        {"area_counted_ha": D("-0.01")},
        {"area_counted_ha": D("0")},
        id="report area counted negative",
    ),
    pytest.param(
        "progressreport_area_handed_over_non_negative",
        ProgressReportFactory,
        {"area_handed_over_ha": D("-0.01")},
        {"area_handed_over_ha": D("0")},
        id="report area handed over negative",
    ),
    pytest.param(
        "progressreport_plans_vnd_non_negative",
        ProgressReportFactory,
        {"plans_approved_vnd": -1},
        {"plans_approved_vnd": 0},
        id="report plans approved negative",
    ),
    pytest.param(
        "progressreport_paid_vnd_non_negative",
        ProgressReportFactory,
        {"amount_paid_vnd": -1},
        {"amount_paid_vnd": 0},
        id="report amount paid negative",
    ),
    pytest.param(
        "progressreport_counted_within_total",
        ProgressReportFactory,
        {"cases_total": 100, "cases_counted": 101},
        {"cases_total": 100, "cases_counted": 100},
        id="report counted more than total",
    ),
    pytest.param(
        "progressreport_counted_within_total",
        ProgressReportFactory,
        {"cases_total": 100, "cases_counted": 101},
        {"cases_total": None, "cases_counted": 101},
        id="report counted with total unknown is fine",
    ),
    pytest.param(
        "complaint_resolution_dated",
        _complaint,
        {"status": Complaint.Status.RESOLVED},
        {"status": Complaint.Status.RESOLVED, "resolved_on": DAY},
        id="complaint resolved without a date, resolved the day received is fine",
    ),
    pytest.param(
        "complaint_resolution_dated",
        _resolved_complaint,
        {"resolved_on": DAY - datetime.timedelta(days=1)},
        {"resolved_on": DAY},
        id="complaint resolved before it was received",
    ),
    pytest.param(
        "complaint_resolution_dated",
        _complaint,
        {"resolved_on": DAY},
        {"resolved_on": None},
        id="open complaint with a resolution date",
    ),
    pytest.param(
        "inventoryimport_applied_dated",
        _previewed_import,
        {"status": InventoryImport.Status.APPLIED},
        {"status": InventoryImport.Status.APPLIED, "applied_at": APPLIED_AT},
        id="import applied without its time",
    ),
    pytest.param(
        "inventoryimport_applied_dated",
        _previewed_import,
        {"applied_at": APPLIED_AT},
        {"applied_at": None},
        id="preview with an applied time",
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


@pytest.mark.django_db
def test_plot_allocated_with_a_date_is_accepted():
    plot = ResettlementPlotFactory()
    case = CaseFactory()

    ResettlementPlot.objects.filter(pk=plot.pk).update(case=case, allocated_on=DAY)

    plot.refresh_from_db()
    assert (plot.case, plot.allocated_on) == (case, DAY)


# ---- uniqueness -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_parcel_per_commune_sheet_and_number():
    parcel = LandParcelFactory(map_sheet_no=12, parcel_no=345)
    values = {
        "case": CaseFactory(),
        "map_sheet_no": 12,
        "parcel_no": 345,
        "area_m2": D("500"),
        "recovered_area_m2": D("500"),
    }

    # Sheet numbering restarts in every commune: sheet 12 parcel 345 exists in each.
    accepted(LandParcel, sheet_unit=CommuneFactory(), **values)
    accepted(LandParcel, sheet_unit=parcel.sheet_unit, **(values | {"parcel_no": 346}))
    rejected(LandParcel, sheet_unit=parcel.sheet_unit, **values)


@pytest.mark.django_db
def test_a_parcel_lists_each_land_use_once():
    parcel = LandParcelFactory(land_use_code="ONT")

    accepted(LandParcelUse, parcel=parcel, land_use_code="CLN", area_m2=D("10"))
    accepted(LandParcelUse, parcel=LandParcelFactory(), land_use_code="ONT", area_m2=D("10"))
    rejected(LandParcelUse, parcel=parcel, land_use_code="ONT", area_m2=D("10"))


@pytest.mark.django_db
def test_case_code_is_unique_per_phase():
    case = CaseFactory(code="HL-001")
    values = {"unit": case.unit, "code": "HL-001", "name": "Hộ bà Lý Thị C"}

    accepted(Case, phase=PhaseFactory(zone=case.phase.zone, number=2, source=case.phase.source), **values)
    rejected(Case, phase=case.phase, **values)


@pytest.mark.django_db
def test_each_step_is_recorded_once_per_case():
    event = StageEventFactory(kind=StageEvent.Kind.NOTICE)
    values = {"kind": StageEvent.Kind.NOTICE, "happened_on": DAY}

    accepted(StageEvent, case=CaseFactory(), **values)
    accepted(StageEvent, case=event.case, kind=StageEvent.Kind.INVENTORY, happened_on=DAY)
    rejected(StageEvent, case=event.case, **values)


@pytest.mark.django_db
def test_plot_number_is_unique_per_resettlement_area():
    plot = ResettlementPlotFactory(resettlement_area="Khu tái định cư Hồ Sơn", plot_no="L7")

    accepted(ResettlementPlot, resettlement_area="Khu tái định cư Đồng Bành", plot_no="L7", area_m2=D("120"))
    rejected(ResettlementPlot, resettlement_area=plot.resettlement_area, plot_no="L7", area_m2=D("120"))


@pytest.mark.django_db
def test_the_registry_keeps_one_row_per_phase_commune_and_day():
    event = StageEventFactory(kind=StageEvent.Kind.INVENTORY, doc_type=StageEvent.DocType.MINUTES)
    key = {"phase": event.case.phase, "unit": event.case.unit}
    rejected(RegistryTotal, **key)
    rejected(RegistryDay, **key, day=event.happened_on)
    accepted(RegistryDay, **key, day=event.happened_on + datetime.timedelta(days=1))


UNIQUE_TESTED = {
    "registry_total_once",
    "registry_day_once",
    "landparceluse_unique_parcel_code",
    "landparcel_unique_commune_sheet_parcel",
    "case_unique_phase_code",
    "stageevent_unique_case_kind",
    "resettlementplot_unique_area_plot",
}


def test_every_constraint_of_the_app_has_a_test():
    assert_every_constraint_tested("clearance", CHECKS, UNIQUE_TESTED)
