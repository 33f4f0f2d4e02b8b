"""Writes to a case: stages, side events, payments, complaints. No update is ever lost.

Every service locks the case row, compares its version with the one the user's form was
loaded with, refuses a stale write with CaseConflict, checks the legal rules
(clearance.rules) against the acts already recorded, then writes the new row and raises
the case's version in the same transaction. History keeps who, when and why.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clearance import rollups, rules
from clearance.land_use import is_non_agricultural
from clearance.models import Case, Complaint, LandParcelUse, Payment, Stage, StageEvent
from zones.workdays import work_calendar

# Fields every save changes, or that only mirror others: not worth showing as a change.
QUIET_FIELDS = ["updated_at", "search_text", "version"]


class CaseConflict(Exception):
    """The case was saved by someone else after the form was loaded; nothing was written."""

    def __init__(self, *, case, expected_version):
        self.case = case
        self.expected_version = expected_version
        super().__init__(f"case {case.pk} is at version {case.version}, not {expected_version}")

    def changes(self):
        return changes_since(case=self.case, version=self.expected_version)


class RecordedPayment(NamedTuple):
    payment: Payment
    due_on: object  # the last day to pay on time (30 days after the plan approval)
    late: bool


# --- reading a case -----------------------------------------------------------------------------


def recorded_acts(case):
    """The acts recorded for a case: kind → date."""
    return dict(case.events.values_list("kind", "happened_on"))


def has_non_agricultural_land(case):
    """Whether any use of any of the case's parcels is non-agricultural (the 180-day notice)."""
    return is_non_agricultural(LandParcelUse.objects.filter(parcel__case=case).values_list("land_use_code", flat=True))


@dataclass
class Change:
    """One saved change of a case, as the conflict page shows it."""

    when: object
    who: object
    why: str
    fields: list = field(default_factory=list)  # (label, old, new)
    rows: list = field(default_factory=list)  # (label, text, action) for events, payments, complaints


def _display(model, name, value):
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.many_to_one:  # history keeps the key; the reader wants the commune's name
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(deleted, #%(id)s)") % {"id": value}
    return str(value)


def changes_since(*, case, version):
    """What was saved on a case after the given version, oldest first, from its history."""
    records = list(case.history.filter(version__gt=version).select_related("history_user").order_by("history_date"))
    baseline = case.history.filter(version__lte=version).order_by("-history_date").first()
    changes = []
    for record in records:
        change = Change(when=record.history_date, who=record.history_user, why=record.history_change_reason or "")
        previous = record.prev_record
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
            for item in delta.changes:
                label = str(Case._meta.get_field(item.field).verbose_name)
                change.fields.append(
                    (label, _display(Case, item.field, item.old), _display(Case, item.field, item.new))
                )
        changes.append(change)
    # The rows each change wrote: saved just before the case, in the same transaction, by the
    # same user for the same reason. Rows written without raising the version (the admin, a
    # loader) did not make the form stale, so they are not listed.
    actions = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    for model in (StageEvent, Payment, Complaint):
        rows = model.history.filter(case_id=case.pk).select_related("history_user").order_by("history_date")
        if baseline is not None:
            rows = rows.filter(history_date__gt=baseline.history_date)
        for row in rows:
            why = row.history_change_reason or ""
            owner = next((c for c in changes if c.when >= row.history_date), None)
            if owner is not None and owner.who == row.history_user and owner.why == why:
                owner.rows.append((str(model._meta.verbose_name), str(row.instance), actions.get(row.history_type, "")))
    return changes


# --- writing ------------------------------------------------------------------------------------


def _lock(case_id, expected_version):
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.version != expected_version:
        raise CaseConflict(case=case, expected_version=expected_version)
    return case


def _refuse(refusals, *, date_field, stage_field=NON_FIELD_ERRORS, time_field=NON_FIELD_ERRORS):
    """Turn the rules' refusals into one ValidationError keyed by form field."""
    if not refusals:
        return
    errors = defaultdict(list)
    for refusal in refusals:
        key = {"date": date_field, "stage": stage_field, "time": time_field}.get(refusal.field, NON_FIELD_ERRORS)
        errors[key].append(refusal.message)
    raise ValidationError(dict(errors))


def _save(instance, *, user, reason):
    instance._change_reason = reason
    instance._history_user = user
    instance.save()
    return instance


def _bump(case, *, user, reason):
    case.version += 1
    _save(case, user=user, reason=reason)


def _stage_event(case, *, kind, happened_on, doc_type, doc_number, doc_date, doc_issuer, reason, start_time=None):
    event = StageEvent(
        case=case,
        kind=kind,
        happened_on=happened_on,
        start_time=start_time,
        doc_type=doc_type,
        doc_number=doc_number,
        doc_date=doc_date or happened_on,
        doc_issuer=doc_issuer,
        note=reason,
    )
    event.full_clean()
    return event


@transaction.atomic
@rollups.batch()
def case_advance(
    *,
    case_id,
    expected_version,
    stage,
    happened_on,
    doc_type,
    doc_number,
    doc_date=None,
    doc_issuer,
    user,
    reason,
):
    """Record the next main-line stage with its document; the case moves to it."""
    case = _lock(case_id, expected_version)
    refusals = rules.check_advance(
        current=case.stage,
        recorded=recorded_acts(case),
        stage=stage,
        happened_on=happened_on,
        today=timezone.localdate(),
        non_agricultural=has_non_agricultural_land(case),
    )
    _refuse(refusals, date_field="happened_on", stage_field="stage")
    event = _stage_event(
        case,
        kind=stage,
        happened_on=happened_on,
        doc_type=doc_type,
        doc_number=doc_number,
        doc_date=doc_date,
        doc_issuer=doc_issuer,
        reason=reason,
    )
    _save(event, user=user, reason=reason)
    if Stage.order(stage) > Stage.order(case.stage):
        case.stage = stage
    _bump(case, user=user, reason=reason)
    return event


@transaction.atomic
@rollups.batch()
def case_record_event(
    *,
    case_id,
    expected_version,
    kind,
    happened_on,
    start_time=None,
    doc_type,
    doc_number,
    doc_date=None,
    doc_issuer,
    user,
    reason,
):
    """Record a side event (compulsory inventory, enforcement, resettlement); the stage stays.

    An enforcement is checked against the working-day calendar (Tết, days off, holidays) and its start time.
    """
    calendar = work_calendar(rules.calendar_years(happened_on)) if kind == StageEvent.Kind.ENFORCEMENT else None
    case = _lock(case_id, expected_version)
    refusals = rules.check_side_event(
        current=case.stage,
        recorded=recorded_acts(case),
        kind=kind,
        happened_on=happened_on,
        today=timezone.localdate(),
        calendar=calendar,
        start_time=start_time,
    )
    _refuse(refusals, date_field="happened_on", stage_field="kind", time_field="start_time")
    event = _stage_event(
        case,
        kind=kind,
        happened_on=happened_on,
        start_time=start_time,
        doc_type=doc_type,
        doc_number=doc_number,
        doc_date=doc_date,
        doc_issuer=doc_issuer,
        reason=reason,
    )
    _save(event, user=user, reason=reason)
    _bump(case, user=user, reason=reason)
    return event


@transaction.atomic
@rollups.batch()
def case_record_payment(*, case_id, expected_version, paid_on, amount_vnd, doc_number="", user, reason):
    """Record a payment to the case; allowed only once the plan is approved, flagged when late."""
    case = _lock(case_id, expected_version)
    recorded = recorded_acts(case)
    _refuse(rules.check_payment(recorded=recorded, paid_on=paid_on, today=timezone.localdate()), date_field="paid_on")
    payment = Payment(case=case, paid_on=paid_on, amount_vnd=amount_vnd, doc_number=doc_number, note=reason)
    payment.full_clean()
    _save(payment, user=user, reason=reason)
    _bump(case, user=user, reason=reason)
    approved = recorded[StageEvent.Kind.PLAN_APPROVED]
    return RecordedPayment(payment, rules.payment_deadline(approved), rules.is_payment_late(approved, paid_on))


@transaction.atomic
@rollups.batch()
def complaint_open(*, case_id, expected_version, received_on, summary, user, reason):
    case = _lock(case_id, expected_version)
    _refuse(rules.check_complaint(received_on=received_on, today=timezone.localdate()), date_field="received_on")
    complaint = Complaint(case=case, received_on=received_on, summary=summary)
    complaint.full_clean()
    _save(complaint, user=user, reason=reason)
    _bump(case, user=user, reason=reason)
    return complaint


@transaction.atomic
@rollups.batch()
def complaint_resolve(*, case_id, expected_version, complaint_id, resolved_on, resolution, user, reason):
    case = _lock(case_id, expected_version)
    complaint = case.complaints.get(pk=complaint_id)
    if complaint.status == Complaint.Status.RESOLVED:
        raise ValidationError(
            _("This complaint was already resolved on %(day)s.")
            % {"day": date_format(complaint.resolved_on, "SHORT_DATE_FORMAT")}
        )
    refusals = rules.check_complaint_resolution(
        received_on=complaint.received_on, resolved_on=resolved_on, today=timezone.localdate()
    )
    _refuse(refusals, date_field="resolved_on")
    complaint.status = Complaint.Status.RESOLVED
    complaint.resolved_on = resolved_on
    complaint.resolution = resolution
    complaint.full_clean()
    _save(complaint, user=user, reason=reason)
    _bump(case, user=user, reason=reason)
    return complaint
