"""The registry rollups, and the figures each case keeps, equal what the raw rows say, after every kind of write.

Random operations go through each write path — pages (services), the import, the admin, the demo
and national bulk loads, and plain model saves and deletes as a shell would make them — and after
each one the rollups, read as of every day that matters, must equal clearance.read.ledger.ledger over
the raw rows (docs/decisions/0016). The operations' order and targets come from the test's random
seed (pytest-randomly prints it; --randomly-seed replays it).
"""

import datetime
import itertools
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from clearance import rollups
from clearance.models import (
    DERIVED_FIELDS,
    Asset,
    Case,
    LandParcel,
    Payment,
    RegistryDay,
    RegistryTotal,
    ResettlementPlot,
    Stage,
    StageEvent,
)
from clearance.national import national_generate
from clearance.read import ledger
from clearance.read.registry import RollupLedger, scope_filter
from clearance.services.cases import case_advance, case_record_payment
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_imports import csv_bytes, parcel
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CompensationItemFactory,
    LandParcelFactory,
    PaymentFactory,
    ResettlementPlotFactory,
    StageEventFactory,
)
from tests.test_admin import _form_data
from zones.access import scope_for
from zones.models import AdminUnit

Kind = StageEvent.Kind
FAR_FUTURE = datetime.date(2100, 1, 1)
AREA, QUANTITY = Decimal("0.1"), Decimal("0.01")
IMPORT_SHEETS = itertools.count(700)
# Map sheets of the parcels the page services add: a (commune, sheet, parcel) no other write uses.
SERVICE_SHEETS = itertools.count(5000)


def days_that_matter():
    """Every day a figure can change on, the day before each, and a day after all of them."""
    days = set(StageEvent.objects.values_list("happened_on", flat=True))
    days |= set(Payment.objects.values_list("paid_on", flat=True))
    days |= set(ResettlementPlot.objects.exclude(allocated_on=None).values_list("allocated_on", flat=True))
    return sorted(days | {day - datetime.timedelta(days=1) for day in days} | {FAR_FUTURE})


def rounded(figures_by_key):
    """Areas to 0,1 m² and quantities to 0,01, as the tables keep them: SQLite adds decimals up as
    floating point, so the raw sum of 626429,6 m² may come back as 626429,599999999."""
    exact = {"area_m2": AREA, "counted_m2": AREA, "approved_m2": AREA, "handed_over_m2": AREA}
    exact |= {"graves": QUANTITY, "graves_relocated": QUANTITY}
    return {
        key: {name: Decimal(value).quantize(exact[name]) if name in exact else value
              for name, value in vars(figures).items()}
        for key, figures in figures_by_key.items()
    }  # fmt: skip


def assert_cases_keep_their_rows_figures():
    """Each case's kept fields equal what its parcels, payments and stage events say."""
    recovered, paid, dates = defaultdict(Decimal), defaultdict(int), {}
    for case_id, area in LandParcel.objects.values_list("case_id", "recovered_area_m2"):
        recovered[case_id] += area
    for case_id, amount in Payment.objects.values_list("case_id", "amount_vnd"):
        paid[case_id] += amount
    for case_id, kind, day in StageEvent.objects.values_list("case_id", "kind", "happened_on"):
        dates[case_id, kind] = day
    kept = {case["pk"]: case for case in Case.objects.values("pk", "stage", *DERIVED_FIELDS)}
    for pk, case in kept.items():
        expected = {
            "recovered_m2": recovered[pk].quantize(AREA),
            "paid_vnd": paid[pk],
            "approved_on": dates.get((pk, Kind.PLAN_APPROVED)),
            "decided_on": dates.get((pk, Kind.RECOVERY_DECIDED)),
            "paid_on": dates.get((pk, Kind.PAID)),
            "compulsory_on": dates.get((pk, Kind.COMPULSORY_INVENTORY)),
            "enforced_on": dates.get((pk, Kind.ENFORCEMENT)),
            "stage_began_on": dates.get((pk, case["stage"])),
        }
        stored = {name: case[name] for name in DERIVED_FIELDS}
        stored["recovered_m2"] = Decimal(stored["recovered_m2"]).quantize(AREA)
        assert stored == expected, f"case {pk} keeps figures its rows do not say"


def assert_rollups_equal_the_registry(where=None):
    assert_cases_keep_their_rows_figures()
    raw = ledger.ledger(Case.objects.filter(where or Q()))
    kept = RollupLedger(where)
    days = days_that_matter()
    kept.prefetch(days)
    for day in days:
        assert rounded(kept.as_of(day)) == rounded(raw.as_of(day)), f"the rollups differ from the registry on {day}"


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "x")
    client.force_login(user)
    return client


# --- the paths, one function each; `rng` picks the target ------------------------------------------


def shell_saves(rng, phase, communes):
    """Plain saves as a shell or a script makes them, outside any batch: each refreshes at once."""
    case = CaseFactory(phase=phase, unit=rng.choice(communes), stage=Stage.INVENTORY)
    LandParcelFactory(case=case, recovered_area_m2=Decimal(rng.randint(100, 900)))
    StageEventFactory(case=case, kind=Kind.INVENTORY, doc_type=StageEvent.DocType.MINUTES)
    AssetFactory(case=case, kind=Asset.Kind.GRAVE, quantity=Decimal(rng.randint(1, 3)))
    CompensationItemFactory(case=case, amount_vnd=rng.randint(1, 9) * 10_000_000)
    PaymentFactory(case=case, paid_on=datetime.date(2024, 9, rng.randint(1, 28)))
    ResettlementPlotFactory(case=case, allocated_on=datetime.date(2024, 10, 1))


def shell_moves_and_deletes(rng, phase, communes):
    """A case moved to another commune, a parcel moved to another case, an event and a case deleted."""
    cases = list(Case.objects.filter(phase=phase).order_by("pk"))
    moved = rng.choice(cases)
    moved.unit = rng.choice([unit for unit in communes if unit.pk != moved.unit_id])
    moved.save()
    parcel = pick(rng, LandParcel.objects.filter(case__phase=phase))
    parcel.case = rng.choice(cases)
    parcel.save()
    pick(rng, StageEvent.objects.filter(case__phase=phase, kind=Kind.INVENTORY)).delete()
    for plot in ResettlementPlot.objects.filter(case__phase=phase):  # plots protect their cases
        plot.case, plot.allocated_on = None, None
        plot.save()
    rng.choice(cases).delete()


def page_services(rng, phase, communes, user):
    """What the case pages call: a new case's notice, and a payment on a decided case."""
    case = CaseFactory(phase=phase, unit=rng.choice(communes), stage=Stage.NOTICE)
    LandParcelFactory(case=case, map_sheet_no=next(SERVICE_SHEETS))
    case_advance(
        case_id=case.pk,
        expected_version=case.version,
        stage=Stage.NOTICE,
        happened_on=datetime.date(2024, 3, 4),
        doc_type=StageEvent.DocType.NOTICE,
        doc_number="7/TB-UBND",
        doc_issuer="UBND huyện Hữu Lũng",
        user=user,
        reason="Thông báo thu hồi đất",
    )
    case.refresh_from_db()
    decided = CaseFactory(phase=phase, unit=rng.choice(communes), stage=Stage.RECOVERY_DECIDED)
    for kind, day in ((Kind.PLAN_APPROVED, 2), (Kind.RECOVERY_DECIDED, 5)):
        StageEventFactory(case=decided, kind=kind, happened_on=datetime.date(2024, 6, day))
    CompensationItemFactory(case=decided, amount_vnd=80_000_000)
    case_record_payment(
        case_id=decided.pk,
        expected_version=decided.version,
        paid_on=datetime.date(2024, 6, 20),
        amount_vnd=80_000_000,
        user=user,
        reason="Chi trả",
    )


def an_import(rng, phase, communes, user):
    """A CSV of new cases and a changed existing parcel, applied (bulk writes: no signals)."""
    existing = LandParcel.objects.filter(case__phase=phase, case__unit__code=6451).select_related("case").first()
    sheet = next(IMPORT_SHEETS)  # a map sheet no import used yet
    rows = [parcel(code=f"IMP-{sheet}-{n}", parcel_no=n + 1, **{"Số tờ": sheet}) for n in range(3)]
    if existing is not None:
        rows.append(
            parcel(
                code=existing.case.code,
                parcel_no=existing.parcel_no,
                **{"Số tờ": existing.map_sheet_no, "Diện tích thu hồi (m²)": "1", "Diện tích (m²)": "2"},
            )
        )
    import_file(user=user, phase=phase, file_name="kiem-dem.csv", content=csv_bytes(rows))


def admin_edits(rng, phase, communes, client):
    """The admin: a case moved to another commune with its inlines, a hand-over undone, payments deleted."""
    case = pick(rng, Case.objects.filter(phase=phase, parcels__isnull=False).distinct())
    url = reverse("admin:clearance_case_change", args=[case.pk])
    data = _form_data(client.get(url))
    data["unit"] = str(rng.choice([unit for unit in communes if unit.pk != case.unit_id]).pk)
    assert client.post(url, data).status_code == 302
    event = pick(rng, StageEvent.objects.filter(case__phase=phase, kind=Kind.HANDED_OVER))
    assert (
        client.post(reverse("admin:clearance_stageevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 302
    )
    payments = list(Payment.objects.filter(case__phase=phase).order_by("pk").values_list("pk", flat=True)[:3])
    response = client.post(
        reverse("admin:clearance_payment_changelist"),
        {"action": "delete_selected", "_selected_action": payments, "post": "yes"},
    )
    assert response.status_code == 302


def pick(rng, queryset):
    """One row, chosen by the test's seed (the database's own random order would not replay)."""
    return rng.choice(list(queryset.order_by("pk")))


# --- the tests ---------------------------------------------------------------------------------------


@pytest.fixture
def communes(demo):
    """The communes of the demo's cases."""
    return list(AdminUnit.objects.filter(pk__in=Case.objects.filter(phase=demo).values("unit")))


def test_the_demo_loads_its_rollups(demo):
    assert RegistryTotal.objects.filter(phase=demo).count() > 0
    assert_rollups_equal_the_registry()


def test_random_writes_through_every_path_keep_the_rollups_equal_to_the_registry(
    demo, communes, huu_lung, admin_client_
):
    rng = random.Random(random.getrandbits(32))
    paths = [
        lambda: shell_saves(rng, demo, communes),
        lambda: shell_moves_and_deletes(rng, demo, communes),
        lambda: page_services(rng, demo, communes, huu_lung),
        lambda: an_import(rng, demo, communes, huu_lung),
        lambda: admin_edits(rng, demo, communes, admin_client_),
    ]
    for path in rng.sample(paths * 2, k=len(paths) * 2):
        path()
        assert_rollups_equal_the_registry()


def test_cases_deleted_with_everything_on_them_leave_no_rollups_behind(demo, communes):
    ResettlementPlot.objects.filter(case__phase=demo).delete()
    for case in Case.objects.filter(phase=demo, unit=communes[0]).order_by("pk")[:3]:
        case.delete()  # a shell's delete, outside any batch: refreshed at once, child by child
    assert_rollups_equal_the_registry()
    with rollups.batch():  # a bulk delete inside a batch: refreshed once
        Case.objects.filter(phase=demo, unit=communes[0]).delete()
    assert not RegistryTotal.objects.filter(phase=demo, unit=communes[0]).exists()
    assert not RegistryDay.objects.filter(phase=demo, unit=communes[0]).exists()
    assert_rollups_equal_the_registry()


def test_a_national_load_and_its_replacement_leave_the_rollups_equal(lang_son):
    national_generate(cases=120, seed=7, provinces=2)
    assert_rollups_equal_the_registry()
    national_generate(cases=80, seed=8, provinces=2, replace=True)
    assert_rollups_equal_the_registry()


def test_a_batch_refreshes_once_at_its_end_and_not_after_an_error(demo, communes):
    key = {"phase": demo, "unit": communes[0]}
    before = RegistryTotal.objects.get(**key).cases
    with rollups.batch():
        CaseFactory(**key)
        CaseFactory(**key)
        assert RegistryTotal.objects.get(**key).cases == before  # gathered, not yet refreshed
    assert RegistryTotal.objects.get(**key).cases == before + 2
    with pytest.raises(ImportRejected), transaction.atomic(), rollups.batch():
        CaseFactory(**key)
        raise ImportRejected("refused")
    assert RegistryTotal.objects.get(**key).cases == before + 2
    assert_rollups_equal_the_registry()


def test_a_scope_reads_only_its_own_communes(demo, huu_lung, communes):
    scope = scope_for(huu_lung)
    where = scope_filter(scope)
    assert {unit for _phase, unit in RollupLedger(where).keys()} <= set(scope.unit_ids)
    assert_rollups_equal_the_registry(Q(unit_id__in=scope.unit_ids))


def test_reading_many_days_takes_one_query_per_forty(demo, django_assert_num_queries):
    book = RollupLedger()
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(80)]
    with django_assert_num_queries(2):
        book.prefetch(days)
    with django_assert_num_queries(0):
        book.as_of(days[5])


def test_rebuild_repairs_rollups_written_wrong(demo):
    RegistryTotal.objects.filter(phase=demo).update(cases=0)
    RegistryDay.objects.filter(phase=demo).delete()
    rollups.rebuild()
    assert_rollups_equal_the_registry()


def test_many_cases_are_refreshed_in_chunks(vsip_phase, monkeypatch, django_assert_num_queries):
    """An import of 20,000 cases refreshes them BATCH_SIZE at a time: within SQLite's bound values."""
    cases = [CaseFactory(phase=vsip_phase) for _ in range(5)]
    for case in cases:
        LandParcelFactory(case=case, recovered_area_m2=Decimal("300"))
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(recovered_m2=0)
    monkeypatch.setattr(rollups, "BATCH_SIZE", 2)
    with django_assert_num_queries(3):
        rollups.refresh_cases([case.pk for case in cases])
    assert set(Case.objects.filter(pk__in=[case.pk for case in cases]).values_list("recovered_m2", flat=True)) == {
        Decimal("300")
    }
