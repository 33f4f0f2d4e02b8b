import datetime

import pytest

from clearance.models import Case, StageEvent
from clearance.read import ledger
from tests.clearance.progress.expected import as_dict, expected_figures
from tests.factories import CaseFactory, LandParcelFactory, PaymentFactory
from zones.access import scope_for

D = datetime.date
DAYS = [D(2024, 3, 3), D(2024, 3, 4), D(2024, 4, 28), D(2024, 5, 3), D(2024, 5, 13), D(2024, 6, 10), D(2026, 1, 1)]


@pytest.mark.parametrize("day", DAYS)
def test_ledger_equals_the_case_by_case_sum_on_every_day(world, day):
    book = ledger.ledger(Case.objects.all())
    figures = ledger.Figures.total(book.as_of(day).values())
    assert as_dict(figures) == expected_figures(Case.objects.all(), day)


def test_a_step_counts_from_its_own_day_and_not_the_day_before(world):
    case = world.cases[5]  # still at the notice stage
    case.events.create(kind=StageEvent.Kind.INVENTORY, happened_on=D(2025, 2, 10))
    book = ledger.ledger(Case.objects.filter(pk=case.pk))
    assert ledger.Figures.total(book.as_of(D(2025, 2, 9)).values()).counted == 0
    assert ledger.Figures.total(book.as_of(D(2025, 2, 10)).values()).counted == 1


def test_payments_are_summed_once_per_payment_whatever_the_number_of_parcels(db):
    case = CaseFactory()
    for _ in range(3):
        LandParcelFactory(case=case)
    PaymentFactory(case=case, amount_vnd=10, paid_on=D(2024, 9, 1))
    PaymentFactory(case=case, amount_vnd=5, paid_on=D(2024, 9, 2))
    figures = ledger.Figures.total(ledger.ledger(Case.objects.all()).as_of(D(2024, 9, 2)).values())
    assert (figures.paid_vnd, figures.area_m2) == (15, 3 * 800)


def test_figures_are_kept_apart_by_phase_and_recorded_commune(world):
    by_key = ledger.ledger(Case.objects.all()).as_of(D(2026, 1, 1))
    assert by_key[(world.phase.pk, world.ho_son.pk)].cases == 3
    assert by_key[(world.phase.pk, world.hoa_thang.pk)].cases == 3
    assert by_key[(world.cluster_phase.pk, world.hop_thanh.pk)].cases == 2
    assert ledger.by_phase(by_key)[world.phase.pk].handed_over == 2


def test_local_staff_ledger_holds_only_their_area(world):
    scope = scope_for(world.cao_loc_staff)
    by_key = ledger.ledger(scope.cases(Case.objects.all())).as_of(D(2026, 1, 1))
    assert set(by_key) == {(world.cluster_phase.pk, world.hop_thanh.pk)}


def test_the_ledger_reads_the_same_number_of_queries_for_more_cases(world, django_assert_num_queries):
    with django_assert_num_queries(9):
        ledger.ledger(Case.objects.all())
    for case in world.cases:
        for _ in range(3):
            CaseFactory(phase=case.phase, unit=case.unit, stage=case.stage)
    with django_assert_num_queries(9):
        ledger.ledger(Case.objects.all())


def test_an_empty_registry_has_no_figures_and_no_percentages(db):
    figures = ledger.Figures.total(ledger.ledger(Case.objects.all()).as_of(D(2026, 1, 1)).values())
    assert figures.cases == 0
    assert figures.share("counted") is None
    assert figures.handed_over_area_pct is None
