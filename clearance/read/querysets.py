"""Reusable filters of cases: the plain ones, and the dates, deadlines and delays of their steps.

Kept apart from models.py, which it would push past a readable length; the models it needs
(Stage, StageEvent) are looked up when a method runs, since models.py imports this module.
"""

import datetime

from django.db import models
from django.db.models import BooleanField, DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from zones.models import SearchQuerySet


class CaseQuerySet(SearchQuerySet):
    def counted(self):
        from clearance.models import Stage  # models.py imports this module

        return self.filter(stage__in=Stage.reached(Stage.INVENTORY))

    def handed_over(self):
        from clearance.models import Stage  # models.py imports this module

        return self.filter(stage=Stage.HANDED_OVER)

    def synthetic(self):
        return self.filter(is_synthetic=True)

    def real(self):
        return self.filter(is_synthetic=False)

    # --- dates of the steps, deadlines and delays (docs/decisions/0008-overdue-and-stuck.md) -------
    # Everything is computed in SQL so the lists filter, sort and paginate in the database.
    # Open deadlines compare approved_on with a cutoff computed here (today - N days); closed
    # ones compare `done - approved` as a duration. Adding days to a date column is avoided:
    # SQLite returns a datetime string for it, which neither compares nor parses as a date.

    def with_stage_dates(self):
        """stage_since: the day the current stage began, falling back to the day the case was
        recorded (stage_dated says which). The dates of the steps themselves (approved_on,
        decided_on, paid_on, compulsory_on, enforced_on, stage_began_on) are fields the case keeps
        from its stage events (clearance.rollups.refresh_cases), indexed where lists filter."""
        return self.annotate(
            stage_since=Coalesce(F("stage_began_on"), TruncDate("created_at"), output_field=models.DateField()),
            stage_dated=ExpressionWrapper(Q(stage_began_on__isnull=False), output_field=BooleanField()),
        )

    def with_deadlines(self, *, today):
        """with_stage_dates() plus, against the recovery decision (10 days) and payment (30 days)
        deadlines: *_overdue_now, *_late (done after the deadline), *_elapsed (approval to the
        step, or to today while it is not done) and overdue_by, the worst delay of the two."""
        from clearance import rules  # rules imports this module

        decision_days = datetime.timedelta(days=rules.RECOVERY_DECISION_DAYS)
        payment_days = datetime.timedelta(days=rules.PAYMENT_DAYS)
        today_value = Value(today, output_field=models.DateField())
        return (
            self.with_stage_dates()
            .annotate(
                decision_elapsed=ExpressionWrapper(
                    Coalesce(F("decided_on"), today_value) - F("approved_on"), output_field=DurationField()
                ),
                payment_elapsed=ExpressionWrapper(
                    Coalesce(F("paid_on"), today_value) - F("approved_on"), output_field=DurationField()
                ),
            )
            .annotate(
                decision_overdue_now=_flag(_open_overdue("decided_on", today - decision_days)),
                payment_overdue_now=_flag(_open_overdue("paid_on", today - payment_days)),
                decision_late=_flag(Q(decided_on__isnull=False, decision_elapsed__gt=decision_days)),
                payment_late=_flag(Q(paid_on__isnull=False, payment_elapsed__gt=payment_days)),
                overdue_by=Greatest(
                    F("decision_elapsed") - Value(decision_days), F("payment_elapsed") - Value(payment_days)
                ),
            )
        )

    def overdue(self, *, today):
        """Approved cases past the recovery decision or payment deadline without the step done."""
        return self.with_deadlines(today=today).filter(Q(decision_overdue_now=True) | Q(payment_overdue_now=True))

    def late(self, *, today):
        """Cases whose recovery decision or payment was done after its deadline."""
        return self.with_deadlines(today=today).filter(Q(decision_late=True) | Q(payment_late=True))

    def overdue_or_late(self, *, today):
        return self.with_deadlines(today=today).filter(
            Q(decision_overdue_now=True) | Q(payment_overdue_now=True) | Q(decision_late=True) | Q(payment_late=True)
        )

    def stuck(self, *, today, days):
        """Cases not handed over whose current stage began more than `days` days before today."""
        from clearance.models import Stage  # models.py imports this module

        return (
            self.with_stage_dates()
            .exclude(stage=Stage.HANDED_OVER)
            .filter(stage_since__lt=today - datetime.timedelta(days=days))
            .annotate(
                days_in_stage=ExpressionWrapper(
                    Value(today, output_field=models.DateField()) - F("stage_since"), output_field=DurationField()
                )
            )
        )

    def compulsory_or_enforced(self):
        """Cases with a compulsory inventory decision or an enforced recovery."""
        return self.with_stage_dates().filter(Q(compulsory_on__isnull=False) | Q(enforced_on__isnull=False))


def _open_overdue(done_field, cutoff):
    """Approved before the cutoff and the step not done: today is past approval + the allowed days."""
    return Q(approved_on__isnull=False, approved_on__lt=cutoff, **{f"{done_field}__isnull": True})


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())
