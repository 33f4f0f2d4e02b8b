"""The upload form: the phase (within the user's area) and the file, checked by size and name."""

from django import forms
from django.utils.translation import gettext_lazy

from clearance.inventory.safety import EXTENSIONS, ImportRefused, check_size, file_format
from zones.models import Phase


class ImportUploadForm(forms.Form):
    phase = forms.ModelChoiceField(
        label=gettext_lazy("Phase"),
        queryset=Phase.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a phase of your area.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Inventory list (.xlsx, .xls, .ods or .csv)"),
        error_messages={
            "required": gettext_lazy("Choose the file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": EXTENSIONS}),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = scope.phases(Phase.objects.select_related("zone")).order_by(
            "zone__name", "number"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Size and name are checked before the upload is read into memory.
        try:
            file_format(upload.name)
            check_size(upload.size)
        except ImportRefused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        return upload
