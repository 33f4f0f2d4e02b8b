"""Back office for site clearance: a case with everything it holds on one page, history kept."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clearance import rollups
from clearance.land_use import Group, format_uses, nomenclature, parse_land_uses, uses_with_areas
from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    Complaint,
    InventoryImport,
    LandParcel,
    LandParcelUse,
    Payment,
    ProgressReport,
    RegistryDay,
    RegistryTotal,
    ResettlementPlot,
    StageEvent,
)
from clearance.services.parcels import parcel_set_uses

# The history's change reason of what the admin writes through a form's extra field.
ADMIN_REASON = "admin"


class ReadOnlyAdmin:
    """Shown, never typed: rows another path writes (a parcel's uses, the registry rollups)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegistryRollupsAdmin:
    """One refresh of the registry rollups per admin request, inside its transaction (clearance.rollups):
    a case saved with its inlines, or deleted with everything on it, is counted once."""

    def changeform_view(self, *args, **kwargs):
        with transaction.atomic(), rollups.batch():
            return super().changeform_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with transaction.atomic(), rollups.batch():
            return super().delete_view(*args, **kwargs)

    def changelist_view(self, *args, **kwargs):  # list actions such as "delete selected"
        with transaction.atomic(), rollups.batch():
            return super().changelist_view(*args, **kwargs)

    def history_form_view(self, *args, **kwargs):  # reverting to an old version
        with transaction.atomic(), rollups.batch():
            return super().history_form_view(*args, **kwargs)


class LandParcelForm(forms.ModelForm):
    """A parcel with its land uses typed as a certificate writes them: “LUC”, or “ONT 200; CLN 250”."""

    land_uses = forms.CharField(
        label=_("Land use"),
        max_length=200,
        help_text=_("A code (LUC), or each use with its area in m², adding up to the parcel's area: ONT 200; CLN 250."),
    )

    class Meta:
        model = LandParcel
        fields = [
            "case",
            "sheet_unit",
            "map_sheet_no",
            "parcel_no",
            "area_m2",
            "recovered_area_m2",
            "land_uses",
            "land_origin",
            "certificate_no",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            stored = [(use.land_use_code, use.area_m2) for use in self.instance.uses.all()]
            self.initial.setdefault("land_uses", format_uses(stored) if stored else "")

    def clean(self):
        cleaned = super().clean()
        text, area = cleaned.get("land_uses"), cleaned.get("area_m2")
        if text:
            try:
                uses = parse_land_uses(text)
                if area:
                    cleaned["land_uses"] = uses_with_areas(uses, parcel_area_m2=area)
            except ValidationError as error:
                self.add_error("land_uses", error)
        return cleaned

    def save_uses(self, user, reason):
        parcel_set_uses(parcel=self.instance, uses=self.cleaned_data["land_uses"], user=user, reason=reason)


class LandParcelInline(admin.TabularInline):
    model = LandParcel
    form = LandParcelForm
    fields = [
        "sheet_unit",
        "map_sheet_no",
        "parcel_no",
        "area_m2",
        "recovered_area_m2",
        "land_uses",
        "certificate_no",
    ]
    autocomplete_fields = ["sheet_unit"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("uses")


class AssetInline(admin.TabularInline):
    model = Asset
    fields = ["kind", "description", "quantity", "unit_of_measure"]
    extra = 0


class StageEventInline(admin.TabularInline):
    model = StageEvent
    fields = ["kind", "happened_on", "doc_type", "doc_number", "doc_date", "doc_issuer"]
    extra = 0


class CompensationItemInline(admin.TabularInline):
    model = CompensationItem
    fields = ["component", "description", "amount_vnd"]
    extra = 0


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ["paid_on", "amount_vnd", "doc_number", "note"]
    extra = 0


class ComplaintInline(admin.TabularInline):
    model = Complaint
    fields = ["received_on", "summary", "status", "resolved_on", "resolution"]
    extra = 0


@admin.register(Case)
class CaseAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "stage", "phase", "unit", "village", "is_synthetic", "updated_at"]
    list_filter = ["stage", "kind", "is_synthetic", ("phase__zone", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["phase__zone", "unit"]
    search_fields = ["search_text", "name", "code", "id_number"]
    autocomplete_fields = ["phase", "unit"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [
        LandParcelInline,
        AssetInline,
        StageEventInline,
        CompensationItemInline,
        PaymentInline,
        ComplaintInline,
    ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is LandParcel:
            for parcel_form in formset.forms:
                deleted = formset._should_delete_form(parcel_form)
                if parcel_form.has_changed() and parcel_form.instance.pk and not deleted:
                    parcel_form.save_uses(request.user, ADMIN_REASON)


class LandUseGroupFilter(admin.SimpleListFilter):
    title = _("land group")
    parameter_name = "land_group"

    def lookups(self, request, model_admin):
        return Group.choices

    def queryset(self, request, queryset):
        if self.value() in Group.values:
            codes = [use.code for use in nomenclature().values() if use.group == self.value()]
            return queryset.filter(uses__land_use_code__in=codes).distinct()
        return queryset


@admin.register(LandParcel)
class LandParcelAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    form = LandParcelForm
    fields = LandParcelForm.Meta.fields
    list_display = [
        "__str__",
        "sheet_unit",
        "case",
        "area_m2",
        "recovered_area_m2",
        "land_uses",
        "certificate_no",
    ]
    list_filter = [LandUseGroupFilter]
    list_select_related = ["sheet_unit", "case"]
    # Typing "12 345" finds sheet 12, parcel 345: each word may match either number.
    # A land-use code (ONT) finds the parcels with that use.
    search_fields = [
        "map_sheet_no__exact",
        "parcel_no__exact",
        "certificate_no",
        "case__code",
        "case__search_text",
        "uses__land_use_code__iexact",
    ]
    autocomplete_fields = ["case", "sheet_unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("uses")

    @admin.display(description=_("land use"))
    def land_uses(self, parcel):
        return format_uses((use.land_use_code, use.area_m2) for use in parcel.uses.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_uses(request.user, ADMIN_REASON)


@admin.register(LandParcelUse)
class LandParcelUseAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only with its history: a parcel's uses are edited on the parcel, where their sum is checked."""

    list_display = ["parcel", "land_use_code", "area_m2"]
    list_select_related = ["parcel__case", "parcel__sheet_unit"]
    search_fields = ["land_use_code__iexact", "parcel__case__code"]
    autocomplete_fields = ["parcel"]


@admin.register(Asset)
class AssetAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["kind", "description", "quantity", "unit_of_measure", "case"]
    list_filter = ["kind"]
    list_select_related = ["case"]
    search_fields = ["description", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]


@admin.register(StageEvent)
class StageEventAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["kind", "happened_on", "case", "doc_type", "doc_number", "doc_issuer", "recorded_at"]
    list_filter = ["kind", "doc_type"]
    list_select_related = ["case"]
    search_fields = ["doc_number", "doc_issuer", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]
    readonly_fields = ["recorded_at"]
    date_hierarchy = "happened_on"


@admin.register(CompensationItem)
class CompensationItemAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["component", "amount_vnd", "description", "case"]
    list_filter = ["component"]
    list_select_related = ["case"]
    search_fields = ["description", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]


@admin.register(Payment)
class PaymentAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["paid_on", "amount_vnd", "case", "doc_number", "note"]
    list_select_related = ["case"]
    search_fields = ["doc_number", "note", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]
    date_hierarchy = "paid_on"


@admin.register(ResettlementPlot)
class ResettlementPlotAdmin(RegistryRollupsAdmin, SimpleHistoryAdmin):
    list_display = ["resettlement_area", "plot_no", "area_m2", "case", "allocated_on"]
    list_filter = ["resettlement_area"]
    list_select_related = ["case"]
    search_fields = ["resettlement_area", "plot_no", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = [
        "reported_on",
        "phase",
        "unit",
        "status",
        "cases_counted",
        "cases_paid",
        "amount_paid_vnd",
        "area_handed_over_ha",
        "source",
        "reported_by",
        "reviewed_by",
    ]
    list_filter = ["status", ("phase__zone", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["phase__zone", "unit", "source", "reported_by", "reviewed_by"]
    search_fields = ["phase__zone__search_text", "phase__zone__name", "unit__search_text", "source__title"]
    autocomplete_fields = ["phase", "unit", "source", "reported_by", "reviewed_by", "corrects"]
    readonly_fields = ["created_at"]
    date_hierarchy = "reported_on"


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["case", "received_on", "status", "resolved_on"]
    list_filter = ["status"]
    list_select_related = ["case"]
    search_fields = ["summary", "resolution", "case__code", "case__search_text"]
    autocomplete_fields = ["case"]
    date_hierarchy = "received_on"


@admin.register(InventoryImport)
class InventoryImportAdmin(admin.ModelAdmin):
    """Uploads are kept as they came: the admin lists and shows them, it never edits the file or its counts.

    The uploaded bytes stay in the database; the admin shows their size, never the content.
    """

    list_display = [
        "file_name",
        "file_format",
        "phase",
        "status",
        "rows_total",
        "rows_created",
        "rows_updated",
        "uploaded_by",
        "uploaded_at",
        "applied_at",
    ]
    list_filter = ["status", "file_format"]
    list_select_related = ["phase__zone", "uploaded_by"]
    search_fields = ["file_name", "sha256", "uploaded_by__username"]
    autocomplete_fields = ["phase", "uploaded_by"]
    fields = [
        "file_name",
        "file_format",
        "file_size",
        "sha256",
        "phase",
        "uploaded_by",
        "uploaded_at",
        "status",
        "rows_total",
        "rows_created",
        "rows_updated",
        "applied_at",
    ]
    readonly_fields = fields
    date_hierarchy = "uploaded_at"

    def get_queryset(self, request):
        # The content can be megabytes: never load it for a list or a page, only its length.
        return super().get_queryset(request).defer("content", "preview").annotate(content_bytes=Length("content"))

    @admin.display(description=_("file size"))
    def file_size(self, upload):
        return filesizeformat(upload.content_bytes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An applied import is the record of who wrote which rows; only an unapplied preview may go.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == InventoryImport.Status.PREVIEWED
        )


class RegistryRollupAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The rollups are computed, never typed: shown to check them, refreshed by every write (clearance.rollups)."""

    list_filter = ["phase__zone"]
    list_select_related = ["phase__zone", "unit"]
    autocomplete_fields = ["phase", "unit"]


@admin.register(RegistryTotal)
class RegistryTotalAdmin(RegistryRollupAdmin):
    list_display = ["phase", "unit", "cases", "synthetic", "area_m2", "graves"]


@admin.register(RegistryDay)
class RegistryDayAdmin(RegistryRollupAdmin):
    list_display = ["phase", "unit", "day", "counted", "approved", "paid", "paid_vnd", "handed_over", "handed_over_m2"]
    date_hierarchy = "day"
