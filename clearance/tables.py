import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clearance.models import Case
from zones.templatetags.lsip_format import m2, vnd


class CaseTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=("clearance:case_detail", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    unit = tables.Column(verbose_name=_("Commune"), order_by=("unit__name", "code"))
    village = tables.Column(verbose_name=_("Village"))
    stage = tables.Column(verbose_name=_("Stage"))
    recovered_m2 = tables.Column(
        verbose_name=_("Recovered area"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    paid_vnd = tables.Column(verbose_name=_("Paid"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    is_synthetic = tables.Column(verbose_name=_("Data"), orderable=True)

    class Meta:
        model = Case
        fields = ("code", "name", "kind", "unit", "village", "stage", "recovered_m2", "paid_vnd", "is_synthetic")
        template_name = "_partials/table.html"
        empty_text = _("No case matches these filters.")
        attrs = {"class": "table"}

    def render_unit(self, value):
        if value.parent_id is None:
            return value.name
        return format_html('{}<br><small class="muted">{}</small>', value.name, value.parent.name)

    def render_stage(self, record):
        return capfirst(record.get_stage_display())

    def render_kind(self, record):
        return capfirst(record.get_kind_display())

    def render_recovered_m2(self, value):
        return m2(value)

    def render_paid_vnd(self, value):
        return vnd(value)

    def render_is_synthetic(self, value):
        return render_to_string("_partials/synthetic_badge.html") if value else ""
