import django_filters
from django.utils.translation import gettext_lazy as _

from clearance.models import Case, Stage
from clearance.queries import search_cases
from zones.models import AdminUnit, Phase, Zone


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    zone = django_filters.ModelChoiceFilter(
        field_name="phase__zone",
        queryset=Zone.objects.order_by("kind", "name"),
        label=_("Zone or cluster"),
        empty_label=_("All"),
    )
    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.select_related("zone").order_by("zone__name", "number"),
        label=_("Phase"),
        empty_label=_("All"),
    )
    unit = django_filters.ModelChoiceFilter(
        # Only communes that have cases: the list would otherwise hold every commune of the province.
        queryset=AdminUnit.objects.filter(pk__in=Case.objects.values("unit")).order_by("name"),
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
