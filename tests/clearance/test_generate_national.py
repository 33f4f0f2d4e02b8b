import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from clearance import rules
from clearance.identity import normalize_id_number
from clearance.land_use import is_non_agricultural, nomenclature
from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    Complaint,
    LandParcel,
    LandParcelUse,
    Payment,
    ProgressReport,
    Stage,
    StageEvent,
)
from clearance.national import national_delete, national_source, synthetic_units
from clearance.national.vocabulary import CODE_BASE, LANG_SON_CODE, NATIONAL_END, NATIONAL_START, SYNTHETIC_MARK
from clearance.services.reports import report_problems
from tests.factories import LandParcelFactory
from zones.models import AdminUnit, Phase, Source, Zone
from zones.workdays import WorkCalendar

pytestmark = pytest.mark.usefixtures("in_english")

Kind = StageEvent.Kind
EVERY_MODEL = [AdminUnit, Zone, Phase, Source, Case, LandParcel, LandParcelUse, Asset, StageEvent, CompensationItem,
               Payment, Complaint, ProgressReport]  # fmt: skip


def run(*args):
    out = io.StringIO()
    call_command("generate_national", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def national_cases():
    return Case.objects.filter(phase__zone__source=national_source())


def per_case(model, cases):
    return model.objects.filter(case__in=cases).count() / cases.count()


def fingerprint():
    """What a user would see of the set, without database ids or timestamps."""
    cases = national_cases()
    return {
        "units": list(synthetic_units().order_by("code").values_list("code", "name", "level", "parent__code")),
        "zones": list(
            Zone.objects.filter(source=national_source())
            .order_by("name")
            .values_list("name", "kind", "unit__code", "planned_area_ha", "search_text")
        ),
        "cases": list(
            cases.order_by("phase__zone__name", "phase__number", "code").values_list(
                "phase__zone__name", "code", "name", "kind", "stage", "unit__code", "id_number", "village"
            )
        ),
        "parcels": list(
            LandParcel.objects.filter(case__in=cases)
            .order_by("sheet_unit__code", "map_sheet_no", "parcel_no")
            .values_list("case__code", "map_sheet_no", "parcel_no", "area_m2", "recovered_area_m2")
        ),
        "events": list(
            StageEvent.objects.filter(case__in=cases)
            .order_by("case__phase__zone__name", "case__phase__number", "case__code", "kind")
            .values_list("case__code", "kind", "happened_on", "doc_number", "doc_issuer")
        ),
        "paid": sorted(Payment.objects.filter(case__in=cases).values_list("case__code", "paid_on", "amount_vnd")),
        "reports": sorted(
            ProgressReport.objects.filter(source=national_source()).values_list(
                "phase__zone__name", "reported_on", "cases_counted", "amount_paid_vnd", "area_handed_over_ha"
            )
        ),
    }


def real_rows():
    """Lạng Sơn's units and zones, the demo's cases and everything else not of the national set."""
    national = national_source()
    return {
        "units": list(AdminUnit.objects.filter(code__lt=CODE_BASE).order_by("pk").values()),
        "zones": list(Zone.objects.exclude(source=national).order_by("pk").values()),
        "phases": list(Phase.objects.exclude(source=national).order_by("pk").values()),
        "cases": list(Case.objects.exclude(phase__source=national).order_by("pk").values()),
        "parcels": LandParcel.objects.exclude(case__phase__source=national).count(),
        "events": StageEvent.objects.exclude(case__phase__source=national).count(),
        "reports": list(ProgressReport.objects.exclude(source=national).order_by("pk").values()),
        "sources": list(Source.objects.exclude(pk=getattr(national, "pk", None)).order_by("pk").values()),
    }


def test_a_small_run_makes_the_stated_shapes(lang_son):
    out = run("--cases", "300", "--provinces", "3")
    assert "300 cases" in out and "3 province(s) (1 real, 2 synthetic)" in out
    cases = national_cases()
    assert cases.count() == 300
    assert 3.5 <= per_case(LandParcel, cases) <= 4.8
    assert 1.5 <= per_case(Asset, cases) <= 2.5
    assert 4.4 <= per_case(StageEvent, cases) <= 5.6
    assert Payment.objects.filter(case__in=cases).exists() and Complaint.objects.filter(case__in=cases).exists()
    phases = Phase.objects.filter(zone__source=national_source())
    assert ProgressReport.objects.filter(phase__in=phases).count() == phases.count() * 8  # weekly, eight weeks
    # The cases spread over three provinces: Lạng Sơn's real 2025 communes and two synthetic ones.
    provinces = set(cases.values_list("unit__parent__code", flat=True))
    assert len(provinces) == 3 and LANG_SON_CODE in provinces
    assert cases.filter(unit__code__lt=CODE_BASE).exists()
    assert set(cases.values_list("unit__structure", "unit__level").distinct()) == {("2025", "commune")}


def test_everything_is_synthetic_and_derived_fields_are_filled(lang_son):
    run("--cases", "200", "--provinces", "2")
    cases = national_cases()
    source = national_source()
    assert source.is_synthetic
    assert not cases.filter(is_synthetic=False).exists()
    assert not Zone.objects.filter(phases__cases__in=cases).exclude(source=source).exists()
    assert not ProgressReport.objects.filter(phase__cases__in=cases).exclude(source=source).exists()
    units = synthetic_units()
    assert units.filter(level=AdminUnit.Level.PROVINCE).count() == 1
    for unit in units:
        assert unit.name.endswith(SYNTHETIC_MARK) and unit.code >= CODE_BASE
        assert unit.parent is None or unit.parent.code >= CODE_BASE
    # Rows written without save() hold what save() would have stored.
    for row in [*cases[:50], *Zone.objects.filter(source=source), *units]:
        stored = row.search_text
        row.refresh_search_text()
        assert row.search_text == stored, row
    assert {c.created_at is not None and c.version == 1 for c in cases} == {True}
    assert not StageEvent.objects.filter(case__in=cases, recorded_at__isnull=True).exists()
    assert list(Case.objects.search("mpqg-00001").values_list("code", flat=True))[:1] == ["MPQG-00001"]


def test_stages_money_numbers_and_reports_follow_the_rules(lang_son):
    run("--cases", "400", "--provinces", "2", "--seed", "7")
    cases = national_cases().prefetch_related("events", "parcels__uses", "compensation", "payments", "complaints")
    calendar = WorkCalendar.build(range(NATIONAL_START.year - 1, NATIONAL_END.year + 2))
    seen = defaultdict(int)
    for case in cases:
        events = {e.kind: e.happened_on for e in case.events.all()}
        main = sorted((k for k in events if k in Stage.values), key=Stage.order)
        assert main == Stage.values[: Stage.order(case.stage) + 1], case.code  # the stage is the last act
        codes = {u.land_use_code for p in case.parcels.all() for u in p.uses.all()}
        assert codes <= set(nomenclature())
        non_agricultural = is_non_agricultural(codes)
        recorded, current = {}, Stage.NOTICE
        for stage in main:
            side = {Stage.INVENTORY: Kind.COMPULSORY_INVENTORY, Stage.HANDED_OVER: Kind.ENFORCEMENT}.get(stage)
            if side in events:
                refusals = rules.check_side_event(
                    current=current, recorded=recorded, kind=side, happened_on=events[side], today=NATIONAL_END,
                    calendar=calendar,
                )  # fmt: skip
                assert refusals == [], (case.code, side, refusals)
                recorded[side] = events[side]
                seen[side] += 1
            refusals = rules.check_advance(
                current=current, recorded=recorded, stage=stage, happened_on=events[stage], today=NATIONAL_END,
                non_agricultural=non_agricultural,
            )  # fmt: skip
            assert refusals == [], (case.code, stage, refusals)
            recorded[stage], current = events[stage], stage
        for event in case.events.all():
            assert NATIONAL_START <= event.happened_on <= NATIONAL_END and calendar.is_working_day(event.happened_on)
            assert event.doc_number and event.doc_date and event.doc_issuer
        # Compensation lines once the plan is approved; the payment after it, of their total.
        total = sum(item.amount_vnd for item in case.compensation.all())
        assert bool(total) == case.has_reached(Stage.PLAN_APPROVED)
        payments = list(case.payments.all())
        assert len(payments) == case.has_reached(Stage.PAID)
        for payment in payments:
            assert payment.amount_vnd == total and payment.paid_on == events[Stage.PAID]
            assert rules.check_payment(recorded=recorded, paid_on=payment.paid_on, today=NATIONAL_END) == []
            assert not rules.is_payment_late(events[Stage.PLAN_APPROVED], payment.paid_on)
        for complaint in case.complaints.all():
            assert complaint.received_on >= events[Stage.NOTICE]
            assert rules.check_complaint(received_on=complaint.received_on, today=NATIONAL_END) == []
        assert normalize_id_number(case.id_number, kind=case.kind) == case.id_number
        for parcel in case.parcels.all():
            assert sum(u.area_m2 for u in parcel.uses.all()) == parcel.area_m2
            assert 0 < parcel.recovered_area_m2 <= parcel.area_m2
        seen[case.kind] += 1
    assert seen[Kind.COMPULSORY_INVENTORY] and seen[Case.Kind.HOUSEHOLD] > 350
    for report in ProgressReport.objects.filter(source=national_source()).select_related("phase", "unit"):
        figures = {f: getattr(report, f) for f in ("cases_total", "cases_counted", "area_counted_ha",
                   "plans_approved_cases", "plans_approved_vnd", "cases_paid", "amount_paid_vnd",
                   "area_handed_over_ha", "graves_relocated")}  # fmt: skip
        assert (
            report_problems(phase=report.phase, unit=report.unit, reported_on=report.reported_on, figures=figures) == []
        )
    last = ProgressReport.objects.filter(source=national_source(), reported_on=NATIONAL_END)
    assert last.aggregate(n=Sum("cases_total"))["n"] == 400
    assert (
        last.aggregate(n=Sum("cases_paid"))["n"] == national_cases().filter(stage__in=Stage.reached(Stage.PAID)).count()
    )


def test_the_same_seed_gives_the_same_data(lang_son):
    run("--cases", "250", "--provinces", "2", "--seed", "11")
    first = fingerprint()
    run("--cases", "250", "--provinces", "2", "--seed", "11", "--replace")
    assert fingerprint() == first
    run("--cases", "250", "--provinces", "2", "--seed", "12", "--replace")
    assert fingerprint()["cases"] != first["cases"]


def test_replace_removes_only_the_national_set(demo):
    before = real_rows()
    run("--cases", "300", "--provinces", "2")
    out = run("--cases", "120", "--provinces", "3", "--replace")
    assert "deleted a previous set of 300 cases first" in out
    assert national_cases().count() == 120
    assert synthetic_units().filter(level=AdminUnit.Level.PROVINCE).count() == 2
    assert Source.objects.filter(title=national_source().title).count() == 1
    assert real_rows() == before
    national_delete()
    assert national_source() is None and not synthetic_units().exists()
    assert real_rows() == before
    assert Case.objects.count() == 495  # the demo, untouched


def test_without_lang_son_every_province_is_synthetic(db):
    out = run("--cases", "60", "--provinces", "2")
    assert "(0 real, 2 synthetic)" in out
    assert not AdminUnit.objects.filter(code__lt=CODE_BASE).exists()
    assert national_cases().count() == 60


def test_dry_run_writes_nothing(lang_son):
    before = {model: model.objects.count() for model in EVERY_MODEL}
    out = run("--cases", "300", "--provinces", "2", "--dry-run")
    assert out.startswith("Dry run, nothing written: would create 2 province(s)") and "300 cases" in out
    assert {model: model.objects.count() for model in EVERY_MODEL} == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cases", "0"], "--cases must be a whole number of at least 1, not 0"),
        (["--cases", "-5"], "--cases must be a whole number of at least 1, not -5"),
        (["--cases", "ten"], "invalid int value"),
        ([], "--cases"),
        (["--cases", "10", "--provinces", "0"], "--provinces must be from 1 to 34, not 0"),
        (["--cases", "100", "--provinces", "35"], "--provinces must be from 1 to 34, not 35"),
        (["--cases", "3", "--provinces", "5"], "5 provinces need at least 5 cases"),
    ],
)
def test_bad_arguments_are_refused_clearly(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Case.objects.exists() and not AdminUnit.objects.exists()


def test_a_second_set_needs_replace(db):
    run("--cases", "20", "--provinces", "1")
    with pytest.raises(CommandError, match=r"already exists \(20 cases\): use --replace"):
        run("--cases", "20", "--provinces", "1")
    assert national_cases().count() == 20


def test_queries_grow_with_batches_not_with_cases(db):
    counts = {}
    for cases in (150, 600):
        national_delete()
        with CaptureQueriesContext(connection) as queries:
            run("--cases", str(cases), "--provinces", "1")
        rows = sum(model.objects.count() for model in EVERY_MODEL)
        counts[cases] = len(queries)
        # A fixed few, then one INSERT a batch; SQLite's 999 parameters hold about 90 rows of the widest table.
        assert len(queries) <= 40 + rows / 90, (cases, len(queries), rows)
    assert counts[600] < 600 / 4
    assert counts[600] - counts[150] < (600 - 150) / 5


def test_parcels_in_real_communes_come_after_the_sheets_already_recorded(lang_son):
    communes = list(AdminUnit.objects.current().communes().filter(parent__code=LANG_SON_CODE))
    existing = [LandParcelFactory(case__unit=c, sheet_unit=c, map_sheet_no=60, parcel_no=5) for c in communes]
    run("--cases", "400", "--provinces", "1")
    parcels = LandParcel.objects.filter(case__in=national_cases())
    assert parcels.count() > 1000
    assert not parcels.filter(map_sheet_no__lte=60).exists()
    assert all(LandParcel.objects.filter(pk=p.pk).exists() for p in existing)
