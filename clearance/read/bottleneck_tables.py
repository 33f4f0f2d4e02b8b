"""The bottleneck lists as django-tables2 tables: sortable in the database, exportable as plain values.

Each render_* that returns HTML has a value_* giving the export its plain, typed value.
"""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from clearance import rules
from zones.models import AdminUnit
from zones.templatetags.lsip_format import UNKNOWN, num

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
PHASE_ORDER = ("phase__zone__name", "phase__number")
UNREPORTED_ORDER = ("zone__name", "phase__number", "unit__name")


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else UNKNOWN


def _days(duration):
    return duration.days if duration is not None else None


def _unit(unit):
    # A legacy commune is named with its district; a district or a 2025 commune stands alone.
    if unit.parent_id is None or unit.structure != AdminUnit.Structure.LEGACY or unit.level != AdminUnit.Level.COMMUNE:
        return unit.name
    return format_html('{}<br><small class="muted">{}</small>', unit.name, unit.parent.name)


def _synthetic(value):
    return render_to_string("_partials/synthetic_badge.html") if value else ""


class BottleneckTable(tables.Table):
    """What every list of cases shows first: the case, its phase, commune and stage; last, synthetic or real."""

    code = tables.Column(verbose_name=_("Code"), linkify=("clearance:case_detail", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=_("Name"))
    phase = tables.Column(verbose_name=_("Phase"), order_by=PHASE_ORDER)
    unit = tables.Column(verbose_name=_("Commune"), order_by=("unit__name", "code"))
    stage = tables.Column(verbose_name=_("Stage"))
    is_synthetic = tables.Column(verbose_name=_("Data"))

    class Meta:
        empty_text = _("No case matches these filters.")

    def render_unit(self, value):
        return _unit(value)

    def value_unit(self, value):
        return value.name

    def render_stage(self, record):
        return capfirst(record.get_stage_display())

    def value_stage(self, record):
        return capfirst(record.get_stage_display())

    def render_is_synthetic(self, value):
        return _synthetic(value)

    def value_is_synthetic(self, value):
        return _("synthetic") if value else _("real")


class OverdueTable(BottleneckTable):
    approved_on = tables.Column(verbose_name=_("Plan approved"))
    decision_due = tables.Column(verbose_name=_("Decision due"), accessor="approved_on", order_by="approved_on")
    decided_on = tables.Column(verbose_name=_("Recovery decision"))
    payment_due = tables.Column(verbose_name=_("Payment due"), accessor="approved_on", order_by="approved_on")
    paid_on = tables.Column(verbose_name=_("Paid"))
    overdue_by = tables.Column(verbose_name=_("Days overdue"), attrs=NUM)
    overdue = tables.Column(verbose_name=_("Deadline missed"), accessor="pk", orderable=False)

    class Meta(BottleneckTable.Meta):
        sequence = ("code", "name", "phase", "unit", "stage", "...", "is_synthetic")
        empty_text = _("No case is overdue or late.")

    def render_approved_on(self, value):
        return _date(value)

    def value_approved_on(self, value):
        return value

    def render_decision_due(self, value):
        return _date(rules.recovery_decision_deadline(value))

    def value_decision_due(self, value):
        return rules.recovery_decision_deadline(value)

    def render_decided_on(self, value):
        return _date(value)

    def value_decided_on(self, value):
        return value

    def render_payment_due(self, value):
        return _date(rules.payment_deadline(value))

    def value_payment_due(self, value):
        return rules.payment_deadline(value)

    def render_paid_on(self, value):
        return _date(value)

    def value_paid_on(self, value):
        return value

    def render_overdue_by(self, value):
        return num(_days(value))

    def value_overdue_by(self, value):
        return _days(value)

    @staticmethod
    def missed(record):
        return [
            label
            for flag, label in (
                ("decision_overdue_now", _("recovery decision overdue")),
                ("decision_late", _("recovery decision made late")),
                ("payment_overdue_now", _("payment overdue")),
                ("payment_late", _("paid late, interest owed")),
            )
            if getattr(record, flag)
        ]

    def render_overdue(self, record):
        return format_html_join(mark_safe("<br>"), "{}", ((capfirst(label),) for label in self.missed(record)))

    def value_overdue(self, record):
        return "; ".join(str(label) for label in self.missed(record))


class StuckTable(BottleneckTable):
    stage_since = tables.Column(verbose_name=_("Stage began"))
    days_in_stage = tables.Column(verbose_name=_("Days in stage"), attrs=NUM)

    class Meta(BottleneckTable.Meta):
        sequence = ("code", "name", "phase", "unit", "stage", "...", "is_synthetic")
        empty_text = _("No case is stuck that long.")

    def render_stage_since(self, value, record):
        if record.stage_dated:
            return _date(value)
        # No dated event for the stage: the day the case was recorded stands in for it.
        return format_html(
            '{}<br><small class="muted">{}</small>', _date(value), _("no dated step: the day the case was recorded")
        )

    def value_stage_since(self, value):
        return value

    def render_days_in_stage(self, value):
        return num(_days(value))

    def value_days_in_stage(self, value):
        return _days(value)


class EnforcementTable(BottleneckTable):
    compulsory_on = tables.Column(verbose_name=_("Compulsory inventory decision"))
    enforced_on = tables.Column(verbose_name=_("Enforced recovery"))

    class Meta(BottleneckTable.Meta):
        sequence = ("code", "name", "phase", "unit", "stage", "...", "is_synthetic")
        empty_text = _("No case has a compulsory inventory or an enforced recovery.")

    def render_compulsory_on(self, value):
        return _date(value)

    def value_compulsory_on(self, value):
        return value

    def render_enforced_on(self, value):
        return _date(value)

    def value_enforced_on(self, value):
        return value


class ComplaintTable(tables.Table):
    code = tables.Column(
        verbose_name=_("Code"), accessor="case__code", linkify=("clearance:case_detail", {"pk": tables.A("case_id")})
    )
    name = tables.Column(verbose_name=_("Name"), accessor="case__name")
    phase = tables.Column(
        verbose_name=_("Phase"), accessor="case__phase", order_by=tuple("case__" + f for f in PHASE_ORDER)
    )
    unit = tables.Column(verbose_name=_("Commune"), accessor="case__unit", order_by=("case__unit__name", "case__code"))
    received_on = tables.Column(verbose_name=_("Received on"))
    days_open = tables.Column(verbose_name=_("Days open"), attrs=NUM)
    summary = tables.Column(verbose_name=_("Content"), orderable=False)
    is_synthetic = tables.Column(verbose_name=_("Data"), accessor="case__is_synthetic")

    class Meta:
        empty_text = _("No open complaint.")

    def render_unit(self, value):
        return _unit(value)

    def value_unit(self, value):
        return value.name

    def render_received_on(self, value):
        return _date(value)

    def value_received_on(self, value):
        return value

    def render_days_open(self, value):
        return num(_days(value))

    def value_days_open(self, value):
        return _days(value)

    def render_summary(self, value):
        return Truncator(value).chars(160)

    def render_is_synthetic(self, value):
        return _synthetic(value)

    def value_is_synthetic(self, value):
        return _("synthetic") if value else _("real")


class UnreportedTable(tables.Table):
    """Rows are bottlenecks.UnreportedRow objects, sorted in Python: a few hundred at most."""

    zone = tables.Column(verbose_name=_("Zone or cluster"), order_by=UNREPORTED_ORDER)
    phase = tables.Column(verbose_name=_("Phase"), order_by=UNREPORTED_ORDER)
    unit = tables.Column(verbose_name=_("Reporting unit"), order_by=("unit__name", "zone__name", "phase__number"))
    case_units = tables.Column(verbose_name=_("Communes of the open cases"), orderable=False)
    # empty_values=(): a unit that never reported is said so, not left blank.
    last_reported_on = tables.Column(verbose_name=_("Last report"), empty_values=())

    class Meta:
        empty_text = _("Every unit expected to report has reported for this week.")

    def render_unit(self, value):
        return _unit(value)

    def value_unit(self, value):
        return value.name

    def render_case_units(self, value):
        return ", ".join(unit.name for unit in value)

    def render_last_reported_on(self, value):
        return _date(value) if value else _("never")

    def value_last_reported_on(self, value):
        return value
