"""The zone list: every zone and cluster the user may see, one row each, as the overview lists them."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clearance.exports import XLSX_HECTARES_FORMAT, NumberColumn
from zones.models import Qualifier
from zones.templatetags.lsip_format import ha, pct, qualified

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class ZoneTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.Column(verbose_name=_("Status"))
    unit = tables.Column(verbose_name=_("Location"), accessor="unit__name", order_by=("unit__name", "name"))
    planned_area_ha = NumberColumn(verbose_name=_("Planned area (ha)"), attrs=NUM, number_format=XLSX_HECTARES_FORMAT)
    investor = tables.Column(verbose_name=_("Infrastructure investor"), accessor="investor__name", default="—")
    occupancy = tables.Column(verbose_name=_("Occupancy (%)"), accessor="occupancy_pct", orderable=False, attrs=NUM)
    source = tables.Column(verbose_name=_("Source"), accessor="source__title", orderable=False)

    class Meta:
        empty_text = _("No industrial zone or cluster matches.")

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("clearance:zone_detail", args=[record.pk]), value)

    def value_name(self, value):
        return value

    def render_kind(self, record):
        return capfirst(record.get_kind_display())

    def render_status(self, record):
        return capfirst(record.get_status_display())

    value_kind, value_status = render_kind, render_status

    def render_planned_area_ha(self, value, record):
        return qualified(ha(value), record.planned_area_qualifier)

    def value_planned_area_ha(self, value, record):
        if record.planned_area_qualifier == Qualifier.EXACT:
            return value
        return f"{Qualifier(record.planned_area_qualifier).label} {value}"

    def render_occupancy(self, value):
        return pct(value)

    def value_occupancy(self, value):
        return value

    def render_source(self, record):
        return render_to_string("_partials/source.html", {"source": record.source})

    def value_source(self, value):
        return value
