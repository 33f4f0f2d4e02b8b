"""The registry rollups: the ledger of each phase and commune, precomputed, refreshed by every write.

A write path says which (phase id, unit id) keys and which cases it touched; those keys' rows are
computed anew from their cases by clearance.read.ledger.ledger, the one definition of the registry's
figures, and those cases' kept fields (Case.DERIVED_FIELDS: recovered area, amount paid, dates of
the steps) from their rows, inside the writer's transaction:

- saves and deletes of cases, parcels, assets, stage events, compensation items, payments and
  resettlement plots, through any page, service or the admin, by the signals of
  clearance.rollups.signals (an object moved to another case, phase or commune refreshes both);
- bulk paths, which send no signals, by calling `touched(keys)` or `rebuild()` themselves (the
  import, the demo and the national data set).

Inside `batch()` the keys are gathered and refreshed once, when the batch ends; outside one,
each write refreshes its keys at once. docs/decisions/0016-registry-rollups.md says why.
"""

import contextlib
import contextvars
import operator
from collections import defaultdict
from functools import reduce

from django.db.models import Q

from clearance.read import ledger
from clearance.read.ledger import FIGURE_NAMES

# What does not change with time; the other figures are dated.
FIXED_FIGURES = ("cases", "synthetic", "area_m2", "graves")
DATED_FIGURES = tuple(name for name in FIGURE_NAMES if name not in FIXED_FIGURES)
BATCH_SIZE = 2000

_pending = contextvars.ContextVar("registry_rollup_keys", default=None)


def keys_filter(keys):
    """A Q matching the rows (or cases) of the given (phase id, unit id) keys, one clause per phase."""
    units_by_phase = defaultdict(set)
    for phase_id, unit_id in keys:
        units_by_phase[phase_id].add(unit_id)
    return reduce(operator.or_, (Q(phase_id=phase_id, unit_id__in=units) for phase_id, units in units_by_phase.items()))


def refresh(keys):
    """Compute the rollup rows of these (phase id, unit id) keys anew from their cases.

    A key with no case left loses its rows. A fixed number of queries: the ledger's nine, two
    deletes and the inserts, in batches of BATCH_SIZE rows.
    """
    from clearance.models import Case, RegistryDay, RegistryTotal  # the models import this package's models

    keys = {key for key in keys if None not in key}
    if not keys:
        return
    where = keys_filter(keys)
    RegistryTotal.objects.filter(where).delete()
    RegistryDay.objects.filter(where).delete()
    _write(ledger.ledger(Case.objects.filter(where)))


def rebuild():
    """Every case's kept fields and every rollup row anew: after a bulk load that sent no signals, or to repair."""
    refresh_cases()
    rebuild_rollups()


def rebuild_rollups():
    """Every rollup row anew from every case (the cases' kept fields are left as they are)."""
    from clearance.models import Case, RegistryDay, RegistryTotal

    RegistryTotal.objects.all().delete()
    RegistryDay.objects.all().delete()
    _write(ledger.ledger(Case.objects.all()))


def _write(book):
    from clearance.models import RegistryDay, RegistryTotal

    totals = [
        RegistryTotal(phase_id=phase_id, unit_id=unit_id, **{name: getattr(figures, name) for name in FIXED_FIGURES})
        for (phase_id, unit_id), figures in book.fixed.items()
    ]
    days = defaultdict(lambda: defaultdict(int))
    for (phase_id, unit_id), steps in book.dated.items():
        for day, name, amount in steps:
            days[(phase_id, unit_id, day)][name] += amount
    RegistryTotal.objects.bulk_create(totals, batch_size=BATCH_SIZE)
    RegistryDay.objects.bulk_create(
        (
            RegistryDay(phase_id=phase_id, unit_id=unit_id, day=day, **amounts)
            for (phase_id, unit_id, day), amounts in days.items()
        ),
        batch_size=BATCH_SIZE,
    )


def refresh_cases(case_ids=None):
    """Recompute the fields each case keeps from its other rows (Case.DERIVED_FIELDS): recovered
    area (m²) and amount paid (VND) summed from its parcels and payments, and the dates of its
    plan approval, recovery decision, payment, compulsory inventory, enforcement and current stage
    from its stage events. One UPDATE per BATCH_SIZE cases; every case when `case_ids` is None."""
    from clearance.models import Case

    if case_ids is None:
        _refresh_cases(Case.objects.all())
        return
    # In chunks, so an import of 20,000 cases stays within SQLite's limit of bound values.
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _refresh_cases(Case.objects.filter(pk__in=ids[start : start + BATCH_SIZE]))


def _refresh_cases(cases):
    from django.db.models import DateField, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from clearance.models import LandParcel, Payment, StageEvent

    def total(model, field, output):
        rows = model.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(total=Sum(field))
        return Coalesce(Subquery(rows.values("total"), output_field=output), Value(0), output_field=output)

    def event_date(kind):
        events = StageEvent.objects.filter(case=OuterRef("pk"), kind=kind).order_by().values("happened_on")[:1]
        return Subquery(events, output_field=DateField())

    Kind = StageEvent.Kind
    cases.update(
        recovered_m2=total(LandParcel, "recovered_area_m2", DecimalField(max_digits=14, decimal_places=1)),
        paid_vnd=total(Payment, "amount_vnd", IntegerField()),
        approved_on=event_date(Kind.PLAN_APPROVED),
        decided_on=event_date(Kind.RECOVERY_DECIDED),
        paid_on=event_date(Kind.PAID),
        compulsory_on=event_date(Kind.COMPULSORY_INVENTORY),
        enforced_on=event_date(Kind.ENFORCEMENT),
        stage_began_on=event_date(OuterRef("stage")),
    )


def touched(keys, case_ids=()):
    """Note that rows of these (phase id, unit id) keys, and of these cases, were written: refreshed
    when the open batch ends, or now when none is open."""
    pending = _pending.get()
    if pending is None:
        if case_ids:
            refresh_cases(case_ids)
        refresh(keys)
    else:
        pending[0].update(keys)
        pending[1].update(case_ids)


@contextlib.contextmanager
def batch():
    """Gather the keys written within and refresh them once, on leaving without an error.

    Use it inside the writer's transaction (under @transaction.atomic), so the refresh is part of
    it. Nested batches join the outermost one. Usable as a decorator: `@rollups.batch()`.
    """
    if _pending.get() is not None:
        yield
        return
    keys, case_ids = pending = (set(), set())
    token = _pending.set(pending)
    try:
        yield
        _pending.reset(token)
        token = None
        if case_ids:
            refresh_cases(case_ids)
        refresh(keys)
    finally:
        if token is not None:
            _pending.reset(token)
