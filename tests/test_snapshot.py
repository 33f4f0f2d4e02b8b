"""The suite's snapshots (tests/snapshot.py): a build replayed into a test is the build, nothing else."""

import pytest

from clearance.models import Case, StageEvent
from tests.factories import CaseFactory, SourceFactory, StageEventFactory
from tests.snapshot import Snapshot, SnapshotError
from zones.models import AdminUnit, Source


def test_a_snapshot_leaves_nothing_behind_and_restores_the_rows_with_their_keys(db):
    made = {}

    def build():
        case = CaseFactory(code="SNAP-1")
        made.update(case=case.pk, event=StageEventFactory(case=case).pk, units=AdminUnit.objects.count())
        made.update(history=Case.history.count() + StageEvent.history.count())

    snapshot = Snapshot.take(build)
    assert not Case.objects.exists() and not AdminUnit.objects.exists()  # rolled back

    snapshot.restore()
    assert Case.objects.get().pk == made["case"]
    assert StageEvent.objects.get(case_id=made["case"]).pk == made["event"]
    assert AdminUnit.objects.count() == made["units"]
    assert Case.history.count() + StageEvent.history.count() == made["history"]


def test_the_same_snapshot_restores_into_test_after_test(lang_son):
    assert AdminUnit.objects.current().filter(code=6385).exists()  # Xã Hữu Lũng, after the 2025 reform
    assert AdminUnit.objects.legacy().filter(code=186).exists()  # Huyện Hữu Lũng, before it


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_rows_made_after_a_restore_get_keys_of_their_own_even_after_a_sequence_reset(province_snapshot):
    province_snapshot.restore()  # the province's source has key 1, the sequence was just reset to 1
    SourceFactory()
    assert Source.objects.count() == 2


def test_no_province_without_the_fixture(db):
    assert not AdminUnit.objects.exists()


def test_a_build_that_changes_existing_rows_is_refused(db):
    case = CaseFactory(code="OLD-1")

    def rename():
        Case.objects.filter(pk=case.pk).update(code="NEW-1")

    with pytest.raises(SnapshotError, match="clearance.Case"):
        Snapshot.take(rename)
    case.refresh_from_db()
    assert case.code == "OLD-1"  # the build was rolled back
