"""Concurrent writers on one case lose nothing: real threads, real row locks (PostgreSQL only)."""

import datetime
import threading

import pytest
from django.db import connection

from clearance.models import Case, Stage, StageEvent
from clearance.services import cases as services
from tests.factories import CaseFactory, StageEventFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (select_for_update is a no-op) and serialises writers itself",
    ),
    pytest.mark.django_db(transaction=True),
]

Kind = StageEvent.Kind
D = datetime.date
WRITERS = 8


def run_together(work, count):
    """Start `count` threads at the same moment; each closes its own connection. Returns results by index."""
    start = threading.Barrier(count)
    results = [None] * count

    def target(index):
        try:
            start.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test reads it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return results


def with_retry(write, case_id):
    """What a user does on the conflict page: reload, and save again."""
    for attempt in range(1, 100):
        version = Case.objects.values_list("version", flat=True).get(pk=case_id)
        try:
            write(version)
        except services.CaseConflict:
            continue
        return attempt
    raise AssertionError("never got through")


@pytest.fixture
def approved_case():
    case = CaseFactory(stage=Stage.PLAN_APPROVED)
    dates = [D(2024, 3, 1), D(2024, 4, 15), D(2024, 6, 3), D(2024, 9, 3)]
    for kind, day in zip(Stage.values[:4], dates, strict=True):
        StageEventFactory(case=case, kind=kind, happened_on=day)
    return case


def test_concurrent_payments_are_all_recorded(approved_case):
    user = UserFactory(username="thu-quy")

    def pay(index):
        return with_retry(
            lambda version: services.case_record_payment(
                case_id=approved_case.pk,
                expected_version=version,
                paid_on=D(2024, 9, 10),
                amount_vnd=1_000_000 + index,
                user=user,
                reason=f"Chi trả lần {index}",
            ),
            approved_case.pk,
        )

    results = run_together(pay, WRITERS)

    assert all(isinstance(result, int) for result in results), results
    assert max(results) > 1  # some writers did meet a conflict and retried
    case = Case.objects.get(pk=approved_case.pk)
    assert case.version == 1 + WRITERS
    assert sorted(case.payments.values_list("amount_vnd", flat=True)) == [1_000_000 + i for i in range(WRITERS)]
    versions = sorted(case.history.filter(history_user=user).values_list("version", flat=True))
    assert versions == list(range(2, 2 + WRITERS))  # every version saved exactly once


def test_concurrent_complaints_are_all_recorded(approved_case):
    user = UserFactory(username="tiep-dan")

    def complain(index):
        return with_retry(
            lambda version: services.complaint_open(
                case_id=approved_case.pk,
                expected_version=version,
                received_on=D(2024, 9, 10),
                summary=f"Đơn số {index}",
                user=user,
                reason="Nhận đơn",
            ),
            approved_case.pk,
        )

    results = run_together(complain, WRITERS)

    assert all(isinstance(result, int) for result in results), results
    case = Case.objects.get(pk=approved_case.pk)
    assert case.version == 1 + WRITERS
    assert sorted(case.complaints.values_list("summary", flat=True)) == sorted(f"Đơn số {i}" for i in range(WRITERS))


def test_two_advances_from_the_same_version_one_wins(approved_case):
    users = [UserFactory(username="a"), UserFactory(username="b")]

    def advance(index):
        return services.case_advance(
            case_id=approved_case.pk,
            expected_version=1,
            stage=Stage.RECOVERY_DECIDED,
            happened_on=D(2024, 9, 9 + index),
            doc_type="decision",
            doc_number=f"{index + 1}/QĐ-UBND",
            doc_issuer="UBND huyện Hữu Lũng",
            user=users[index],
            reason=f"Nhập bởi {users[index].username}",
        )

    results = run_together(advance, 2)

    winners = [r for r in results if isinstance(r, StageEvent)]
    losers = [r for r in results if isinstance(r, services.CaseConflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    case = Case.objects.get(pk=approved_case.pk)
    assert (case.stage, case.version) == (Stage.RECOVERY_DECIDED, 2)
    event = case.events.get(kind=Kind.RECOVERY_DECIDED)
    assert event.pk == winners[0].pk
    assert losers[0].case.version == 2  # the loser saw the winner's save
    assert [change.who for change in losers[0].changes()] == [case.history.latest().history_user]
