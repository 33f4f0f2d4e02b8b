import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clearance.land_use import Group, land_use_choices, nomenclature
from clearance.models import Case, LandParcelUse, ProgressReport, RegistryTotal, Stage
from clearance.read.bottlenecks import parse_week, week_start
from clearance.read.cases import search_cases
from clearance.read.registry import scope_filter
from clearance.read.reported import accepted_reports
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
    # Only communes that have cases in the user's area, as the registry rollups hold them (a row per
    # phase and commune, not per case): the list would otherwise hold every commune of the country.
    held = RegistryTotal.objects.filter(scope_filter(_scope(request)), cases__gt=0).values("unit")
    return AdminUnit.objects.filter(pk__in=held).order_by("name")


def _attrs(attrs):
    """HTML attributes as Django's attrs.html writes them: False left out, True as a bare name."""
    return format_html_join(
        "",
        " {}",
        (
            (name if value is True else format_html('{}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A <select> written in one pass, the same HTML as Django's template for it.

    Django renders each <option> through a template of its own: over a country's thousand
    communes and hundreds of phases that is seconds per page, more than everything else on it.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in context["optgroups"]:
            html = format_html_join(
                "", '<option value="{}"{}>{}</option>', ((o["value"], _attrs(o["attrs"]), o["label"]) for o in options)
            )
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
        return format_html(
            '<select name="{}"{}>{}</select>', context["name"], _attrs(context["attrs"]), mark_safe("".join(groups))
        )


class QuickSelectFilterSet(django_filters.FilterSet):
    """A filter set whose plain drop-down lists are QuickSelects."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.__class__ = QuickSelect
        return form


# What each overdue choice keeps, on CaseQuerySet.with_deadlines() annotations.
OVERDUE_NOW = Q(decision_overdue_now=True) | Q(payment_overdue_now=True)
DONE_LATE = Q(decision_late=True) | Q(payment_late=True)
OVERDUE_KINDS = {
    "now": OVERDUE_NOW,
    "late": DONE_LATE,
    "decision_now": Q(decision_overdue_now=True),
    "payment_now": Q(payment_overdue_now=True),
    "decision_late": Q(decision_late=True),
    "payment_late": Q(payment_late=True),
}
OVERDUE_CHOICES = [
    ("now", _("Overdue now (any deadline)")),
    ("late", _("Done late (any deadline)")),
    ("decision_now", _("Recovery decision overdue")),
    ("payment_now", _("Payment overdue")),
    ("decision_late", _("Recovery decision made late")),
    ("payment_late", _("Paid late (interest owed)")),
]


def _synthetic_filter():
    return django_filters.ChoiceFilter(
        method="filter_synthetic",
        choices=[("yes", _("Synthetic only")), ("no", _("Real only"))],
        label=_("Data"),
        empty_label=_("All"),
    )


class CaseFilter(QuickSelectFilterSet):
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
    land_group = django_filters.ChoiceFilter(
        method="filter_land_group", choices=Group.choices, label=_("Land group"), empty_label=_("All")
    )
    land_use = django_filters.ChoiceFilter(
        method="filter_land_use", choices=land_use_choices, label=_("Land use"), empty_label=_("All")
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", choices=OVERDUE_CHOICES[:2], label=_("Deadlines"), empty_label=_("All")
    )
    synthetic = _synthetic_filter()

    class Meta:
        model = Case
        fields = ["q", "zone", "phase", "unit", "stage", "kind", "land_group", "land_use", "overdue", "synthetic"]

    def __init__(self, data=None, queryset=None, *, today=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Fixed by tests; the pages leave it to the local date.
        self.today = today or timezone.localdate()

    def filter_search(self, queryset, name, value):
        return search_cases(queryset, value)

    def filter_land_group(self, queryset, name, value):
        """Cases with a parcel of which any use is of the group: a two-use parcel counts in both."""
        return _with_land_uses(queryset, [use.code for use in nomenclature().values() if use.group == value])

    def filter_land_use(self, queryset, name, value):
        """Cases with a parcel of this use, written with the code or with an old code that maps to it."""
        return _with_land_uses(
            queryset, [use.code for use in nomenclature().values() if value in (use.code, use.maps_to)]
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.with_deadlines(today=self.today).filter(OVERDUE_KINDS[value])

    def filter_synthetic(self, queryset, name, value):
        return queryset.filter(is_synthetic=(value == "yes"))


def _with_land_uses(queryset, codes):
    uses = LandParcelUse.objects.filter(parcel__case=OuterRef("pk"), land_use_code__in=codes)
    return queryset.filter(Exists(uses))


# --- the bottleneck lists ------------------------------------------------------------------------


class BottleneckFilter(QuickSelectFilterSet):
    """Zone, phase and commune of the case: what every bottleneck list filters by.

    `case_path` leads from the listed rows to their case ("case__" for complaints).
    """

    case_path = ""

    zone = django_filters.ModelChoiceFilter(
        field_name="phase__zone", queryset=_zones, label=_("Zone or cluster"), empty_label=_("All")
    )
    phase = django_filters.ModelChoiceFilter(queryset=_phases, label=_("Phase"), empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(queryset=_communes, label=_("Commune"), empty_label=_("All"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.filters.values():
            if not bound.method:
                bound.field_name = self.case_path + bound.field_name

    def filter_synthetic(self, queryset, name, value):
        return queryset.filter(**{f"{self.case_path}is_synthetic": value == "yes"})


class CaseBottleneckFilter(BottleneckFilter):
    """A list of cases (or of rows of one case): also by stage and by synthetic or real data."""

    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"), empty_label=_("All"))
    synthetic = _synthetic_filter()


class OverdueFilter(CaseBottleneckFilter):
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue", choices=OVERDUE_CHOICES, label=_("Deadline"), empty_label=_("All")
    )

    def filter_overdue(self, queryset, name, value):
        # The list is already annotated by with_deadlines(); only the choice's condition is added.
        return queryset.filter(OVERDUE_KINDS[value])


class ComplaintFilter(CaseBottleneckFilter):
    case_path = "case__"


STUCK_DAYS_ERROR = _("Enter a whole number of days from 1 to 3650.")


class StuckForm(forms.Form):
    stuck_days = forms.IntegerField(
        label=_("Stuck for more than (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), STUCK_DAYS_ERROR),
    )

    def days(self):
        """The days asked for, or LSIP_STUCK_DAYS when none or a wrong number was given."""
        return (self.is_valid() and self.cleaned_data["stuck_days"]) or settings.LSIP_STUCK_DAYS


class WeekField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "week"})
    default_error_messages = {"invalid": _("Enter a week as the week picker writes it, e.g. 2025-W27.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        monday = parse_week(value)
        if monday is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return monday


class WeekForm(forms.Form):
    week = WeekField(label=_("Week"), required=False)

    def monday(self, today):
        """The Monday of the week asked for, or of the week holding today when none or a wrong one was given."""
        return (self.is_valid() and self.cleaned_data["week"]) or week_start(today)


def _reporting_units(request):
    reports = _scope(request).reports(ProgressReport.objects.all())
    return AdminUnit.objects.filter(pk__in=reports.values("unit")).order_by("name")


class ReportCheckFilter(QuickSelectFilterSet):
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
