"""Back office for units, sources, zones and phases; every change is kept in the history."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zones.models import (
    AdminUnit,
    CalendarOverride,
    Investor,
    Phase,
    Source,
    StaffProfile,
    SummaryFigure,
    UnitSuccession,
    Zone,
    ZoneDocument,
)

admin.site.site_header = _("LSIP administration")
admin.site.site_title = _("LSIP administration")
admin.site.index_title = _("Data of industrial zones, clusters and site clearance")


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "published_on", "date_precision", "is_synthetic"]
    list_filter = ["is_synthetic", "date_precision"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"
    # Addresses typed without a scheme are taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "old"
    autocomplete_fields = ["new"]
    extra = 0
    verbose_name = _("became")
    verbose_name_plural = _("became (units after the 2025 reform)")


class PredecessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "new"
    autocomplete_fields = ["old"]
    extra = 0
    verbose_name = _("formed from")
    verbose_name_plural = _("formed from (units before the 2025 reform)")


@admin.register(AdminUnit)
class AdminUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit_type", "level", "structure", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "structure"]
    list_select_related = ["parent"]
    # search_text is the name without diacritics, so "huu lung" finds "Hữu Lũng";
    # name keeps a query typed with diacritics working too.
    search_fields = ["search_text", "name", "code__exact"]
    autocomplete_fields = ["parent"]
    inlines = [SuccessorInline, PredecessorInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["old", "new", "partial"]
    list_filter = ["partial"]
    list_select_related = ["old", "new"]
    search_fields = ["old__search_text", "old__name", "new__search_text", "new__name"]
    autocomplete_fields = ["old", "new"]


@admin.register(Investor)
class InvestorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["search_text", "name", "short_name"]


class PhaseInline(admin.TabularInline):
    model = Phase
    fields = ["number", "name", "area_ha", "area_qualifier", "source", "clearance_lead", "clearance_target_on"]
    autocomplete_fields = ["source"]
    extra = 0


class ZoneDocumentInline(admin.TabularInline):
    model = ZoneDocument
    fields = ["purpose", "doc_type", "doc_number", "doc_date", "doc_issuer"]
    extra = 0


@admin.register(Zone)
class ZoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "unit", "planned_area_ha", "investor", "source"]
    list_filter = ["kind", "status", "planned_area_qualifier"]
    list_select_related = ["unit", "investor", "source"]
    search_fields = ["search_text", "name", "location"]
    autocomplete_fields = ["unit", "investor", "source"]
    inlines = [PhaseInline, ZoneDocumentInline]


@admin.register(ZoneDocument)
class ZoneDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["doc_number", "purpose", "zone", "doc_type", "doc_date", "doc_issuer"]
    list_filter = ["purpose", "doc_type"]
    list_select_related = ["zone"]
    search_fields = ["doc_number", "doc_issuer", "zone__search_text", "zone__name"]
    autocomplete_fields = ["zone"]
    date_hierarchy = "doc_date"


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ["zone", "number", "name", "area_ha", "area_qualifier", "source"]
    list_filter = ["zone__kind"]
    search_fields = ["zone__search_text", "zone__name", "name"]
    autocomplete_fields = ["zone", "source"]

    def get_queryset(self, request):
        # A phase's name is built from its zone's, and the autocomplete lists phases by name.
        # The changelist skips list_select_related once the queryset joins, so join everything here.
        return super().get_queryset(request).select_related("zone", "source")


@admin.register(SummaryFigure)
class SummaryFigureAdmin(SimpleHistoryAdmin):
    list_display = ["metric", "qualifier", "value", "source"]
    list_filter = ["metric", "qualifier"]
    list_select_related = ["source"]
    search_fields = ["source__title"]
    autocomplete_fields = ["source"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    """Notices the holidays library does not know yet, and local days off (ethnic minorities' Tết, special cases)."""

    list_display = ["date", "kind", "name", "notice", "notice_date"]
    list_filter = ["kind"]
    search_fields = ["name", "notice", "note"]
    date_hierarchy = "date"


# ---- staff accounts --------------------------------------------------------------------------


def _units_list(profile):
    # Read from the prefetched rows: one query for the whole page, not one per profile.
    return ", ".join(unit.name for unit in profile.units.all()) or "—"


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "units_covered", "investor"]
    list_filter = ["role"]
    list_select_related = ["user", "investor"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "units__search_text"]
    autocomplete_fields = ["user", "units", "investor"]

    def get_queryset(self, request):
        units = Prefetch("units", queryset=AdminUnit.objects.order_by("name"))
        return super().get_queryset(request).select_related("user", "investor").prefetch_related(units)

    @admin.display(description=_("units covered"))
    def units_covered(self, profile):
        return _units_list(profile)


class StaffProfileInline(admin.StackedInline):
    """A portal account's role and area, edited on the user's own page."""

    model = StaffProfile
    fields = ["role", "units", "investor"]
    autocomplete_fields = ["units", "investor"]
    can_delete = True
    extra = 0
    max_num = 1


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
    list_display = [*UserAdmin.list_display, "portal_role"]
    list_filter = [*UserAdmin.list_filter, "staff_profile__role"]
    list_select_related = ["staff_profile"]

    @admin.display(description=_("role"), ordering="staff_profile__role")
    def portal_role(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"
