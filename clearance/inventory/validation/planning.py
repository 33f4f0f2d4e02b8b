"""What applying would do: cases and parcels to create or change, and the preview's sample rows."""

from django.utils.translation import gettext as _

from clearance.inventory.validation.base import COLUMNS, _apply
from clearance.inventory.validation.results import SampleRow
from clearance.land_use import format_uses
from clearance.models import Case, LandParcel, LandParcelUse

SAMPLE_SIZE = 20


class Planning:
    """Planning the writes of cases and parcels; part of the validator."""

    def plan_cases(self, cases):
        for data in cases.values():
            if not data.valid:
                continue
            values = {key: value for key, (value, _row) in data.values.items()}
            wanted = {
                "unit_id": data.unit.pk,
                "kind": values.get("kind"),
                "name": values.get("name"),
                "id_number": values.get("id_number"),
                "address": values.get("address"),
                "village": values.get("village"),
            }
            existing = self.existing_cases.get(data.code)
            if existing is None:
                data.case = self.plan.case_by_code[data.code] = Case(
                    phase=self.phase, code=data.code, **{k: v or "" for k, v in wanted.items()}
                )
                data.case.unit_id = data.unit.pk
                self.plan.new_cases.append(data.case)
                self.plan.cases.create += 1
                continue
            data.case = self.plan.case_by_code[data.code] = existing
            changes = _apply(existing, wanted)
            if changes:
                self.plan.changed_cases.append(existing)
                self.plan.cases.update += 1
            else:
                self.plan.cases.unchanged += 1

    def plan_parcels(self, rows, cases):
        existing = self.existing_parcels({(r[3].pk, r[1]["map_sheet_no"], r[1]["parcel_no"]) for r in rows})
        for row, values, data, sheet_unit in rows:
            if data.case is None:
                continue
            key = (sheet_unit.pk, values["map_sheet_no"], values["parcel_no"])
            parcel = existing.get(key)
            uses = values["land_use_code"]
            wanted = {
                "area_m2": values["area_m2"],
                "recovered_area_m2": values["recovered_area_m2"],
                "land_origin": values["land_origin"],
                "certificate_no": values["certificate_no"],
            }
            if parcel is None:
                parcel = LandParcel(
                    sheet_unit=sheet_unit,
                    map_sheet_no=values["map_sheet_no"],
                    parcel_no=values["parcel_no"],
                    **{k: "" if v is None else v for k, v in wanted.items()},
                )
                self.plan.new_parcels.append((parcel, data.code))
                self.plan.parcel_uses.append((parcel, uses))
                self.plan.parcels.create += 1
                self.sample(row, data, sheet_unit, values, "create", [])
                continue
            owner = parcel.case
            if owner.phase_id != self.phase.pk or owner.code != data.code:
                if owner.pk in self.visible_case_ids or self.scope.cases(Case.objects.filter(pk=owner.pk)).exists():
                    message = _("This parcel is already recorded for case %(code)s (%(phase)s).") % {
                        "code": owner.code,
                        "phase": owner.phase,
                    }
                else:
                    message = _("This parcel is already recorded for another case, outside your area.")
                self.error(row, COLUMNS["parcel_no"], values["parcel_no"], message, "parcel_taken")
                continue
            changes = _apply(parcel, wanted)
            if {u.land_use_code: u.area_m2 for u in parcel.uses.all()} != dict(uses):
                self.plan.parcel_uses.append((parcel, uses))
                changes.append(str(LandParcelUse._meta.get_field("land_use_code").verbose_name))
            if changes:
                self.plan.changed_parcels.append(parcel)
                self.plan.parcels.update += 1
                self.sample(row, data, sheet_unit, values, "update", changes)
            else:
                self.plan.parcels.unchanged += 1
                self.sample(row, data, sheet_unit, values, "unchanged", [])

    def existing_parcels(self, keys):
        if not keys:
            return {}
        queryset = (
            LandParcel.objects.filter(sheet_unit_id__in={k[0] for k in keys}, map_sheet_no__in={k[1] for k in keys})
            .select_related("case__phase__zone")
            .prefetch_related("uses")
        )
        if self.lock:
            queryset = queryset.select_for_update(of=("self",))
        return {
            key: parcel
            for parcel in queryset
            if (key := (parcel.sheet_unit_id, parcel.map_sheet_no, parcel.parcel_no)) in keys
        }

    def sample(self, row, data, sheet_unit, values, action, changes):
        """The row among the preview's first SAMPLE_SIZE; `action` one of "create", "update", "unchanged"."""
        if len(self.plan.sample) >= SAMPLE_SIZE:
            return
        # Translated here, for the few rows shown, not for each of the file's rows.
        action = {"create": _("create"), "update": _("update"), "unchanged": _("unchanged")}[action]
        self.plan.sample.append(
            SampleRow(
                row=row.number,
                code=data.code,
                name=data.case.name,
                sheet_unit=sheet_unit.name,
                map_sheet_no=values["map_sheet_no"],
                parcel_no=values["parcel_no"],
                area_m2=values["area_m2"],
                recovered_area_m2=values["recovered_area_m2"],
                land_use_code=format_uses(values["land_use_code"]),
                action=action,
                changes=changes,
            )
        )
