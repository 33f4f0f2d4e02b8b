"""Progress reports (báo cáo tiến độ GPMB): a unit submits, the province signs off.

A report is never edited after it is submitted. A correction is a new report that
`corrects` the version it replaces; the database lets each version be corrected once,
so two people correcting the same version cannot both win. Sign-off locks the row, so
two officers reviewing the same report cannot both win either. The loser of either race
gets a ConflictError carrying what the winner saved, and nothing of theirs is written.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clearance.models import ProgressReport
from zones.access import scope_for
from zones.models import AdminUnit, Phase, Source
from zones.templatetags.lsip_format import ha, num, vnd
from zones.text import inline_name

# What a unit reports; phase, unit and date say what the figures are about.
FIGURE_FIELDS = (
    "cases_total",
    "cases_counted",
    "area_counted_ha",
    "plans_approved_cases",
    "plans_approved_vnd",
    "cases_paid",
    "amount_paid_vnd",
    "area_handed_over_ha",
    "graves_relocated",
    "resettlement_plots_allocated",
    "obstacles",
    "proposals",
)
REPORTING_LEVELS = (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE)
# simple_history keeps at most 100 characters of a change reason.
REASON_LENGTH = 100


class ConflictError(Exception):
    """Someone else saved first. `current` is the row as they left it; nothing of ours was written."""

    def __init__(self, message, *, current):
        super().__init__(message)
        self.message = message
        self.current = current


# --- rules shared by the form and the services ---------------------------------------------------


def report_problems(*, phase, unit, reported_on, figures, require_figures=True):
    """What is wrong with a set of figures, as (field, message) pairs; empty when they hold together."""
    problems = []
    if unit is not None and unit.level not in REPORTING_LEVELS:
        problems.append(("unit", _("Reports are made by a district or a commune, not by %(unit)s.") % {"unit": unit}))
    if unit is not None and reported_on is not None and not unit.is_valid_on(reported_on):
        if unit.valid_to is not None and reported_on > unit.valid_to:
            message = _(
                "%(unit)s ceased to exist after %(end)s: report figures as of %(day)s under the commune "
                "that took its place."
            )
        else:
            message = _("%(unit)s exists only from %(start)s: report earlier figures under the unit of that time.")
        problems.append(
            (
                "unit",
                message
                % {
                    "unit": unit.name,
                    "end": _day(unit.valid_to),
                    "start": _day(unit.valid_from),
                    "day": _day(reported_on),
                },
            )
        )

    def given(name):
        return figures.get(name) is not None

    if given("cases_counted") and given("cases_total") and figures["cases_counted"] > figures["cases_total"]:
        problems.append(
            (
                "cases_counted",
                _("Cases counted (%(counted)s) cannot exceed the affected cases (%(total)s).")
                % {"counted": num(figures["cases_counted"]), "total": num(figures["cases_total"])},
            )
        )
    if (
        given("plans_approved_cases")
        and given("cases_counted")
        and figures["plans_approved_cases"] > figures["cases_counted"]
    ):
        problems.append(
            (
                "plans_approved_cases",
                _(
                    "A plan is approved only for a counted case: plans approved (%(approved)s) cannot exceed "
                    "the cases counted (%(counted)s)."
                )
                % {"approved": num(figures["plans_approved_cases"]), "counted": num(figures["cases_counted"])},
            )
        )
    if (
        given("cases_paid")
        and given("plans_approved_cases")
        and figures["cases_paid"] > figures["plans_approved_cases"]
    ):
        problems.append(
            (
                "cases_paid",
                _("Cases paid (%(paid)s) cannot exceed the cases whose plan is approved (%(approved)s).")
                % {"paid": num(figures["cases_paid"]), "approved": num(figures["plans_approved_cases"])},
            )
        )
    if (
        given("amount_paid_vnd")
        and given("plans_approved_vnd")
        and figures["amount_paid_vnd"] > figures["plans_approved_vnd"]
    ):
        problems.append(
            (
                "amount_paid_vnd",
                _("The amount paid (%(paid)s) cannot exceed the amount of the approved plans (%(approved)s).")
                % {"paid": vnd(figures["amount_paid_vnd"]), "approved": vnd(figures["plans_approved_vnd"])},
            )
        )
    if (
        given("area_handed_over_ha")
        and given("area_counted_ha")
        and figures["area_handed_over_ha"] > figures["area_counted_ha"]
    ):
        problems.append(
            (
                "area_handed_over_ha",
                _(
                    "Land is handed over only after it is counted: the area handed over (%(handed)s) cannot "
                    "exceed the area counted (%(counted)s)."
                )
                % {"handed": ha(figures["area_handed_over_ha"]), "counted": ha(figures["area_counted_ha"])},
            )
        )
    if (
        given("area_handed_over_ha")
        and phase is not None
        and phase.area_ha is not None
        and figures["area_handed_over_ha"] > phase.area_ha
    ):
        problems.append(
            (
                "area_handed_over_ha",
                _("The area handed over (%(handed)s) cannot exceed the area of %(phase)s (%(area)s).")
                % {"handed": ha(figures["area_handed_over_ha"]), "phase": phase, "area": ha(phase.area_ha)},
            )
        )
    # A text of spaces alone is no obstacle: it is stored trimmed, so it counts trimmed.
    if require_figures and not any(given(name) and str(figures[name]).strip() for name in FIGURE_FIELDS):
        problems.append((None, _("Enter at least one figure, obstacle or proposal.")))
    return problems


def correction_refusal(report):
    """Why this version cannot be corrected here, or None."""
    if report.reported_by_id is None:
        # Figures from a published source (an article, an official report) are kept as the
        # source states them; a newer figure is a new report, not a correction of theirs.
        return _("This report comes from a published source, not from a unit: it is not corrected here.")
    return None


def existing_correction(report):
    return ProgressReport.objects.select_related("reported_by").filter(corrects_id=report.pk).first()


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, user, phase, unit, reported_on, **figures):
    """A unit's figures for a phase as of a date, sent to the province for sign-off."""
    _check_may_submit(user=user, phase=phase, unit=unit)
    report = _new_report(user=user, phase=phase, unit=unit, reported_on=reported_on, figures=figures)
    report._change_reason = _reason(gettext_noop("Submitted for sign-off"))
    report.save()
    return report


@transaction.atomic
def report_correct(*, user, previous, reported_on, **figures):
    """A new version replacing `previous`, submitted again; `previous` is kept unchanged.

    Raises ConflictError (with the winner) when someone corrected `previous` first.
    """
    _check_may_submit(user=user, phase=previous.phase, unit=previous.unit)
    # The lock makes a second corrector wait here until the first commits, then see the correction.
    locked = ProgressReport.objects.select_for_update().get(pk=previous.pk)
    refusal = correction_refusal(locked)
    if refusal:
        raise PermissionDenied(refusal)
    winner = existing_correction(locked)
    if winner is not None:
        raise ConflictError(_correction_conflict_message(winner), current=winner)
    report = _new_report(
        user=user, phase=previous.phase, unit=previous.unit, reported_on=reported_on, figures=figures, corrects=locked
    )
    report._change_reason = _reason(gettext_noop("Correction of report #%(number)s"), number=locked.pk)
    try:
        # The one-to-one on `corrects` is the last word where the lock is not enough (SQLite, admin edits).
        with transaction.atomic():
            report.save()
    except IntegrityError:
        winner = existing_correction(locked)
        if winner is None:
            raise
        raise ConflictError(_correction_conflict_message(winner), current=winner) from None
    return report


@transaction.atomic
def report_accept(*, user, report):
    locked = _lock_for_review(user=user, report=report)
    locked.status = ProgressReport.Status.ACCEPTED
    locked.review_note = ""
    return _save_review(user=user, report=locked, reason=_reason(gettext_noop("Accepted")))


@transaction.atomic
def report_return(*, user, report, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned, so the unit knows what to correct.")})
    locked = _lock_for_review(user=user, report=report)
    locked.status = ProgressReport.Status.RETURNED
    locked.review_note = reason
    return _save_review(user=user, report=locked, reason=_reason(gettext_noop("Returned: %(reason)s"), reason=reason))


# --- helpers --------------------------------------------------------------------------------------


def submission_source(*, unit, reported_on):
    """The source of a unit's figures as of a date: one per unit and date.

    A unit's weekly report is one document whatever phases it covers, so its figures share
    it; the title names the unit and its code, the date is the date of the figures, and
    the publisher is the unit's people's committee. Legacy and 2025 units that share a name
    and code never share a source, because the two are never valid on the same date (the
    reporting unit must be valid on the date of the figures). Who entered each version and
    when is on the report itself and in its history.
    """
    name = inline_name(unit.name)
    source, _created = Source.objects.get_or_create(
        title=f"Báo cáo tiến độ GPMB của {name} (mã {unit.code})",
        published_on=reported_on,
        defaults={"publisher": f"UBND {name}", "note": "Số liệu do đơn vị nhập trên LSIP."},
    )
    return source


def _check_may_submit(*, user, phase, unit):
    scope = scope_for(user)
    if not scope.can_submit_reports:
        raise PermissionDenied(_("Only local staff submit progress reports."))
    if not scope.covers_unit(unit.pk) or not scope.phases(Phase.objects.filter(pk=phase.pk)).exists():
        raise PermissionDenied(_("You do not cover this unit or phase."))


def _new_report(*, user, phase, unit, reported_on, figures, corrects=None):
    unknown = set(figures) - set(FIGURE_FIELDS)
    if unknown:
        raise TypeError(f"not a report figure: {', '.join(sorted(unknown))}")
    problems = report_problems(phase=phase, unit=unit, reported_on=reported_on, figures=figures)
    if problems:
        errors = {}
        for field, message in problems:
            errors.setdefault(field or "__all__", []).append(message)
        raise ValidationError(errors)
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The figures cannot be dated after today.")})
    report = ProgressReport(
        phase=phase,
        unit=unit,
        reported_on=reported_on,
        source=submission_source(unit=unit, reported_on=reported_on),
        reported_by=user,
        status=ProgressReport.Status.SUBMITTED,
        corrects=corrects,
        **{name: figures.get(name) for name in FIGURE_FIELDS if name not in ("obstacles", "proposals")},
        obstacles=(figures.get("obstacles") or "").strip(),
        proposals=(figures.get("proposals") or "").strip(),
    )
    report._history_user = user
    # The one-to-one on `corrects` is checked by the database, so a racing correction
    # becomes a ConflictError rather than a form error.
    report.full_clean(validate_unique=False)
    return report


def _lock_for_review(*, user, report):
    scope = scope_for(user)
    if not scope.can_sign_off:
        raise PermissionDenied(_("Only provincial officers sign off reports."))
    if not scope.reports(ProgressReport.objects.filter(pk=report.pk)).exists():
        raise PermissionDenied(_("This report is outside your area."))
    # Without joins: PostgreSQL cannot lock the nullable side of an outer join.
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if locked.reported_by_id is not None and locked.reported_by_id == user.pk:
        raise PermissionDenied(_("You cannot sign off a report you entered yourself."))
    if locked.status != ProgressReport.Status.SUBMITTED:
        reviewer = locked.reviewed_by.get_username() if locked.reviewed_by_id else _("someone else")
        when = _moment(locked.reviewed_at) if locked.reviewed_at else "—"
        raise ConflictError(
            _("This report was already %(status)s by %(user)s at %(when)s; nothing was changed.")
            % {"status": locked.get_status_display(), "user": reviewer, "when": when},
            current=locked,
        )
    correction = existing_correction(locked)
    if correction is not None:
        raise ConflictError(
            _(
                "This version was corrected by %(user)s at %(when)s, so it is no longer reviewed; "
                "review the latest version instead. Nothing was changed."
            )
            % {"user": _username(correction.reported_by), "when": _moment(correction.created_at)},
            current=correction,
        )
    return locked


def _save_review(*, user, report, reason):
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report._history_user = user
    report._change_reason = reason
    report.full_clean(validate_unique=False)
    report.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    return report


def _correction_conflict_message(winner):
    return _("%(user)s corrected this version first, at %(when)s; your figures were not saved.") % {
        "user": _username(winner.reported_by),
        "when": _moment(winner.created_at),
    }


def _reason(message, **values):
    # History is kept in the province's language, whatever language the user reads in.
    with translation.override(settings.LANGUAGE_CODE):
        text = _(message) % values if values else _(message)
    return text[:REASON_LENGTH]


def _username(user):
    return user.get_username() if user is not None else _("someone else")


def _day(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _moment(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
