"""Tables of the dashboard's own pages: breakdowns by commune or district, and reported vs registered."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clearance.exports import XLSX_HECTARES_FORMAT, NumberColumn
from zones.models import Qualifier
from zones.templatetags.lsip_format import ha, m2_as_ha, num, pct, qualified, source_date, vnd
from zones.units import m2_to_ha, round_ha

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def _phase_label(phase):
    return _("%(zone)s – phase %(number)s") % {"zone": phase.zone.name, "number": phase.number}


class BreakdownTable(tables.Table):
    """One row per phase and 2025 commune (or legacy district), from the case registry."""

    phase = tables.Column(
        verbose_name=_("Zone – phase"), accessor="phase", order_by=("phase__zone__name", "phase__number")
    )
    label = tables.Column(verbose_name=_("Area"), accessor="label")
    recorded = tables.Column(verbose_name=_("Recorded under"), accessor="recorded", orderable=False)
    cases = tables.Column(verbose_name=_("Affected cases"), accessor="figures__cases", attrs=NUM)
    area = NumberColumn(
        verbose_name=_("Area to recover (ha)"),
        accessor="figures__area_m2",
        attrs=NUM,
        number_format=XLSX_HECTARES_FORMAT,
    )
    counted = tables.Column(verbose_name=_("Counted"), accessor="figures__counted", attrs=NUM)
    approved = tables.Column(verbose_name=_("Plans approved"), accessor="figures__approved", attrs=NUM)
    paid = tables.Column(verbose_name=_("Paid (cases)"), accessor="figures__paid", attrs=NUM)
    paid_vnd = tables.Column(verbose_name=_("Paid (VND)"), accessor="figures__paid_vnd", attrs=NUM)
    handed_over = tables.Column(verbose_name=_("Handed over (cases)"), accessor="figures__handed_over", attrs=NUM)
    handed_over_ha = NumberColumn(
        verbose_name=_("Handed over (ha)"),
        accessor="figures__handed_over_m2",
        attrs=NUM,
        number_format=XLSX_HECTARES_FORMAT,
    )
    handed_over_pct = tables.Column(
        verbose_name=_("Handed over (share of area)"), accessor="figures__handed_over_area_pct", attrs=NUM
    )
    synthetic = tables.Column(verbose_name=_("Data"), accessor="figures__synthetic", attrs=NUM)

    class Meta:
        empty_text = _("No case matches these filters.")

    def render_phase(self, value):
        url = reverse("zones:zone_detail", args=[value.zone_id])
        return format_html('<a href="{}#phase-{}">{}</a>', url, value.number, _phase_label(value))

    def value_phase(self, value):
        return _phase_label(value)

    def render_label(self, record):
        if record.is_split:
            return format_html(
                '{}<br><small class="muted">{}</small>', record.label, _("split in 2025: not divided between them")
            )
        return record.label or "—"

    def value_label(self, record):
        return record.label

    def render_recorded(self, record):
        # The drill-down: the cases of this phase recorded under each unit.
        base = reverse("clearance:case_list")
        return format_html_join(
            ", ",
            '<a href="{}?phase={}&amp;unit={}">{}</a>',
            ((base, record.phase.pk, unit.pk, unit.name) for unit in record.recorded),
        )

    def value_recorded(self, record):
        return ", ".join(unit.name for unit in record.recorded)

    def render_cases(self, value):
        return num(value)

    render_counted = render_approved = render_paid = render_handed_over = render_cases

    def value_cases(self, value):
        # Exports get the number itself; the page gets it written the Vietnamese way.
        return value

    value_counted = value_approved = value_paid = value_handed_over = value_paid_vnd = value_cases
    value_handed_over_pct = value_cases

    # Area columns read the m² (sorting keeps full precision); the page and the export both show
    # zones.units.m2_to_ha of it, so they cannot disagree.
    def render_area(self, value):
        return m2_as_ha(value)

    def value_area(self, value):
        return m2_to_ha(value)

    render_handed_over_ha = render_area
    value_handed_over_ha = value_area

    def render_paid_vnd(self, value):
        return vnd(value)

    def render_handed_over_pct(self, value):
        return pct(value)

    def render_synthetic(self, record):
        if not record.figures.synthetic:
            return ""
        return render_to_string("_partials/synthetic_badge.html")

    def value_synthetic(self, record):
        return record.figures.synthetic


def _hectares_row_format(record):
    """The XLSX format of a reported-vs-registry figure: two decimals on the rows in hectares."""
    return XLSX_HECTARES_FORMAT if record["comparison"].pair.unit == "ha" else None


class ReportCheckTable(tables.Table):
    """One row per figure a unit's latest accepted report gives, beside the registry's."""

    phase = tables.Column(
        verbose_name=_("Zone – phase"), accessor="check__report__phase", order_by=("check__report__phase__zone__name",)
    )
    unit = tables.Column(verbose_name=_("Reporting unit"), accessor="check__report__unit__name")
    reported_on = tables.Column(verbose_name=_("Report as of"), accessor="check__report__reported_on")
    source = tables.Column(verbose_name=_("Source"), accessor="check__report__source__title")
    figure = tables.Column(verbose_name=_("Figure"), accessor="comparison__pair__label")
    reported = NumberColumn(
        verbose_name=_("Reported"),
        accessor="comparison__reported",
        attrs=NUM,
        orderable=False,
        number_format=_hectares_row_format,
    )
    as_of = tables.Column(verbose_name=_("Registry counted up to"), accessor="check__as_of")
    registered = NumberColumn(
        verbose_name=_("Registry"),
        accessor="comparison__registered",
        attrs=NUM,
        orderable=False,
        number_format=_hectares_row_format,
    )
    agrees = tables.Column(verbose_name=_("Agreement"), accessor="comparison__agrees")

    class Meta:
        empty_text = _("No accepted report gives a figure the registry also has.")
        row_attrs = {"class": lambda record: "" if record["comparison"].agrees else "differs"}

    def render_phase(self, value, record):
        url = reverse("clearance:report_detail", args=[record["check"].report.pk])
        return format_html('<a href="{}">{}</a>', url, _phase_label(value))

    def value_phase(self, value):
        return _phase_label(value)

    def render_reported_on(self, value, record):
        return source_date(value, record["check"].report.source.date_precision)

    def value_reported_on(self, value):
        return value

    def render_as_of(self, value):
        return source_date(value)

    def value_as_of(self, value):
        return value

    def _format(self, value, record):
        kind = record["comparison"].pair.unit
        if kind == "ha":
            return ha(value)
        if kind == "vnd":
            return vnd(value)
        return num(value)

    def render_reported(self, value, record):
        return qualified(self._format(value, record), record["comparison"].qualifier)

    def value_reported(self, value, record):
        comparison = record["comparison"]
        if comparison.qualifier == Qualifier.EXACT:
            return value
        return f"{Qualifier(comparison.qualifier).label} {value}"

    def render_registered(self, value, record):
        return self._format(value, record)

    def value_registered(self, value, record):
        return round_ha(value) if record["comparison"].pair.unit == "ha" else value

    def render_agrees(self, value):
        if value:
            return _("agrees")
        return format_html('<strong class="flag">{}</strong>', _("differs"))

    def value_agrees(self, value):
        return str(_("agrees") if value else _("differs"))
