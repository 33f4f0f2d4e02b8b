"""Dry run of an inventory sheet: per-cell errors, and what applying it would create or change.

Everything the database is asked is asked once for the whole file (units, the phase's cases
with the file's codes, parcels on the file's map sheets, those cases' assets), so a sheet
of 1,000 rows costs a handful of queries, not thousands.

Re-import keys: a case is its phase + "Mã hồ sơ"; a parcel is the commune of its map sheet
+ sheet no. + parcel no.; an asset is its case + kind + description + unit. A blank optional
cell leaves the stored value alone, so a partial sheet never wipes data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clearance.inventory import cells
from clearance.inventory.columns import (
    ASSET_COLUMNS,
    ASSET_KIND_WORDS,
    CASE_KIND_LABEL,
    CASE_KIND_WORDS,
    CSV_ASSETS_COLUMN,
    MAX_CELL_CHARS,
    PARCEL_COLUMNS,
    STRUCTURE_LABEL,
    STRUCTURE_WORDS,
)
from clearance.models import Asset, Case, LandParcel
from zones.models import AdminUnit

SAMPLE_SIZE = 20
CASE_FIELDS = ["unit", "kind", "name", "id_number", "address", "village"]
PARCEL_FIELDS = ["area_m2", "recovered_area_m2", "land_use_code", "land_origin", "certificate_no"]
LAND_USE_WORDS = {code: code for code in LandParcel.LandUse.values}
COLUMNS = {column.key: column for column in PARCEL_COLUMNS}
ASSET_COLUMNS_BY_KEY = {column.key: column for column in ASSET_COLUMNS}
INVALID = object()


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    code: str
    position: int = 0  # the column's place in the format, to list a row's errors left to right

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row} if self.row else ""
        if self.column:
            where = f"{where}, " + _("column “%(column)s”") % {"column": self.column}
        value = f" [{self.value}]" if self.value else ""
        return f"{self.sheet} {where}{value}: {self.message}"


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0


@dataclass
class SampleRow:
    row: int
    code: str
    name: str
    sheet_unit: str
    map_sheet_no: int
    parcel_no: int
    area_m2: object
    recovered_area_m2: object
    land_use_code: str
    action: str
    changes: list


@dataclass
class ImportPlan:
    rows_total: int = 0
    parcel_rows: int = 0
    asset_rows: int = 0
    errors: list = field(default_factory=list)
    cases: Counts = field(default_factory=Counts)
    parcels: Counts = field(default_factory=Counts)
    assets: Counts = field(default_factory=Counts)
    sample: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    case_by_code: dict = field(default_factory=dict)
    # What applying writes; cases first, since parcels and assets point at them.
    new_cases: list = field(default_factory=list)
    changed_cases: list = field(default_factory=list)
    new_parcels: list = field(default_factory=list)  # (LandParcel without case, case code)
    changed_parcels: list = field(default_factory=list)
    new_assets: list = field(default_factory=list)  # (Asset without case, case code)
    changed_assets: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def rows_created(self):
        return self.parcels.create + self.assets.create

    @property
    def rows_updated(self):
        return self.parcels.update + self.assets.update


@dataclass
class _CaseData:
    code: str
    rows: list
    values: dict = field(default_factory=dict)  # column key -> (value, row number)
    unit: AdminUnit | None = None
    case: Case | None = None  # existing, or the new one
    valid: bool = True


class _Validator:
    def __init__(self, table, *, phase, scope, lock):
        self.table = table
        self.phase = phase
        self.scope = scope
        self.lock = lock
        self.plan = ImportPlan(
            rows_total=table.rows_total,
            parcel_rows=len(table.parcel_rows),
            asset_rows=len(table.asset_rows),
            ignored_columns=table.ignored_columns,
        )
        self.units_by_code = defaultdict(list)
        for unit in AdminUnit.objects.communes().only("pk", "code", "name", "structure"):
            self.units_by_code[unit.code].append(unit)

    # --- errors -----------------------------------------------------------------------------

    def error(self, row, column, value, message, code):
        """An error on one cell, named by the header as the file writes it."""
        headers = self.table.asset_headers if column in ASSET_COLUMNS else self.table.parcel_headers
        header = headers.get(column.key) or column.header
        shown = "" if cells.is_blank(value) else str(value).strip()[:80]
        columns = ASSET_COLUMNS if column in ASSET_COLUMNS else [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN]
        position = columns.index(column) if column in columns else len(columns)
        self.plan.errors.append(RowError(row.sheet, row.number, header, shown, message, code, position))

    def required(self, row, column):
        self.error(row, column, None, _("Required: this cell must be filled in."), "required")

    def parse(self, row, column, raw):
        """The cell's value, None when blank, INVALID after reporting an error."""
        if cells.is_blank(raw):
            return None
        if isinstance(raw, str) and len(raw) > cells_max_chars():
            self.error(row, column, raw, _("Too long for a cell of an inventory list."), "too_long")
            return INVALID
        try:
            if column.kind == "text":
                return cells.text(raw, max_length=column.max_length)
            if column.kind == "int":
                return cells.whole_number(raw)
            if column.kind == "decimal":
                return cells.decimal(raw, places=column.decimal_places)
            if column.kind == "assets":
                return cells.text(raw)
            words = {
                "kind": CASE_KIND_WORDS if column in PARCEL_COLUMNS else ASSET_KIND_WORDS,
                "unit_structure": STRUCTURE_WORDS,
                "sheet_unit_structure": STRUCTURE_WORDS,
                "land_use_code": LAND_USE_WORDS,
            }[column.key]
            return cells.word(raw, words)
        except cells.CellError as problem:
            self.error(row, column, raw, problem.message, problem.code)
            return INVALID

    # --- the whole file -----------------------------------------------------------------------

    def run(self):
        parcel_columns = [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN] if self.table.file_format == "csv" else PARCEL_COLUMNS
        parsed = []
        for row in self.table.parcel_rows:
            values = {column.key: self.parse(row, column, row.values.get(column.key)) for column in parcel_columns}
            for column in parcel_columns:
                if column.required and not column.per_case and values[column.key] is None:
                    self.required(row, column)
            if values["code"] is None:
                self.required(row, COLUMNS["code"])
            parsed.append((row, values))

        cases = self.collect_cases(parsed)
        self.fetch_existing(cases)
        self.check_cases(cases)
        parcel_rows = self.check_parcels(parsed, cases)
        assets = self.collect_assets(cases)
        self.plan_cases(cases)
        self.plan_parcels(parcel_rows, cases)
        self.plan_assets(assets, cases)
        parcel_sheets = {row.sheet for row in self.table.parcel_rows[:1]}
        self.plan.errors.sort(key=lambda e: (e.sheet not in parcel_sheets, e.row or 0, e.position))
        return self.plan

    def collect_cases(self, parsed):
        """One _CaseData per case code; case cells may repeat on the case's rows, never differ."""
        cases = {}
        for row, values in parsed:
            code = values["code"]
            if code is None or code is INVALID:
                continue
            data = cases.setdefault(code, _CaseData(code=code, rows=[]))
            data.rows.append(row)
            for key, value in values.items():
                column = COLUMNS.get(key, CSV_ASSETS_COLUMN)
                if not column.per_case or key == "code" or value is None:
                    continue
                if value is INVALID:
                    data.valid = False
                    continue
                if key not in data.values:
                    data.values[key] = (value, row.number)
                elif data.values[key][0] != value:
                    first_value, first_row = data.values[key]
                    self.error(
                        row,
                        column,
                        value if key != "unit_structure" else STRUCTURE_LABEL[value],
                        _(
                            "Case %(code)s has a different value on row %(row)d (“%(other)s”): "
                            "a case's cells must agree."
                        )
                        % {"code": code, "row": first_row, "other": self.shown(key, first_value)},
                        "case_conflict",
                    )
                    data.valid = False
        for data in cases.values():
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
        codes = set(cases) | {_plain_text(row.values.get("code")) for row in self.table.asset_rows}
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

    # --- assets ---------------------------------------------------------------------------------

    def collect_assets(self, cases):
        """(row, case code, kind, description, quantity, unit) of every asset line that can be written."""
        lines = []
        if self.table.file_format == "csv":
            for data in cases.values():
                if "assets" in data.values:
                    value, number = data.values["assets"]
                    row = next(r for r in data.rows if r.number == number)
                    lines += self.parse_asset_cell(row, data.code, value)
        else:
            for row in self.table.asset_rows:
                values = {c.key: self.parse(row, c, row.values.get(c.key)) for c in ASSET_COLUMNS}
                missing = [c for c in ASSET_COLUMNS if c.required and values[c.key] is None]
                for column in missing:
                    self.required(row, column)
                if missing or any(value is INVALID for value in values.values()):
                    continue
                if values["quantity"] <= 0:
                    self.error(
                        row,
                        ASSET_COLUMNS_BY_KEY["quantity"],
                        values["quantity"],
                        _("The quantity must be greater than zero."),
                        "not_positive",
                    )
                    continue
                lines.append(
                    (row, values["code"], values["kind"], values["description"] or "", values["quantity"],
                     values["unit_of_measure"] or "")
                )  # fmt: skip
        good, seen = [], {}
        code_column = ASSET_COLUMNS_BY_KEY["code"] if self.table.file_format == "xlsx" else COLUMNS["code"]
        for line in lines:
            row, code = line[0], line[1]
            data = cases.get(code)
            if data is None:
                existing = self.existing_cases.get(code)
                if existing is None:
                    self.error(
                        row,
                        code_column,
                        code,
                        _("No case has the code %(code)s, neither in the sheet of parcels nor in this phase.")
                        % {"code": code},
                        "unknown_case",
                    )
                    continue
                if existing.pk not in self.visible_case_ids:
                    self.error(
                        row,
                        code_column,
                        code,
                        _("Case %(code)s of this phase belongs to a commune outside your area.") % {"code": code},
                        "case_out_of_scope",
                    )
                    continue
            elif not data.valid:
                continue
            key = (code, line[2], line[3], line[5])
            if key in seen:
                self.error(
                    row,
                    ASSET_COLUMNS_BY_KEY["description"] if self.table.file_format == "xlsx" else CSV_ASSETS_COLUMN,
                    line[3],
                    _("The same asset of case %(code)s is already on row %(row)d: add the quantities up in one row.")
                    % {"code": code, "row": seen[key]},
                    "duplicate_asset",
                )
                continue
            seen[key] = row.number
            good.append(line)
        return good

    def parse_asset_cell(self, row, code, value):
        """ "cây | Cây vải | 10 | cây; mộ | Mộ đất | 1 | ngôi" → asset lines."""
        lines = []
        for index, item in enumerate((part for part in value.split(";") if part.strip()), start=1):
            parts = [part.strip() for part in item.split("|")]
            if len(parts) != 4:
                self.error(
                    row,
                    CSV_ASSETS_COLUMN,
                    item,
                    _("Asset %(index)d: write “kind | description | quantity | unit”, four parts separated by “|”.")
                    % {"index": index},
                    "asset_syntax",
                )
                continue
            try:
                kind = cells.word(parts[0], ASSET_KIND_WORDS)
                description = cells.text(parts[1], max_length=ASSET_COLUMNS_BY_KEY["description"].max_length)
                quantity = cells.decimal(parts[2], places=2)
                unit = cells.text(parts[3], max_length=ASSET_COLUMNS_BY_KEY["unit_of_measure"].max_length)
            except cells.CellError as problem:
                self.error(row, CSV_ASSETS_COLUMN, item, _("Asset %(index)d: ") % {"index": index} + problem.message,
                           problem.code)  # fmt: skip
                continue
            if quantity <= 0:
                self.error(
                    row,
                    CSV_ASSETS_COLUMN,
                    item,
                    _("Asset %(index)d: the quantity must be greater than zero.") % {"index": index},
                    "not_positive",
                )
                continue
            lines.append((row, code, kind, description, quantity, unit))
        return lines

    # --- what applying would do -----------------------------------------------------------------

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
            wanted = {
                "area_m2": values["area_m2"],
                "recovered_area_m2": values["recovered_area_m2"],
                "land_use_code": values["land_use_code"],
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
                self.plan.parcels.create += 1
                self.sample(row, data, sheet_unit, values, _("create"), [])
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
            if changes:
                self.plan.changed_parcels.append(parcel)
                self.plan.parcels.update += 1
                self.sample(row, data, sheet_unit, values, _("update"), changes)
            else:
                self.plan.parcels.unchanged += 1
                self.sample(row, data, sheet_unit, values, _("unchanged"), [])

    def existing_parcels(self, keys):
        if not keys:
            return {}
        queryset = LandParcel.objects.filter(
            sheet_unit_id__in={k[0] for k in keys}, map_sheet_no__in={k[1] for k in keys}
        ).select_related("case__phase__zone")
        if self.lock:
            queryset = queryset.select_for_update(of=("self",))
        return {
            key: parcel
            for parcel in queryset
            if (key := (parcel.sheet_unit_id, parcel.map_sheet_no, parcel.parcel_no)) in keys
        }

    def plan_assets(self, lines, cases):
        case_ids = [c.pk for c in self.existing_cases.values() if c.pk in self.visible_case_ids]
        existing = {}
        for asset in Asset.objects.filter(case_id__in=case_ids).order_by("-id"):
            # The oldest of identical assets is the one a sheet updates.
            existing[(asset.case_id, asset.kind, asset.description, asset.unit_of_measure)] = asset
        for _row, code, kind, description, quantity, unit in lines:
            data = cases.get(code)
            case = data.case if data is not None else self.existing_cases.get(code)
            if case is None:
                continue
            self.plan.case_by_code[code] = case
            asset = existing.get((case.pk, kind, description, unit)) if case.pk else None
            if asset is None:
                new = Asset(kind=kind, description=description, quantity=quantity, unit_of_measure=unit)
                self.plan.new_assets.append((new, code))
                self.plan.assets.create += 1
            elif _apply(asset, {"quantity": quantity}):
                self.plan.changed_assets.append(asset)
                self.plan.assets.update += 1
            else:
                self.plan.assets.unchanged += 1

    def sample(self, row, data, sheet_unit, values, action, changes):
        if len(self.plan.sample) >= SAMPLE_SIZE:
            return
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
                land_use_code=values["land_use_code"],
                action=action,
                changes=changes,
            )
        )


def _apply(instance, wanted):
    """Set the wanted values that differ (blank ones leave the stored value alone); the changed fields' names."""
    changes = []
    for name, value in wanted.items():
        if value is None or value == "":
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changes.append(str(instance._meta.get_field(name.removesuffix("_id")).verbose_name))
    return changes


def _number(value):
    return number_format(value, use_l10n=True, force_grouping=True)


def cells_max_chars():
    return MAX_CELL_CHARS


def _plain_text(value):
    try:
        return cells.text(value)
    except cells.CellError:
        return ""


def validate(table, *, phase, scope, lock=False):
    """The dry run: errors and the plan of writes. `lock` holds the rows it reads until the transaction ends."""
    return _Validator(table, phase=phase, scope=scope, lock=lock).run()
