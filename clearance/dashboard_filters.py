"""Filters of the reported-vs-registry list: which latest reports to set beside the registry."""

import django_filters
from django.utils.translation import gettext_lazy as _

from clearance.models import ProgressReport
from zones.access import scope_for
from zones.models import AdminUnit, Phase, Zone
from zones.queries import accepted_reports


# As in CaseFilter, every choice list holds only what the user may see.
def _scope(request):
    return scope_for(getattr(request, "user", None))


def _zones(request):
    return _scope(request).zones(Zone.objects.order_by("kind", "name"))


def _phases(request):
    return _scope(request).phases(Phase.objects.select_related("zone").order_by("zone__name", "number"))


def _reporting_units(request):
    reports = _scope(request).reports(ProgressReport.objects.all())
    return AdminUnit.objects.filter(pk__in=reports.values("unit")).order_by("name")


class ReportCheckFilter(django_filters.FilterSet):
    zone = django_filters.ModelChoiceFilter(
        field_name="phase__zone", queryset=_zones, label=_("Zone or cluster"), empty_label=_("All")
    )
    phase = django_filters.ModelChoiceFilter(queryset=_phases, label=_("Phase"), empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(queryset=_reporting_units, label=_("Reporting unit"), empty_label=_("All"))
    differs = django_filters.BooleanFilter(
        method="keep_all",
        label=_("Only figures that differ"),
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = ProgressReport
        fields = ["zone", "phase", "unit", "differs"]

    def __init__(self, data=None, *, request):
        super().__init__(data, queryset=accepted_reports(_scope(request)), request=request)

    def keep_all(self, queryset, name, value):
        # Disagreement is worked out in Python against the registry, after the reports are read.
        return queryset
