"""Tables of the dashboard's own pages: breakdowns by commune or district, and reported vs registered."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clearance.exports import XLSX_HECTARES_FORMAT, NumberColumn
from clearance.read import figures
from zones.models import Qualifier
from zones.templatetags.lsip_format import qualified, source_date

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def _phase_label(phase):
    return _("%(zone)s – phase %(number)s") % {"zone": phase.zone.name, "number": phase.number}


class FigureColumn(NumberColumn):
    """A registry figure (clearance.read.figures.Figure) of each row's `figures`: written the Vietnamese
    way on the page, the number itself (hectares rounded as shown) in exports, hectares two-decimal in XLSX."""

    def __init__(self, figure, **kwargs):
        self.figure = figure
        super().__init__(
            verbose_name=figure.heading,
            accessor=f"figures__{figure.name}",
            attrs=NUM,
            number_format=XLSX_HECTARES_FORMAT if figure.unit == figures.HA else None,
            **kwargs,
        )

    def render(self, value):
        return self.figure.text(value)

    def value(self, value):
        return self.figure.rounded(value)


class _BreakdownColumns(tables.Table):
    phase = tables.Column(
        verbose_name=_("Zone – phase"), accessor="phase", order_by=("phase__zone__name", "phase__number")
    )
    label = tables.Column(verbose_name=_("Area"), accessor="label")
    recorded = tables.Column(verbose_name=_("Recorded under"), accessor="recorded", orderable=False)

    def render_phase(self, value):
        url = reverse("clearance:zone_detail", args=[value.zone_id])
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

    def render_synthetic(self, record):
        if not record.figures.synthetic:
            return ""
        return render_to_string("_partials/synthetic_badge.html")

    def value_synthetic(self, record):
        return record.figures.synthetic


class _BreakdownMeta:
    empty_text = _("No case matches these filters.")


# One row per phase and 2025 commune (or legacy district), from the case registry: the figures of
# clearance.read.figures.BREAKDOWN, as declared there, then whether the row's cases are synthetic.
BreakdownTable = type(
    "BreakdownTable",
    (_BreakdownColumns,),
    {
        **{figure.name: FigureColumn(figure) for figure in figures.BREAKDOWN},
        "synthetic": tables.Column(verbose_name=_("Data"), accessor="figures__synthetic", attrs=NUM),
        "Meta": _BreakdownMeta,
        "__module__": __name__,
        "__doc__": "One row per phase and 2025 commune (or legacy district), from the case registry.",
    },
)


def _hectares_row_format(record):
    """The XLSX format of a reported-vs-registry figure: two decimals on the rows in hectares."""
    return XLSX_HECTARES_FORMAT if record["comparison"].figure.unit == "ha" else None


class ReportCheckTable(tables.Table):
    """One row per figure a unit's latest accepted report gives, beside the registry's."""

    phase = tables.Column(
        verbose_name=_("Zone – phase"), accessor="check__report__phase", order_by=("check__report__phase__zone__name",)
    )
    unit = tables.Column(verbose_name=_("Reporting unit"), accessor="check__report__unit__name")
    reported_on = tables.Column(verbose_name=_("Report as of"), accessor="check__report__reported_on")
    source = tables.Column(verbose_name=_("Source"), accessor="check__report__source__title")
    figure = tables.Column(verbose_name=_("Figure"), accessor="comparison__figure__label")
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
        return record["comparison"].figure.text(value)

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
        return record["comparison"].figure.rounded(value)

    def render_agrees(self, value):
        if value:
            return _("agrees")
        return format_html('<strong class="flag">{}</strong>', _("differs"))

    def value_agrees(self, value):
        return str(_("agrees") if value else _("differs"))
