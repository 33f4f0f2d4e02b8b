"""Forms of the progress reports: validate and normalise only; the services write."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clearance.models import ProgressReport
from clearance.services.reports import FIGURE_FIELDS, REPORTING_LEVELS, report_problems
from zones.models import AdminUnit, Phase

# Large enough for any real figure, small enough for the database columns.
MAX_COUNT = 2_147_483_647
MAX_VND = 10**15


def _count_field(label, help_text=""):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter a whole number, for example 495."),
            "min_value": _("Enter zero or more."),
            "max_value": _("This number is too large."),
        },
    )


def _vnd_field(label):
    return forms.IntegerField(
        label=label,
        help_text=_("In whole đồng; commas between thousands are fine: 291,290,000,000"),
        required=False,
        min_value=0,
        max_value=MAX_VND,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter an amount in whole đồng, for example 291.290.000.000."),
            "min_value": _("Enter zero or more."),
            "max_value": _("This amount is too large."),
        },
    )


def _hectare_field(label):
    return forms.DecimalField(
        label=label,
        help_text=_("In hectares, with a point before decimals: 127.49"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter an area in hectares, for example 127,49."),
            "min_value": _("Enter zero or more."),
            "max_decimal_places": _("Give hectares with at most two decimals, for example 127,49."),
            "max_digits": _("This area is too large."),
            "max_whole_digits": _("This area is too large."),
        },
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        if unit.structure == AdminUnit.Structure.LEGACY:
            if unit.parent_id and unit.parent.level == AdminUnit.Level.DISTRICT:
                return _("%(unit)s, %(district)s (before 1 July 2025)") % {"unit": unit.name, "district": unit.parent}
            return _("%(unit)s (before 1 July 2025)") % {"unit": unit.name}
        return unit.name


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, phase):
        return str(phase)


class ReportForm(forms.Form):
    """A unit's survey counts for a phase as of a date; for a correction, phase and unit are fixed."""

    phase = PhaseChoiceField(label=_("Project phase"), queryset=Phase.objects.none(), empty_label=_("Choose…"))
    unit = UnitChoiceField(label=_("Reporting unit"), queryset=AdminUnit.objects.none(), empty_label=_("Choose…"))
    reported_on = forms.DateField(
        label=_("Figures as of"),
        help_text=_("dd/mm/yyyy"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, for example 10/03/2025.")},
    )
    cases_total = _count_field(_("Affected cases"), _("Households, individuals and organisations in the project."))
    cases_counted = _count_field(_("Cases counted"), _("Cases whose survey count (kiểm đếm) is done."))
    area_counted_ha = _hectare_field(_("Area counted (ha)"))
    plans_approved_cases = _count_field(_("Plans approved (cases)"))
    plans_approved_vnd = _vnd_field(_("Plans approved (VND)"))
    cases_paid = _count_field(_("Cases paid"))
    amount_paid_vnd = _vnd_field(_("Amount paid (VND)"))
    area_handed_over_ha = _hectare_field(_("Area handed over (ha)"))
    graves_relocated = _count_field(_("Graves relocated"))
    resettlement_plots_allocated = _count_field(_("Resettlement plots allocated"))
    obstacles = forms.CharField(label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposals = forms.CharField(label=_("Proposals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    SECTIONS = (
        (_("What and when"), ("phase", "unit", "reported_on")),
        (_("Survey count"), ("cases_total", "cases_counted", "area_counted_ha")),
        (
            _("Compensation plans and payment"),
            ("plans_approved_cases", "plans_approved_vnd", "cases_paid", "amount_paid_vnd"),
        ),
        (_("Land and resettlement"), ("area_handed_over_ha", "graves_relocated", "resettlement_plots_allocated")),
        (_("Obstacles and proposals"), ("obstacles", "proposals")),
    )

    def __init__(self, *args, scope, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = previous
        if previous is not None:
            # A correction is a new version of the same unit's report on the same phase.
            del self.fields["phase"]
            del self.fields["unit"]
            return
        phases = scope.phases(Phase.objects.select_related("zone")).order_by("zone__name", "number")
        units = (
            scope.units(AdminUnit.objects.filter(level__in=REPORTING_LEVELS))
            .select_related("parent")
            # Today's units first: most reports are about this week.
            .order_by("structure", "level", "name")
        )
        self.fields["phase"].queryset = phases
        self.fields["unit"].queryset = units
        if not self.is_bound:
            for name, queryset in (("phase", phases), ("unit", units)):
                only = list(queryset[:2])
                if len(only) == 1:
                    self.initial.setdefault(name, only[0].pk)
            self.initial.setdefault("reported_on", timezone.localdate())

    def sections(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]

    def clean_reported_on(self):
        day = self.cleaned_data["reported_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                _("The figures cannot be dated after today (%(today)s).")
                % {"today": date_format(today, "SHORT_DATE_FORMAT")}
            )
        return day

    def clean(self):
        cleaned = super().clean()
        phase = self.previous.phase if self.previous else cleaned.get("phase")
        unit = self.previous.unit if self.previous else cleaned.get("unit")
        figures = {name: cleaned.get(name) for name in FIGURE_FIELDS if name not in self.errors}
        # A figure the user still has to fix counts as given: no "enter at least one figure" on top.
        require_figures = not any(name in self.errors for name in FIGURE_FIELDS)
        for field, message in report_problems(
            phase=phase,
            unit=unit,
            reported_on=cleaned.get("reported_on"),
            figures=figures,
            require_figures=require_figures,
        ):
            if field not in self.fields:
                # The unit of a correction is fixed: its validity is a matter of the date.
                field = "reported_on" if field == "unit" else None
            self.add_error(field, message)
        return cleaned

    def service_arguments(self):
        """What the service takes: phase, unit (new reports only), date and figures."""
        return {
            name: self.cleaned_data.get(name)
            for name in ("phase", "unit", "reported_on", *FIGURE_FIELDS)
            if name in self.fields
        }

    @classmethod
    def initial_from(cls, report):
        initial = {name: getattr(report, name) for name in FIGURE_FIELDS}
        initial["reported_on"] = report.reported_on
        return initial


class ReviewForm(forms.Form):
    ACCEPT = "accept"
    RETURN = "return"

    action = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (RETURN, _("Return to the unit"))])
    reason = forms.CharField(
        label=_("Reason for return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: what the unit must check or correct."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.RETURN and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the report is returned, so the unit knows what to correct."))
        return cleaned


class ReportFilter(django_filters.FilterSet):
    LATEST = "latest"

    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.none(), label=_("Phase"), empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(
        queryset=AdminUnit.objects.none(), label=_("Reporting unit"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(choices=ProgressReport.Status.choices, label=_("Status"), empty_label=_("All"))
    versions = django_filters.ChoiceFilter(
        method="filter_versions",
        choices=[(LATEST, _("Latest versions only"))],
        label=_("Versions"),
        empty_label=_("All versions"),
    )

    class Meta:
        model = ProgressReport
        fields = ["phase", "unit", "status", "versions"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["phase"].queryset = scope.phases(Phase.objects.select_related("zone")).order_by(
            "zone__name", "number"
        )
        # Only units that have reported, among the reports the user may see.
        self.filters["unit"].queryset = AdminUnit.objects.filter(
            pk__in=scope.reports(ProgressReport.objects.all()).values("unit")
        ).order_by("name")

    def filter_versions(self, queryset, name, value):
        return queryset.filter(correction__isnull=True) if value == self.LATEST else queryset
