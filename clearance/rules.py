"""The Land Law 2024 rules a case follows, as pure functions of dates: no database, no request.

The services ask `check_*` before they write, and get back the refusals, each a sentence in
the user's language that names the rule and the dates. The deadline functions say when a
step is due; issue 4 reuses them to show what is overdue. The legal sources, the
simplifications and the points still to check are in docs/decisions/0006-case-rules.md.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clearance.models import Stage, StageEvent
from zones import workdays

Kind = StageEvent.Kind
ONE_DAY = datetime.timedelta(days=1)

# Land Law 2024 art. 85 cl. 1: the recovery notice is served at least 90 days (agricultural land)
# or 180 days (non-agricultural land) before the recovery decision.
AGRICULTURAL_NOTICE_DAYS = 90
NON_AGRICULTURAL_NOTICE_DAYS = 180
# Art. 87 cl. 3 point a: the draft plan is posted publicly for 30 days before it is approved.
PUBLIC_POSTING_DAYS = 30
# Art. 87 cl. 5: the recovery decision follows the approval within 10 days. A measure of delay
# (overdue), not a reason to refuse a later decision.
RECOVERY_DECISION_DAYS = 10
# Art. 94 cl. 3: payment within 30 days of the approval taking effect; later payment owes interest.
PAYMENT_DAYS = 30
# Art. 87 cl. 2: persuasion, in writing, within 15 days of a refused inventory; the compulsory
# inventory decision comes 10 days after the persuasion. Counted here as 15 days from the notice:
# a simplification still to fix (0006).
PERSUASION_DAYS = 15
# Art. 89 cl. 1 point b: no enforcement within 15 days before and after the Tết holiday, nor from
# 22:00 to 06:00 (an enforcement starts in office hours).
TET_BUFFER_DAYS = 15
NIGHT_STARTS = datetime.time(22, 0)
NIGHT_ENDS = datetime.time(6, 0)

MAIN_LINE = Stage.values
SIDE_EVENTS = (Kind.COMPULSORY_INVENTORY, Kind.ENFORCEMENT, Kind.RESETTLEMENT)


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused. `field` is "stage" (the step itself), "date", "time", or None (the whole form)."""

    message: str
    field: str | None = None


def _d(day):
    return date_format(day, "SHORT_DATE_FORMAT")


def _label(kind):
    return str(Kind(kind).label)


# --- deadlines and earliest dates -------------------------------------------------------------


def notice_days(*, non_agricultural):
    return NON_AGRICULTURAL_NOTICE_DAYS if non_agricultural else AGRICULTURAL_NOTICE_DAYS


def earliest_plan_approval(posted_on):
    return posted_on + datetime.timedelta(days=PUBLIC_POSTING_DAYS)


def earliest_recovery_decision(notice_on, *, non_agricultural):
    return notice_on + datetime.timedelta(days=notice_days(non_agricultural=non_agricultural))


def earliest_compulsory_inventory(notice_on):
    return notice_on + datetime.timedelta(days=PERSUASION_DAYS)


def recovery_decision_deadline(approved_on):
    """The last day for the recovery decision; a later one is recorded, and counts as overdue."""
    return approved_on + datetime.timedelta(days=RECOVERY_DECISION_DAYS)


def payment_deadline(approved_on):
    """The last day to pay on time; a later payment is recorded, and owes interest."""
    return approved_on + datetime.timedelta(days=PAYMENT_DAYS)


def is_payment_late(approved_on, paid_on):
    return paid_on > payment_deadline(approved_on)


def is_overdue(deadline, *, done_on=None, today):
    """Done after its deadline, or not done and the deadline has passed."""
    return done_on > deadline if done_on is not None else today > deadline


# --- enforcement days -------------------------------------------------------------------------


def calendar_years(day):
    """The years whose Tết holiday an enforcement on `day` is checked against.

    A Tết holiday starting in mid-January would put late December of the year before within its
    15 days, so the next year counts; the year before is read too, to be safe.
    """
    return {day.year - 1, day.year, day.year + 1}


def enforcement_day_refusals(day, *, calendar, start_time=None):
    """Why enforcement cannot start on this day (field "date") or at this time (field "time"); [] if it can.

    `calendar` is a zones.workdays.WorkCalendar built for calendar_years(day). Art. 89 cl. 1 point b:
    not within 15 days before or after the Tết holiday period, not on a day off or a public holiday
    (Saturday and Sunday included), not from 22:00 to 06:00. The traditional Tết of ethnic minorities
    and local special cases are days off declared by a notice, entered as calendar overrides.
    """
    refusals = []
    reason = _tet_refusal(day, calendar) or _day_off_refusal(day, calendar)
    if reason:
        refusals.append(Refusal(reason, "date"))
    if start_time is not None and (start_time >= NIGHT_STARTS or start_time < NIGHT_ENDS):
        refusals.append(
            Refusal(
                _("Enforcement never starts between 22:00 and 06:00 the next morning: %(time)s is at night.")
                % {"time": f"{start_time:%H:%M}"},
                "time",
            )
        )
    return refusals


def _tet_refusal(day, calendar):
    buffer = datetime.timedelta(days=TET_BUFFER_DAYS)
    for year in sorted(calendar_years(day)):
        period = calendar.tet_holiday_period(year)
        if period and period[0] - buffer <= day <= period[1] + buffer:
            return _(
                "Enforcement is never carried out within %(days)s days before or after the Tết holiday "
                "(%(first)s–%(last)s): %(day)s falls between %(start)s and %(end)s."
            ) % {
                "days": TET_BUFFER_DAYS,
                "first": _d(period[0]),
                "last": _d(period[1]),
                "day": _d(day),
                "start": _d(period[0] - buffer),
                "end": _d(period[1] + buffer),
            }
    return None


def _day_off_refusal(day, calendar):
    off = calendar.day_off(day)
    if off is None:
        return None
    if off.kind == workdays.HOLIDAY:
        reason = _("%(day)s is a public holiday: %(name)s.")
    elif off.kind == workdays.NOTICE:
        reason = _("%(day)s is a day off: %(name)s (notice %(notice)s of %(notice_date)s).")
    elif day.weekday() == workdays.SATURDAY:
        reason = _("%(day)s is a Saturday, a weekly day off: state bodies work Monday to Friday.")
    else:
        reason = _("%(day)s is a Sunday, a weekly day off.")
    values = {"day": _d(day), "name": off.name, "notice": off.notice}
    values["notice_date"] = _d(off.notice_date) if off.notice_date else ""
    rule = _("Enforcement is never carried out on a day off or a public holiday.")
    return f"{reason % values} {rule}"


# --- order ------------------------------------------------------------------------------------


def next_stage(stage, recorded):
    """The main-line step a case records next, or None once the land is handed over.

    A case starts at the notice before the notice's document is entered, so while its own
    stage has no recorded act, that act comes next; otherwise the stage that follows.
    """
    if stage not in recorded:
        return stage
    position = Stage.order(stage) + 1
    return MAIN_LINE[position] if position < len(MAIN_LINE) else None


def _previous(stage, recorded):
    """The latest act recorded before this stage: (kind, date) or None."""
    earlier = [kind for kind in MAIN_LINE[: Stage.order(stage)] if kind in recorded]
    if Stage.order(stage) >= Stage.order(Stage.INVENTORY) and Kind.COMPULSORY_INVENTORY in recorded:
        earlier.append(Kind.COMPULSORY_INVENTORY)
    if not earlier:
        return None
    kind = max(earlier, key=lambda k: recorded[k])
    return kind, recorded[kind]


def _not_in_future(day, today, what):
    if day > today:
        return [
            Refusal(
                _("The date of the %(step)s (%(day)s) cannot be in the future: today is %(today)s.")
                % {"step": what, "day": _d(day), "today": _d(today)},
                "date",
            )
        ]
    return []


def _already_recorded(kind, recorded):
    return Refusal(
        _("The %(step)s is already recorded, dated %(day)s.") % {"step": _label(kind), "day": _d(recorded[kind])},
        "stage",
    )


# --- the checks -------------------------------------------------------------------------------


def check_advance(*, current, recorded, stage, happened_on, today, non_agricultural):
    """Refusals for recording `stage` on `happened_on` for a case at `current`.

    `recorded` maps the kinds of act already recorded to their dates.
    """
    expected = next_stage(current, recorded)
    if stage != expected:
        if stage in recorded:
            return [_already_recorded(stage, recorded)]
        if expected is None:
            return [Refusal(_("The land of this case has been handed over: there is no further stage."), "stage")]
        return [
            Refusal(
                _(
                    "Stages are recorded in order, one at a time: the case is at “%(current)s”, "
                    "so the next step is “%(expected)s”, not “%(stage)s”."
                )
                % {"current": _label(current), "expected": _label(expected), "stage": _label(stage)},
                "stage",
            )
        ]
    refusals = _not_in_future(happened_on, today, _label(stage))
    previous = _previous(stage, recorded)
    if previous and happened_on < previous[1]:
        refusals.append(
            Refusal(
                _("The %(step)s cannot be dated %(day)s: it comes on or after the %(previous)s of %(previous_day)s.")
                % {
                    "step": _label(stage),
                    "day": _d(happened_on),
                    "previous": _label(previous[0]),
                    "previous_day": _d(previous[1]),
                },
                "date",
            )
        )
    refusals += _stage_rules(stage, recorded, happened_on, non_agricultural)
    return refusals


def _stage_rules(stage, recorded, day, non_agricultural):
    if stage == Stage.PLAN_APPROVED:
        posted = recorded.get(Kind.PLAN_POSTED)
        if posted is None:
            return [
                Refusal(
                    _("The plan's public posting is not recorded: a plan is approved only after 30 days of posting.")
                )
            ]
        earliest = earliest_plan_approval(posted)
        if day < earliest:
            return [
                Refusal(
                    _(
                        "The compensation plan must be posted publicly for %(days)s days before it is approved: "
                        "posted on %(posted)s, it can be approved from %(earliest)s; %(day)s is only day %(n)s."
                    )
                    % {
                        "days": PUBLIC_POSTING_DAYS,
                        "posted": _d(posted),
                        "earliest": _d(earliest),
                        "day": _d(day),
                        "n": (day - posted).days,
                    },
                    "date",
                )
            ]
    elif stage == Stage.RECOVERY_DECIDED:
        refusals = []
        if Kind.PLAN_APPROVED not in recorded:
            refusals.append(Refusal(_("The recovery decision comes after the plan approval, which is not recorded.")))
        notice = recorded.get(Kind.NOTICE)
        days = notice_days(non_agricultural=non_agricultural)
        if notice is None:
            refusals.append(
                Refusal(
                    _(
                        "The recovery notice is not recorded: "
                        "it must be served at least %(days)s days before the decision."
                    )
                    % {"days": days}
                )
            )
        elif day < earliest_recovery_decision(notice, non_agricultural=non_agricultural):
            land = _("non-agricultural land") if non_agricultural else _("agricultural land")
            refusals.append(
                Refusal(
                    _(
                        "The recovery notice must be served at least %(days)s days before the recovery decision "
                        "(%(land)s): notice of %(notice)s, so the decision can be dated from %(earliest)s, "
                        "not %(day)s."
                    )
                    % {
                        "days": days,
                        "land": land,
                        "notice": _d(notice),
                        "earliest": _d(earliest_recovery_decision(notice, non_agricultural=non_agricultural)),
                        "day": _d(day),
                    },
                    "date",
                )
            )
        return refusals
    elif stage == Stage.PAID:
        return _payment_after_approval(recorded, day)
    elif stage == Stage.HANDED_OVER and Kind.PAID not in recorded:
        return [Refusal(_("The land is handed over after payment, which is not recorded."))]
    return []


def _payment_after_approval(recorded, day):
    approved = recorded.get(Kind.PLAN_APPROVED)
    if approved is None:
        return [Refusal(_("No payment before the compensation plan is approved: the approval is not recorded."))]
    if day < approved:
        return [
            Refusal(
                _("No payment before the compensation plan is approved: approved on %(approved)s, paid on %(day)s.")
                % {"approved": _d(approved), "day": _d(day)},
                "date",
            )
        ]
    return []


def check_side_event(*, current, recorded, kind, happened_on, today, calendar=None, start_time=None):
    """Refusals for a compulsory inventory decision, an enforcement or a resettlement.

    An enforcement needs `calendar` (see enforcement_day_refusals) and checks `start_time` if it is given.
    Raises ValueError for a kind that is not one of SIDE_EVENTS.
    """
    if kind not in SIDE_EVENTS:
        raise ValueError(f"{kind!r} is not a side event")
    if kind in recorded:
        return [_already_recorded(kind, recorded)]
    refusals = _not_in_future(happened_on, today, _label(kind))
    if kind == Kind.COMPULSORY_INVENTORY:
        refusals += _compulsory_inventory_rules(current, recorded, happened_on)
    elif kind == Kind.ENFORCEMENT:
        decided = recorded.get(Kind.RECOVERY_DECIDED)
        if decided is None:
            refusals.append(Refusal(_("Enforcement comes only after the recovery decision, which is not recorded.")))
        elif happened_on < decided:
            refusals.append(
                Refusal(
                    _("Enforcement comes only after the recovery decision of %(decided)s, not on %(day)s.")
                    % {"decided": _d(decided), "day": _d(happened_on)},
                    "date",
                )
            )
        if calendar is None:
            raise TypeError("an enforcement is checked against the working-day calendar: pass calendar=")
        refusals += enforcement_day_refusals(happened_on, calendar=calendar, start_time=start_time)
    else:  # Kind.RESETTLEMENT
        approved = recorded.get(Kind.PLAN_APPROVED)
        if approved is None:
            refusals.append(
                Refusal(_("Resettlement follows the approved compensation plan, and the approval is not recorded."))
            )
        elif happened_on < approved:
            refusals.append(
                Refusal(
                    _("Resettlement follows the approved compensation plan of %(approved)s, not on %(day)s.")
                    % {"approved": _d(approved), "day": _d(happened_on)},
                    "date",
                )
            )
    return refusals


def _compulsory_inventory_rules(current, recorded, day):
    # Simplification: the refusal of the inventory is not recorded as its own act, so the
    # 15 days of persuasion are counted from the recovery notice, the last act before it.
    notice = recorded.get(Kind.NOTICE)
    if Kind.INVENTORY in recorded or Stage.order(current) > Stage.order(Stage.INVENTORY):
        return [Refusal(_("The inventory is already done: a compulsory inventory decision comes before it."))]
    if notice is None:
        return [Refusal(_("A compulsory inventory decision needs the recovery notice recorded first."))]
    earliest = earliest_compulsory_inventory(notice)
    if day < earliest:
        return [
            Refusal(
                _(
                    "A compulsory inventory decision comes at least %(days)s days after the recovery notice "
                    "(%(notice)s), after the days of persuasion: from %(earliest)s, not %(day)s."
                )
                % {"days": PERSUASION_DAYS, "notice": _d(notice), "earliest": _d(earliest), "day": _d(day)},
                "date",
            )
        ]
    return []


def check_payment(*, recorded, paid_on, today):
    return _not_in_future(paid_on, today, _("payment")) + _payment_after_approval(recorded, paid_on)


def check_complaint(*, received_on, today):
    return _not_in_future(received_on, today, _("complaint"))


def check_complaint_resolution(*, received_on, resolved_on, today):
    refusals = _not_in_future(resolved_on, today, _("resolution"))
    if resolved_on < received_on:
        refusals.append(
            Refusal(
                _("A complaint is resolved on or after the day it was received (%(received)s), not %(day)s.")
                % {"received": _d(received_on), "day": _d(resolved_on)},
                "date",
            )
        )
    return refusals


# --- what the forms tell the user before they type --------------------------------------------


def advance_hints(*, stage, recorded, non_agricultural):
    """The earliest date and the deadline of the next step, as sentences."""
    if stage is None:
        return [_("The land of this case has been handed over: there is no further stage.")]
    hints = []
    previous = _previous(stage, recorded)
    if previous:
        hints.append(
            _("On or after the %(previous)s of %(day)s.") % {"previous": _label(previous[0]), "day": _d(previous[1])}
        )
    posted = recorded.get(Kind.PLAN_POSTED)
    approved = recorded.get(Kind.PLAN_APPROVED)
    notice = recorded.get(Kind.NOTICE)
    if stage == Stage.PLAN_APPROVED and posted:
        hints.append(
            _("Posted publicly on %(posted)s: the plan can be approved from %(earliest)s (30 days).")
            % {"posted": _d(posted), "earliest": _d(earliest_plan_approval(posted))}
        )
    if stage == Stage.RECOVERY_DECIDED:
        if notice:
            hints.append(
                _("Notice of %(notice)s: the decision can be dated from %(earliest)s (%(days)s days).")
                % {
                    "notice": _d(notice),
                    "days": notice_days(non_agricultural=non_agricultural),
                    "earliest": _d(earliest_recovery_decision(notice, non_agricultural=non_agricultural)),
                }
            )
        if approved:
            hints.append(
                _("Due by %(deadline)s, 10 days after the plan approval; a later decision is recorded as overdue.")
                % {"deadline": _d(recovery_decision_deadline(approved))}
            )
    if stage == Stage.PAID and approved:
        hints.append(payment_hint(approved))
    return hints


def payment_hint(approved_on):
    return _("Plan approved on %(approved)s: payment is due by %(deadline)s; a later payment owes interest.") % {
        "approved": _d(approved_on),
        "deadline": _d(payment_deadline(approved_on)),
    }
