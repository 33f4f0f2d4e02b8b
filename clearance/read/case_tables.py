import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clearance.exports import XLSX_HECTARES_FORMAT, NumberColumn
from clearance.models import Case, ProgressReport
from zones.models import AdminUnit, Qualifier, Source
from zones.templatetags.lsip_format import ha, m2, num, qualified, source_date, vnd

NUMBER_ATTRS = {"td": {"class": "num"}, "th": {"class": "num"}}


class CaseTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=("clearance:case_detail", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    unit = tables.Column(verbose_name=_("Commune"), order_by=("unit__name", "code"))
    village = tables.Column(verbose_name=_("Village"))
    stage = tables.Column(verbose_name=_("Stage"))
    recovered_m2 = tables.Column(verbose_name=_("Recovered area"), attrs=NUMBER_ATTRS)
    paid_vnd = tables.Column(verbose_name=_("Paid"), attrs=NUMBER_ATTRS)
    is_synthetic = tables.Column(verbose_name=_("Data"), orderable=True)

    class Meta:
        model = Case
        fields = ("code", "name", "kind", "unit", "village", "stage", "recovered_m2", "paid_vnd", "is_synthetic")
        empty_text = _("No case matches these filters.")

    def render_unit(self, value):
        if value.parent_id is None:
            return value.name
        return format_html('{}<br><small class="muted">{}</small>', value.name, value.parent.name)

    # A choice column's value is its label already; asking for the value (not the record) lets the
    # export read the column in bulk (clearance.exports), with the same text.
    def render_stage(self, value):
        return capfirst(value)

    def render_kind(self, value):
        return capfirst(value)

    # Nothing recovered or paid yet reads as a dash, like an empty cell; exports keep the 0.
    def render_recovered_m2(self, value):
        return m2(value) if value else "—"

    def render_paid_vnd(self, value):
        return vnd(value) if value else "—"

    def render_is_synthetic(self, value):
        return render_to_string("_partials/synthetic_badge.html") if value else ""

    # Exports: plain text and typed numbers (m², whole VND), never the HTML or the formatted figures.

    def value_unit(self, value):
        return value.name if value.parent_id is None else f"{value.name}, {value.parent.name}"

    # Recovered areas are above zero, so 0 is "no parcel" and 0 VND "no payment": an empty cell.
    def value_recovered_m2(self, value):
        return value or None

    def value_paid_vnd(self, value):
        return value or None

    def value_is_synthetic(self, value):
        return gettext("Synthetic") if value else gettext("Real")


def _stated_as(qualifier):
    """How the source states a figure, for the export column beside it; empty when exact."""
    return Qualifier(qualifier).label if qualifier and qualifier != Qualifier.EXACT else ""


class ReportTable(tables.Table):
    """Progress reports, newest first unless sorted; `*_stated_as` and `created_at` are for exports only."""

    id = tables.Column(
        verbose_name=_("Report"), linkify=("clearance:report_detail", {"pk": tables.A("pk")}), order_by=("id",)
    )
    reported_on = tables.Column(verbose_name=_("Figures as of"), order_by=("reported_on", "id"))
    project = tables.Column(
        verbose_name=_("Project"), accessor="phase", order_by=("phase__zone__name", "phase__number", "id")
    )
    unit = tables.Column(verbose_name=_("Reporting unit"), order_by=("unit__name", "id"))
    cases_counted = tables.Column(verbose_name=_("Cases counted"), attrs=NUMBER_ATTRS)
    cases_counted_stated_as = tables.Column(
        verbose_name=_("Cases counted stated as"), accessor="cases_counted_qualifier", visible=False
    )
    cases_paid = tables.Column(verbose_name=_("Cases paid"), attrs=NUMBER_ATTRS)
    area_handed_over_ha = NumberColumn(
        verbose_name=_("Area handed over"), attrs=NUMBER_ATTRS, number_format=XLSX_HECTARES_FORMAT
    )
    area_handed_over_stated_as = tables.Column(
        verbose_name=_("Area handed over stated as"), accessor="area_handed_over_qualifier", visible=False
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))
    reported_by = tables.Column(
        verbose_name=_("Entered by"), order_by=("reported_by__username", "created_at"), empty_values=()
    )
    created_at = tables.Column(verbose_name=_("Entered on"), visible=False)

    class Meta:
        model = ProgressReport
        fields = ()
        sequence = (
            "id",
            "reported_on",
            "project",
            "unit",
            "cases_counted",
            "cases_counted_stated_as",
            "cases_paid",
            "area_handed_over_ha",
            "area_handed_over_stated_as",
            "status",
            "reported_by",
            "created_at",
        )
        empty_text = _("No report matches these filters.")

    def render_id(self, value):
        return f"#{value}"

    def render_reported_on(self, value, record):
        return source_date(value, record.source.date_precision)

    def render_project(self, value):
        return format_html(
            '{}<br><small class="muted">{}</small>',
            value.zone.name,
            gettext("phase %(number)s") % {"number": value.number},
        )

    def render_unit(self, value):
        parent = value.parent
        if parent is not None and parent.level == AdminUnit.Level.DISTRICT:
            return format_html('{}<br><small class="muted">{}</small>', value.name, parent.name)
        return value.name

    def render_cases_counted(self, value, record):
        return qualified(num(value), record.cases_counted_qualifier)

    def render_cases_paid(self, value):
        return num(value)

    def render_area_handed_over_ha(self, value, record):
        return qualified(ha(value), record.area_handed_over_qualifier)

    def render_status(self, record):
        status = render_to_string("clearance/reports/_status.html", {"report": record})
        if record.corrects_id is None:
            return status
        return format_html(
            '{}<br><small class="muted">{}</small>',
            status,
            gettext("corrects #%(number)s") % {"number": record.corrects_id},
        )

    def render_reported_by(self, value, record):
        who = (
            value.get_username() if value else format_html('<span class="muted">{}</span>', gettext("published source"))
        )
        return format_html(
            '{}<br><small class="muted">{}</small>',
            who,
            date_format(timezone.localtime(record.created_at), "SHORT_DATETIME_FORMAT"),
        )

    # Exports: the figures as numbers, how the source states them in their own column.

    def value_id(self, value):
        return value

    def value_reported_on(self, value, record):
        # A date the source gives only to the month or year stays as precise as that, as text.
        if record.source.date_precision == Source.Precision.DAY:
            return value
        return source_date(value, record.source.date_precision)

    def value_project(self, value):
        return str(value)

    def value_unit(self, value):
        parent = value.parent
        if parent is not None and parent.level == AdminUnit.Level.DISTRICT:
            return f"{value.name}, {parent.name}"
        return value.name

    def value_cases_counted(self, value):
        return value

    # These columns' values arrive as the choice's label; the record has the code.
    def value_cases_counted_stated_as(self, record):
        return _stated_as(record.cases_counted_qualifier)

    def value_cases_paid(self, value):
        return value

    def value_area_handed_over_ha(self, value):
        return value

    def value_area_handed_over_stated_as(self, record):
        return _stated_as(record.area_handed_over_qualifier)

    def value_status(self, record):
        status = capfirst(record.get_status_display())
        if getattr(record, "correction", None) is not None:
            return f"{status} ({gettext('corrected by a later version')})"
        return status

    def value_reported_by(self, value):
        return value.get_username() if value else gettext("published source")
