"""Forms for case updates: they check and normalise what was typed; the rules live in clearance.rules."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearance import rules
from clearance.models import Stage, StageEvent

DATE_ERRORS = {"invalid": gettext_lazy("Write the date as dd/mm/yyyy, for example 15/03/2025.")}
# Số / ký hiệu: the number, a slash, then the symbol of the act and of its issuer.
DOC_NUMBER = RegexValidator(
    r"^\d+[\w.]*/\S+$", gettext_lazy("Write the document number as number/symbol, for example 123/QĐ-UBND.")
)
BIGINT_MAX = 2**63 - 1


class DateField(forms.DateField):
    """dd/mm/yyyy as the province writes it; a phone's date picker sends yyyy-mm-dd, also accepted."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", DATE_ERRORS)
        super().__init__(**kwargs)


class VndField(forms.CharField):
    """Whole đồng, with or without grouping: 150.000.000, 150,000,000 or 150000000."""

    GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = re.sub(r"\s*(₫|đ|đồng|vnd)$", "", text.strip(), flags=re.IGNORECASE)
        if not (text.isdigit() or self.GROUPED.match(text)):
            raise forms.ValidationError(_("Write the amount in whole đồng, for example 150.000.000."), code="invalid")
        amount = int(re.sub(r"\D", "", text))
        if amount <= 0:
            raise forms.ValidationError(_("A payment must be greater than zero."), code="min_value")
        if amount > BIGINT_MAX:
            raise forms.ValidationError(_("This amount is too large."), code="max_value")
        return amount


def _not_in_future(day, what):
    # The dates of the steps themselves are the rules' business (clearance.rules); this one is not.
    today = timezone.localdate()
    if day and day > today:
        raise forms.ValidationError(
            _("The %(what)s (%(day)s) cannot be in the future: today is %(today)s.")
            % {
                "what": what,
                "day": date_format(day, "SHORT_DATE_FORMAT"),
                "today": date_format(today, "SHORT_DATE_FORMAT"),
            }
        )
    return day


class CaseChangeForm(forms.Form):
    """Every change carries the case version it was made from, and says why."""

    reason = forms.CharField(
        label=gettext_lazy("Reason / note"),
        max_length=100,
        help_text=gettext_lazy("Kept in the case's history with your name and the time (at most 100 characters)."),
    )
    # Localized both ways, so version 1.000 (grouped by the Vietnamese format) reads back as 1000.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, localize=True)

    def service_arguments(self):
        """The cleaned data as the service takes it: the version becomes expected_version."""
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class DocumentForm(CaseChangeForm):
    happened_on = DateField(label=gettext_lazy("Date of the step"))
    doc_type = forms.ChoiceField(label=gettext_lazy("Document type"), choices=StageEvent.DocType.choices)
    doc_number = forms.CharField(
        label=gettext_lazy("Document number"),
        max_length=60,
        validators=[DOC_NUMBER],
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
    )
    doc_date = DateField(
        label=gettext_lazy("Document date"),
        required=False,
        help_text=gettext_lazy("Leave empty when the document is dated the day of the step."),
    )
    doc_issuer = forms.CharField(
        label=gettext_lazy("Issuing body"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "UBND huyện Hữu Lũng"}),
    )

    field_order = ["stage", "kind", "happened_on", "doc_type", "doc_number", "doc_date", "doc_issuer", "reason"]

    def clean_doc_date(self):
        return _not_in_future(self.cleaned_data["doc_date"], _("document date"))

    def clean_doc_number(self):
        return " ".join(self.cleaned_data["doc_number"].split())


class AdvanceForm(DocumentForm):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.choices)


class SideEventForm(DocumentForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Event"),
        choices=[(kind.value, kind.label) for kind in rules.SIDE_EVENTS],
    )
    # 24-hour clock, as the province writes it: 08:30, or 8h30; a phone's time picker sends 08:30.
    start_time = forms.TimeField(
        label=gettext_lazy("Start time"),
        required=False,
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": gettext_lazy("Write the time as hh:mm on the 24-hour clock, for example 08:30.")},
        help_text=gettext_lazy("When the enforcement began, if known: never between 22:00 and 06:00."),
    )

    field_order = ["kind", "happened_on", "start_time", "doc_type", "doc_number", "doc_date", "doc_issuer", "reason"]


class PaymentForm(CaseChangeForm):
    paid_on = DateField(label=gettext_lazy("Paid on"))
    amount_vnd = VndField(
        label=gettext_lazy("Amount (VND)"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "150.000.000", "maxlength": 40}),
    )
    doc_number = forms.CharField(
        label=gettext_lazy("Document number"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("The payment voucher or the decision it pays, if there is one."),
    )

    field_order = ["paid_on", "amount_vnd", "doc_number", "reason"]


class ComplaintForm(CaseChangeForm):
    received_on = DateField(label=gettext_lazy("Received on"))
    summary = forms.CharField(label=gettext_lazy("Content of the complaint"), widget=forms.Textarea(attrs={"rows": 4}))

    field_order = ["received_on", "summary", "reason"]


class ComplaintResolveForm(CaseChangeForm):
    resolved_on = DateField(label=gettext_lazy("Resolved on"))
    resolution = forms.CharField(label=gettext_lazy("Resolution"), widget=forms.Textarea(attrs={"rows": 4}))

    field_order = ["resolved_on", "resolution", "reason"]
