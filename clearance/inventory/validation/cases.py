"""Cases and their parcels: one case per code, its commune, its scope, and each parcel row's checks."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clearance.identity import normalize_id_number
from clearance.inventory import cells
from clearance.inventory.columns import CASE_KIND_LABEL, CSV_ASSETS_COLUMN, PARCEL_COLUMNS, STRUCTURE_LABEL
from clearance.inventory.validation.base import COLUMNS, INVALID
from clearance.land_use import format_uses, uses_with_areas
from clearance.models import Case
from zones.models import AdminUnit

# The columns of a case, in the file's order, that its rows repeat (its code aside).
_CASE_COLUMNS = [
    (column.key, column) for column in (*PARCEL_COLUMNS, CSV_ASSETS_COLUMN) if column.per_case and column.key != "code"
]


@dataclass
class _CaseData:
    code: str
    rows: list
    values: dict = field(default_factory=dict)  # column key -> (value, row number)
    unit: AdminUnit | None = None
    case: Case | None = None  # existing, or the new one
    valid: bool = True
    id_cells: list = field(default_factory=list)  # (row, "Số CCCD" cell): read once the case's kind is known


class CaseChecks:
    """Collecting and checking cases and parcel rows; part of the validator."""

    def collect_cases(self, parsed):
        """One _CaseData per case code; case cells may repeat on the case's rows, never differ."""
        cases = {}
        for row, values in parsed:
            code = values["code"]
            if code is None or code is INVALID:
                continue
            data = cases.get(code)
            if data is None:
                data = cases[code] = _CaseData(code=code, rows=[])
            data.rows.append(row)
            for key, column in _CASE_COLUMNS:
                value = values.get(key)
                if value is None:
                    continue
                if value is INVALID:
                    data.valid = False
                    continue
                if key == "id_number":
                    data.id_cells.append((row, value))
                    continue
                self.case_value(data, row, column, value)
        for data in cases.values():
            self.read_id_number(data)
            first = data.rows[0]
            for key in ("kind", "name", "unit_code"):
                if key not in data.values and all(self.raw_blank(row, key) for row in data.rows):
                    self.required(first, COLUMNS[key])
                    data.valid = False
            if "unit_code" in data.values:
                structure = data.values.get("unit_structure", (None,))[0]
                data.unit = self.resolve_unit(
                    first, COLUMNS["unit_code"], data.values["unit_code"][0], structure, COLUMNS["unit_structure"]
                )
                data.valid = data.valid and data.unit is not None
        return cases

    def case_value(self, data, row, column, value):
        """Keep the case's value of a column from its first row; a later row that differs is an error."""
        key = column.key
        if key not in data.values:
            data.values[key] = (value, row.number)
        elif data.values[key][0] != value:
            first_value, first_row = data.values[key]
            self.error(
                row,
                column,
                self.shown(key, value),
                _("Case %(code)s has a different value on row %(row)d (“%(other)s”): a case's cells must agree.")
                % {"code": data.code, "row": first_row, "other": self.shown(key, first_value)},
                "case_conflict",
            )
            data.valid = False

    def read_id_number(self, data):
        """Each row's "Số CCCD" read for the case's kind (clearance.identity); an error on each bad row.

        A kind missing or wrong on the file accepts any of the shapes; that row has its own error.
        """
        kind = data.values.get("kind", (None,))[0]
        column = COLUMNS["id_number"]
        for row, raw in data.id_cells:
            try:
                number = normalize_id_number(raw, kind=kind)
            except ValidationError as error:
                self.error(row, column, raw, error.messages[0], error.code)
                data.valid = False
                continue
            self.case_value(data, row, column, number)

    def raw_blank(self, row, key):
        return cells.is_blank(row.values.get(key))

    def shown(self, key, value):
        if key == "unit_structure":
            return STRUCTURE_LABEL[value]
        if key == "kind":
            return CASE_KIND_LABEL.get(value, value)
        return value

    def resolve_unit(self, row, column, code, structure, structure_column):
        candidates = self.units_by_code.get(code, [])
        if structure:
            candidates = [unit for unit in candidates if unit.structure == structure]
        if not candidates:
            if structure:
                message = _("No commune or ward %(when)s has the code %(code)s.") % {
                    "when": STRUCTURE_LABEL[structure],
                    "code": code,
                }
            else:
                message = _("No commune or ward of Lạng Sơn has the code %(code)s.") % {"code": code}
            self.error(row, column, code, message, "unknown_commune")
            return None
        if len(candidates) > 1:
            names = "; ".join(f"{unit.name} ({STRUCTURE_LABEL[unit.structure]})" for unit in candidates)
            self.error(
                row,
                column,
                code,
                _("The code %(code)s names more than one unit (%(names)s): fill in “%(column)s”.")
                % {"code": code, "names": names, "column": structure_column.header},
                "ambiguous_commune",
            )
            return None
        unit = candidates[0]
        if not self.scope.covers_unit(unit.pk):
            self.error(
                row,
                column,
                code,
                _("%(unit)s (code %(code)s) is outside your area: you cannot import cases or parcels there.")
                % {"unit": unit.name, "code": code},
                "out_of_scope",
            )
            return None
        return unit

    def fetch_existing(self, cases):
        codes = set(cases) | {cells.text(row.values.get("code")) for row in self.table.asset_rows}
        queryset = Case.objects.filter(phase=self.phase, code__in=codes - {""})
        if self.lock:
            queryset = queryset.select_for_update()
        self.existing_cases = {case.code: case for case in queryset}
        visible = self.scope.cases(Case.objects.filter(pk__in=[c.pk for c in self.existing_cases.values()]))
        self.visible_case_ids = set(visible.values_list("pk", flat=True))

    def check_cases(self, cases):
        for data in cases.values():
            existing = self.existing_cases.get(data.code)
            if existing is not None and existing.pk not in self.visible_case_ids:
                self.error(
                    data.rows[0],
                    COLUMNS["code"],
                    data.code,
                    _("Case %(code)s of this phase belongs to a commune outside your area.") % {"code": data.code},
                    "case_out_of_scope",
                )
                data.valid = False

    def check_parcels(self, parsed, cases):
        """Rows whose parcel can be written: (row, values, case data, sheet unit)."""
        good, seen = [], {}
        for row, values in parsed:
            data = cases.get(values["code"]) if values["code"] not in (None, INVALID) else None
            area, recovered = values["area_m2"], values["recovered_area_m2"]
            problems = False
            if area not in (None, INVALID) and area <= 0:
                self.error(row, COLUMNS["area_m2"], area, _("The area must be greater than zero."), "not_positive")
                problems = True
            if recovered not in (None, INVALID) and recovered <= 0:
                self.error(
                    row,
                    COLUMNS["recovered_area_m2"],
                    recovered,
                    _("The recovered area must be greater than zero."),
                    "not_positive",
                )
                problems = True
            elif recovered not in (None, INVALID) and area not in (None, INVALID) and 0 < area < recovered:
                self.error(
                    row,
                    COLUMNS["recovered_area_m2"],
                    recovered,
                    _("The recovered area (%(recovered)s m²) exceeds the parcel's area (%(area)s m²).")
                    % {"recovered": _number(recovered), "area": _number(area)},
                    "recovered_exceeds_area",
                )
                problems = True
            uses = values["land_use_code"]
            if uses not in (None, INVALID) and area not in (None, INVALID) and area > 0:
                try:
                    values["land_use_code"] = uses_with_areas(uses, parcel_area_m2=area)
                except ValidationError as problem:
                    self.error(row, COLUMNS["land_use_code"], format_uses(uses), problem.messages[0], problem.code)
                    problems = True
            for key in ("map_sheet_no", "parcel_no"):
                if values[key] not in (None, INVALID) and values[key] < 1:
                    self.error(row, COLUMNS[key], values[key], _("Numbered from 1."), "not_positive")
                    problems = True
            sheet_unit = self.sheet_unit(row, values, data)
            if problems or sheet_unit is None or data is None or not data.valid:
                continue
            if any(values[c.key] is INVALID or (c.required and values[c.key] is None) for c in PARCEL_COLUMNS
                   if not c.per_case):  # fmt: skip
                continue
            key = (sheet_unit.pk, values["map_sheet_no"], values["parcel_no"])
            if key in seen:
                self.error(
                    row,
                    COLUMNS["parcel_no"],
                    values["parcel_no"],
                    _("Parcel %(parcel)s of sheet %(sheet)s (%(unit)s) is already on row %(row)d.")
                    % {
                        "parcel": values["parcel_no"],
                        "sheet": values["map_sheet_no"],
                        "unit": sheet_unit.name,
                        "row": seen[key],
                    },
                    "duplicate_parcel",
                )
                continue
            seen[key] = row.number
            good.append((row, values, data, sheet_unit))
        return good

    def sheet_unit(self, row, values, data):
        code = values["sheet_unit_code"]
        if code is INVALID or values["sheet_unit_structure"] is INVALID:
            return None
        if code is None:
            return data.unit if data is not None else None
        structure = values["sheet_unit_structure"]
        if structure is None and data is not None:
            structure = data.values.get("unit_structure", (None,))[0]
        return self.resolve_unit(row, COLUMNS["sheet_unit_code"], code, structure, COLUMNS["sheet_unit_structure"])


def _number(value):
    return number_format(value, use_l10n=True, force_grouping=True)
