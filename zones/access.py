"""Who may see and change what: the one place every view, table, export and form asks.

A scope is worked out once per request from the user's StaffProfile:
- administrators (superusers or the admin role) and provincial officers see the whole province;
- local staff see the units they cover: a legacy district covers its communes, and a unit's
  old and new records both count (a legacy commune brings the 2025 units it became, a 2025
  commune the legacy communes it came from; a commune split between two 2025 communes counts
  for both, and both see its old records);
- investors see their own zones;
- anyone else sees nothing.
Objects outside the scope answer 404, as if they did not exist.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import get_object_or_404

from zones.models import AdminUnit, Phase, StaffProfile, UnitSuccession, Zone

Role = StaffProfile.Role


@dataclass(frozen=True)
class Scope:
    role: str | None
    unit_ids: frozenset | None  # None: the whole province
    investor_id: int | None = None
    # What the header shows: the units the account was given (not everything they cover), its investor.
    unit_names: tuple = ()
    investor_name: str = ""

    @property
    def role_label(self):
        return Role(self.role).label if self.role else ""

    # --- what the role may do ---------------------------------------------------------------

    @property
    def sees_everything(self):
        return self.unit_ids is None

    @property
    def can_edit_cases(self):
        return self.role in (Role.LOCAL_STAFF, Role.ADMIN)

    @property
    def can_submit_reports(self):
        return self.role in (Role.LOCAL_STAFF, Role.ADMIN)

    @property
    def can_sign_off(self):
        return self.role in (Role.PROVINCIAL_OFFICER, Role.ADMIN)

    @property
    def can_import(self):
        return self.role in (Role.LOCAL_STAFF, Role.ADMIN)

    def covers_unit(self, unit_id):
        return self.unit_ids is None or unit_id in self.unit_ids

    # --- what the role may see --------------------------------------------------------------

    def units(self, queryset=None):
        queryset = AdminUnit.objects.all() if queryset is None else queryset
        return queryset if self.unit_ids is None else queryset.filter(pk__in=self.unit_ids)

    def zones(self, queryset=None):
        queryset = Zone.objects.all() if queryset is None else queryset
        if self.role == Role.INVESTOR:
            return queryset.filter(investor_id=self.investor_id)
        if self.unit_ids is None:
            return queryset
        # A zone is also in the area of the communes that hold cases of its phases (`Phase.cases`).
        with_cases = Phase.objects.filter(cases__unit_id__in=self.unit_ids).values("zone_id")
        return queryset.filter(Q(unit_id__in=self.unit_ids) | Q(pk__in=with_cases))

    def phases(self, queryset):
        if self.unit_ids is None and self.role != Role.INVESTOR:
            return queryset
        return queryset.filter(zone__in=self.zones().values("pk"))

    def cases(self, queryset):
        if self.role == Role.INVESTOR:
            return queryset.filter(phase__zone__investor_id=self.investor_id)
        return queryset if self.unit_ids is None else queryset.filter(unit_id__in=self.unit_ids)

    def reports(self, queryset):
        if self.role == Role.INVESTOR:
            return queryset.filter(phase__zone__investor_id=self.investor_id)
        return queryset if self.unit_ids is None else queryset.filter(unit_id__in=self.unit_ids)

    def scoped(self, queryset):
        """The rows of queryset this scope may see; rows that hang on a case or a phase follow it."""
        model = queryset.model
        direct = {
            "Zone": self.zones,
            "Phase": self.phases,
            "Case": self.cases,
            "ProgressReport": self.reports,
            "AdminUnit": self.units,
        }.get(model.__name__)
        if direct is not None:
            return direct(queryset)
        field_names = {field.name for field in model._meta.get_fields()}
        if "case" in field_names:
            case_model = model._meta.get_field("case").related_model
            return queryset.filter(case__in=self.cases(case_model.objects.all()).values("pk"))
        if "phase" in field_names:
            return queryset.filter(phase__in=self.phases(Phase.objects.all()).values("pk"))
        raise TypeError(f"No access rule for {model.__name__}: add one to zones/access.py.")

    def get_or_404(self, queryset, **lookup):
        """The object, if this scope may see it; 404 otherwise, exactly as for a missing one."""
        return get_object_or_404(self.scoped(queryset), **lookup)


NOBODY = Scope(role=None, unit_ids=frozenset())


def scope_for(user):
    """The user's scope, worked out once and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, "_lsip_scope", None)
    if cached is None:
        cached = user._lsip_scope = _compute_scope(user)
    return cached


def _compute_scope(user):
    if user.is_superuser:
        return Scope(role=Role.ADMIN, unit_ids=None)
    profile = StaffProfile.objects.filter(user=user).select_related("investor").first()
    if profile is None:
        return NOBODY
    if profile.role in (Role.ADMIN, Role.PROVINCIAL_OFFICER):
        return Scope(role=profile.role, unit_ids=None)
    if profile.role == Role.INVESTOR:
        return Scope(
            role=profile.role,
            unit_ids=frozenset(),
            investor_id=profile.investor_id,
            investor_name=str(profile.investor),
        )
    units = list(profile.units.order_by("name"))
    return Scope(role=profile.role, unit_ids=covered_unit_ids(units), unit_names=tuple(unit.name for unit in units))


def covered_unit_ids(units):
    """The ids of the given units and of everything they cover (None for the whole province)."""
    units = list(units)
    if any(unit.level == AdminUnit.Level.PROVINCE for unit in units):
        return None
    ids = {unit.pk for unit in units}
    districts = [unit.pk for unit in units if unit.level == AdminUnit.Level.DISTRICT]
    legacy = {unit.pk for unit in units if unit.structure == AdminUnit.Structure.LEGACY}
    legacy |= set(AdminUnit.objects.filter(parent_id__in=districts).values_list("pk", flat=True))
    current = {unit.pk for unit in units if unit.structure == AdminUnit.Structure.CURRENT}
    ids |= legacy
    ids |= set(UnitSuccession.objects.filter(old_id__in=legacy).values_list("new_id", flat=True))
    ids |= set(UnitSuccession.objects.filter(new_id__in=current).values_list("old_id", flat=True))
    return frozenset(ids)
