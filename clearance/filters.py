import django_filters
from django.utils.translation import gettext_lazy as _

from clearance.models import Case, Stage
from clearance.queries import search_cases
from zones.access import scope_for
from zones.models import AdminUnit, Phase, Zone


# Every choice list holds only what the user may see: a list of another area's zones would
# itself say which zones and communes have cases. Without a request the lists are empty.
def _scope(request):
    return scope_for(getattr(request, "user", None))


def _zones(request):
    return _scope(request).zones(Zone.objects.order_by("kind", "name"))


def _phases(request):
    return _scope(request).phases(Phase.objects.select_related("zone").order_by("zone__name", "number"))


def _communes(request):
    # Only communes that have cases: the list would otherwise hold every commune of the province.
    visible = _scope(request).cases(Case.objects.all())
    return AdminUnit.objects.filter(pk__in=visible.values("unit")).order_by("name")


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    zone = django_filters.ModelChoiceFilter(
        field_name="phase__zone",
        queryset=_zones,
        label=_("Zone or cluster"),
        empty_label=_("All"),
    )
    phase = django_filters.ModelChoiceFilter(
        queryset=_phases,
        label=_("Phase"),
        empty_label=_("All"),
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=_communes,
        label=_("Commune"),
        empty_label=_("All"),
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"), empty_label=_("All"))
    kind = django_filters.ChoiceFilter(choices=Case.Kind.choices, label=_("Kind"), empty_label=_("All"))
    synthetic = django_filters.ChoiceFilter(
        method="filter_synthetic",
        choices=[("yes", _("Synthetic only")), ("no", _("Real only"))],
        label=_("Data"),
        empty_label=_("All"),
    )

    class Meta:
        model = Case
        fields = ["q", "zone", "phase", "unit", "stage", "kind", "synthetic"]

    def filter_search(self, queryset, name, value):
        return search_cases(queryset, value)

    def filter_synthetic(self, queryset, name, value):
        return queryset.filter(is_synthetic=(value == "yes"))
