import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation

from clearance import rules
from clearance.demo import RESETTLEMENT_AREAS
from clearance.demo.builder import DEMO_YEARS
from clearance.identity import normalize_id_number
from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    LandParcel,
    LandParcelUse,
    Payment,
    ResettlementPlot,
    Stage,
    StageEvent,
)
from tests.factories import CaseFactory
from zones.models import REFORM_DATE, AdminUnit, Source
from zones.workdays import WorkCalendar

Kind = StageEvent.Kind
DAY = datetime.timedelta(days=1)
# The demo's dates are checked against the law's calendar from the library alone.
CALENDAR = WorkCalendar.build(DEMO_YEARS)


def run_demo(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("generate_demo", *args, stdout=out)
    return out.getvalue()


def recovered_ha(cases):
    total = LandParcel.objects.filter(case__in=cases).aggregate(s=Sum("recovered_area_m2"))["s"]
    return total / 10_000


def fingerprint(phase):
    """What a user would see of the demo, without database ids or timestamps."""
    cases = Case.objects.filter(phase=phase).synthetic()
    return {
        "cases": list(cases.order_by("code").values_list("code", "name", "kind", "stage", "unit__code", "id_number")),
        "parcels": list(
            LandParcel.objects.filter(case__in=cases)
            .order_by("sheet_unit__code", "map_sheet_no", "parcel_no")
            .values_list("case__code", "map_sheet_no", "parcel_no", "area_m2", "recovered_area_m2")
        ),
        "uses": list(
            LandParcelUse.objects.filter(parcel__case__in=cases)
            .order_by("parcel__sheet_unit__code", "parcel__map_sheet_no", "parcel__parcel_no", "land_use_code")
            .values_list("parcel__parcel_no", "land_use_code", "area_m2")
        ),
        "events": list(
            StageEvent.objects.filter(case__in=cases)
            .order_by("case__code", "kind")
            .values_list("case__code", "kind", "happened_on", "doc_number")
        ),
        "paid": list(
            Payment.objects.filter(case__in=cases).order_by("case__code").values_list("case__code", "amount_vnd")
        ),
        "plots": list(
            ResettlementPlot.objects.order_by("resettlement_area", "plot_no").values_list("plot_no", "case__code")
        ),
    }


def test_cases_are_counted_synthetic_and_in_the_project_communes(demo):
    cases = Case.objects.filter(phase=demo)
    assert cases.count() == 495
    assert cases.count() > 490  # the article: "more than 490 cases counted"
    assert cases.counted().count() == cases.count()
    assert cases.synthetic().count() == cases.count()
    assert not cases.filter(stage=Stage.NOTICE).exists()
    units = AdminUnit.objects.filter(pk__in=cases.values("unit"))
    assert {(u.structure, u.code) for u in units} == {("legacy", 6451), ("legacy", 6460)}
    assert sorted(cases.values_list("code", flat=True))[:2] == ["MP-0001", "MP-0002"]
    numbers = list(cases.values_list("kind", "id_number"))
    for kind, id_number in numbers:
        assert normalize_id_number(id_number, kind=kind) == id_number  # real shapes, stored normalised
    cccds = [number for kind, number in numbers if len(number) == 12]
    assert cccds and all(number.startswith("020") for number in cccds)  # born in Lạng Sơn
    assert any(len(number) == 9 for kind, number in numbers) and any(number == "" for kind, number in numbers)
    assert all(len(number) == 10 for kind, number in numbers if kind == Case.Kind.ORGANIZATION)
    kinds = defaultdict(int)
    for kind in cases.values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds[Case.Kind.HOUSEHOLD] > 450
    assert kinds[Case.Kind.INDIVIDUAL] and kinds[Case.Kind.ORGANIZATION] and kinds[Case.Kind.COMMUNITY]
    assert Case.history.filter(is_synthetic=True).count() == 495
    assert list(Case.objects.search("mp-0001")) == [cases.get(code="MP-0001")]


def test_areas_agree_with_the_article(demo):
    cases = Case.objects.filter(phase=demo)
    handed_over = recovered_ha(cases.handed_over())
    assert Decimal("57") < handed_over <= Decimal("60")
    assert recovered_ha(cases) <= demo.area_ha == Decimal("200")
    for parcel in LandParcel.objects.filter(case__in=cases):
        assert Decimal("0") < parcel.recovered_area_m2 <= parcel.area_m2
    assert LandParcel.objects.filter(case__in=cases).count() >= cases.count()
    assert cases.filter(parcels__isnull=True).count() == 0


def test_every_stage_reached_has_a_dated_document_in_legal_order(demo):
    cases = Case.objects.filter(phase=demo).prefetch_related("events")
    compulsory = enforced = 0
    for case in cases:
        events = {e.kind: e for e in case.events.all()}
        reached = Stage.values[: Stage.order(case.stage) + 1]
        main = [k for k in events if k in Stage.values]
        assert sorted(main, key=Stage.order) == reached, case.code
        days = [events[k].happened_on for k in reached]
        assert days == sorted(days), case.code
        for event in events.values():
            assert event.happened_on < REFORM_DATE
            assert event.doc_number and event.doc_date and event.doc_issuer
            assert event.happened_on.weekday() < 5 and CALENDAR.is_working_day(event.happened_on)
        if Stage.PLAN_APPROVED in events:
            approved = events[Stage.PLAN_APPROVED].happened_on
            assert events[Stage.PLAN_POSTED].happened_on + 30 * DAY <= approved
        if Stage.RECOVERY_DECIDED in events:
            recovery = events[Stage.RECOVERY_DECIDED].happened_on
            assert approved < recovery <= approved + 10 * DAY
            assert events[Stage.NOTICE].happened_on + 180 * DAY <= recovery
        if Stage.PAID in events:
            assert recovery < events[Stage.PAID].happened_on <= approved + 30 * DAY
        if Kind.COMPULSORY_INVENTORY in events:
            compulsory += 1
            day = events[Kind.COMPULSORY_INVENTORY].happened_on
            assert events[Stage.NOTICE].happened_on + 15 * DAY < day < events[Stage.INVENTORY].happened_on
        if Kind.ENFORCEMENT in events:
            enforced += 1
            day = events[Kind.ENFORCEMENT].happened_on
            assert case.stage == Stage.HANDED_OVER
            assert events[Stage.PAID].happened_on < day <= events[Stage.HANDED_OVER].happened_on
            assert rules.enforcement_day_refusals(day, calendar=CALENDAR) == []
            assert events[Kind.ENFORCEMENT].doc_date < day
    assert 0 < compulsory < 20 and 0 < enforced < 10


def test_payments_equal_the_approved_compensation(demo):
    cases = Case.objects.filter(phase=demo)
    plan = dict(cases.annotate(total=Sum("compensation__amount_vnd")).values_list("code", "total"))
    paid = dict(cases.annotate(total=Sum("payments__amount_vnd")).values_list("code", "total"))
    stages = dict(cases.values_list("code", "stage"))
    for code, stage in stages.items():
        if Stage.order(stage) >= Stage.order(Stage.PAID):
            assert plan[code] and paid[code] == plan[code], code
        elif Stage.order(stage) >= Stage.order(Stage.PLAN_APPROVED):
            assert plan[code] and paid[code] is None, code
        else:
            assert plan[code] is None and paid[code] is None, code
    assert all(amount % 1000 == 0 for amount in CompensationItem.objects.values_list("amount_vnd", flat=True))
    for payment in Payment.objects.filter(case__in=cases).select_related("case"):
        assert payment.paid_on == payment.case.events.get(kind=Kind.PAID).happened_on


def test_assets_include_graves_and_houses_on_residential_land(demo):
    cases = Case.objects.filter(phase=demo)
    assets = Asset.objects.filter(case__in=cases)
    assert assets.filter(kind=Asset.Kind.GRAVE).exists()
    assert assets.filter(kind=Asset.Kind.TREE).exists() and assets.filter(kind=Asset.Kind.CROP).exists()
    residential = cases.filter(parcels__uses__land_use_code="ONT").distinct()
    assert residential.exists()
    assert residential.exclude(assets__kind=Asset.Kind.HOUSE).count() == 0


def test_resettlement_plots_go_to_cases_that_lost_residential_land(demo):
    allocated = ResettlementPlot.objects.filter(case__isnull=False).select_related("case")
    assert allocated.exists()
    for plot in allocated:
        assert plot.case.is_synthetic and plot.case.stage == Stage.HANDED_OVER
        assert plot.case.parcels.filter(uses__land_use_code="ONT").exists()
        assert plot.allocated_on == plot.case.events.get(kind=Kind.RESETTLEMENT).happened_on
        assert plot.case.events.get(kind=Kind.HANDED_OVER).happened_on < plot.allocated_on < REFORM_DATE
    assert ResettlementPlot.objects.filter(case__isnull=True).exists()
    assert set(ResettlementPlot.objects.values_list("resettlement_area", flat=True)) == set(RESETTLEMENT_AREAS.values())


def test_summary_line_reports_the_totals(vsip_phase):
    out = run_demo()
    assert "495 cases" in out
    assert "ha handed over" in out and "VND paid" in out
    paid = Payment.objects.aggregate(s=Sum("amount_vnd"))["s"]
    assert f"{paid:,} VND paid" in out


def test_second_run_keeps_the_demo_unchanged(demo):
    before = fingerprint(demo)
    ids = set(Case.objects.values_list("pk", flat=True))
    out = run_demo()
    assert "kept" in out and "--replace" in out
    assert set(Case.objects.values_list("pk", flat=True)) == ids
    assert fingerprint(demo) == before


def test_replace_regenerates_the_same_data_and_spares_real_cases(demo):
    before = fingerprint(demo)
    old_ids = set(Case.objects.synthetic().values_list("pk", flat=True))
    real = CaseFactory(phase=demo, unit=AdminUnit.objects.get(structure="legacy", code=6451), code="HL-001")

    out = run_demo("--replace")

    assert "495 cases" in out and "kept" not in out
    assert not old_ids & set(Case.objects.synthetic().values_list("pk", flat=True))
    assert fingerprint(demo) == before
    assert Case.objects.real().get() == real


def test_another_seed_gives_other_cases_within_the_same_totals(demo):
    before = fingerprint(demo)
    run_demo("--replace", "--seed", "7")
    assert fingerprint(demo)["cases"] != before["cases"]
    cases = Case.objects.filter(phase=demo)
    assert cases.count() == 495
    assert Decimal("57") < recovered_ha(cases.handed_over()) <= Decimal("60")
    assert recovered_ha(cases) <= Decimal("200")


def test_dry_run_saves_nothing(vsip_phase):
    out = run_demo("--dry-run")
    assert "Dry run, nothing saved" in out and "495 cases" in out
    assert Case.objects.count() == 0
    assert LandParcel.objects.count() == 0 and ResettlementPlot.objects.count() == 0


def test_without_the_loader_it_stops_with_a_clear_error(db):
    with translation.override("en"), pytest.raises(CommandError, match="Run “python manage.py load_lang_son” first"):
        call_command("generate_demo", stdout=io.StringIO())
    assert Case.objects.count() == 0
    assert Source.objects.count() == 0
