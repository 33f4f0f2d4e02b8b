"""Concurrent writers on PostgreSQL: one correction per version, one review per report, nothing lost."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from clearance.models import ProgressReport
from clearance.services.reports import ConflictError, report_accept, report_correct, report_return, report_submit
from tests.factories import CommuneFactory, PhaseFactory, StaffProfileFactory, UserFactory
from zones.models import StaffProfile

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write, so there is no race to test; run with a PostgreSQL DATABASE_URL",
    ),
    pytest.mark.django_db(transaction=True),
]

DAY = datetime.date(2025, 3, 10)
WRITERS = 6


def race(jobs):
    """Run every job in its own thread and connection, all released at once; (result, error) per job."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = (job(), None)
        except Exception as error:  # noqa: BLE001 - the test inspects what each writer got
            outcomes[index] = (None, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return outcomes


@pytest.fixture
def setting():
    commune = CommuneFactory(name="Xã Hồ Sơn")
    phase = PhaseFactory(zone__unit=commune.parent, area_ha=Decimal("200"))
    staff = []
    for number in range(WRITERS):
        user = UserFactory(username=f"staff_{number}")
        StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=[commune.parent])
        staff.append(user)
    officers = []
    for number in range(WRITERS):
        user = UserFactory(username=f"officer_{number}")
        StaffProfileFactory(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
        officers.append(user)
    report = report_submit(
        user=staff[0], phase=phase, unit=commune, reported_on=DAY, cases_total=495, cases_counted=490
    )
    return {"report": report, "staff": staff, "officers": officers}


def test_racing_corrections_of_one_version_leave_exactly_one(setting):
    previous = setting["report"]

    def correct(user, counted):
        # Each thread loads the version itself, as a browser would have.
        loaded = ProgressReport.objects.select_related("phase", "unit").get(pk=previous.pk)
        return lambda: report_correct(user=user, previous=loaded, reported_on=DAY, cases_counted=counted)

    outcomes = race([correct(user, 480 + number) for number, user in enumerate(setting["staff"])])

    winners = [result for result, error in outcomes if error is None]
    losers = [error for result, error in outcomes if error is not None]
    assert len(winners) == 1, outcomes
    assert len(losers) == WRITERS - 1
    assert all(isinstance(error, ConflictError) for error in losers), losers
    winner = winners[0]
    assert all(error.current.pk == winner.pk for error in losers)

    stored = ProgressReport.objects.get(corrects=previous)
    assert stored.pk == winner.pk
    assert stored.cases_counted == winner.cases_counted
    assert stored.status == ProgressReport.Status.SUBMITTED
    assert ProgressReport.objects.count() == 2
    previous.refresh_from_db()
    assert (previous.cases_counted, previous.status) == (490, ProgressReport.Status.SUBMITTED)
    assert ProgressReport.history.filter(id=winner.pk).count() == 1
    assert ProgressReport.history.count() == 2  # the submission and the one correction


def test_racing_reviews_of_one_report_apply_exactly_one(setting):
    report = setting["report"]

    def review(number, user):
        if number % 2:
            return lambda: report_return(user=user, report=report, reason=f"Lý do {number}")
        return lambda: report_accept(user=user, report=report)

    outcomes = race([review(number, user) for number, user in enumerate(setting["officers"])])

    winners = [(number, result) for number, (result, error) in enumerate(outcomes) if error is None]
    losers = [error for result, error in outcomes if error is not None]
    assert len(winners) == 1, outcomes
    assert all(isinstance(error, ConflictError) for error in losers), losers
    number, winner = winners[0]
    report.refresh_from_db()
    assert report.reviewed_by == setting["officers"][number]
    if number % 2:
        assert (report.status, report.review_note) == (ProgressReport.Status.RETURNED, f"Lý do {number}")
    else:
        assert (report.status, report.review_note) == (ProgressReport.Status.ACCEPTED, "")
    assert report.history.count() == 2  # submitted, then the one review
    assert all(error.current.status == report.status for error in losers)


def test_a_review_racing_a_correction_never_signs_off_a_replaced_version(setting):
    report = setting["report"]
    staff, officer = setting["staff"][1], setting["officers"][0]
    outcomes = race(
        [
            lambda: report_correct(user=staff, previous=report, reported_on=DAY, cases_counted=491),
            lambda: report_accept(user=officer, report=report),
        ]
    )
    correction, correction_error = outcomes[0]
    _accepted, accept_error = outcomes[1]
    # Correcting is allowed whatever the review did; the review is refused once a correction exists.
    assert correction_error is None
    report.refresh_from_db()
    if accept_error is None:
        assert report.status == ProgressReport.Status.ACCEPTED
        assert report.history.count() == 2
    else:
        assert isinstance(accept_error, ConflictError)
        assert accept_error.current.pk == correction.pk
        assert report.status == ProgressReport.Status.SUBMITTED
        assert report.history.count() == 1
    assert ProgressReport.objects.filter(corrects=report).count() == 1
