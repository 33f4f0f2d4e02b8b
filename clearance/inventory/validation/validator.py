"""The run over the whole file: parse every row, then check and plan cases, parcels and assets."""

from collections import defaultdict

from clearance.inventory import cells
from clearance.inventory.collector import collector_paused
from clearance.inventory.columns import ASSET_COLUMNS, CSV_ASSETS_COLUMN, PARCEL_COLUMNS
from clearance.inventory.numbers import M2, ColumnNumbers
from clearance.inventory.validation.assets import CSV_QUANTITY, AssetChecks, asset_items
from clearance.inventory.validation.base import COLUMNS, LAND_USE_AREAS, CellChecks
from clearance.inventory.validation.cases import CaseChecks
from clearance.inventory.validation.planning import Planning
from clearance.inventory.validation.results import ImportPlan
from clearance.land_use import written_areas
from zones.models import AdminUnit


class _Validator(CaseChecks, AssetChecks, Planning, CellChecks):
    """One dry run of one table; its checks and plans come from the classes it is made of."""

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
            reading=table.notes(),
        )
        self.numbers = self.survey_numbers()
        self.parsed = defaultdict(lambda: defaultdict(dict))
        self.plan.number_conventions = [
            (numbers.header, numbers.description()) for numbers in self.numbers.values() if numbers.seen
        ]
        self.units_by_code = defaultdict(list)
        for unit in AdminUnit.objects.communes().only("pk", "code", "name", "structure"):
            self.units_by_code[unit.code].append(unit)

    def survey_numbers(self):
        """What each numeric column's cells say of their separators, before any cell is read."""
        table, numbers = self.table, {}
        for columns, rows, headers in (
            (PARCEL_COLUMNS, table.parcel_rows, table.parcel_headers),
            (ASSET_COLUMNS, table.asset_rows, table.asset_headers),
        ):
            for column in columns:
                if column.kind not in ("int", "decimal"):
                    continue
                found = numbers[column.key] = ColumnNumbers(
                    header=headers.get(column.key) or column.header, unit=M2 if "m²" in column.header else ""
                )
                for row in rows:
                    found.survey(row.number, row.values.get(column.key))
        # The areas in "ONT 1.234,5; CLN 2.500": a column of their own, not settled by "Diện tích (m²)".
        column = next(column for column in PARCEL_COLUMNS if column.kind == "land_uses")
        header = table.parcel_headers.get(column.key) or column.header
        found = numbers[LAND_USE_AREAS] = ColumnNumbers(header=f"{header}: Diện tích", unit=M2)
        for row in table.parcel_rows:
            if not cells.is_blank(row.values.get(column.key)):
                for area in written_areas(cells.text(row.values[column.key])):
                    if area is not None:
                        found.survey(row.number, area)
        if table.file_format == "csv":
            header = table.parcel_headers.get(CSV_ASSETS_COLUMN.key) or CSV_ASSETS_COLUMN.header
            found = numbers[CSV_QUANTITY] = ColumnNumbers(header=f"{header}: Số lượng")
            for row in table.parcel_rows:
                for _item, parts in asset_items(row.values.get(CSV_ASSETS_COLUMN.key) or ""):
                    if len(parts) == 4:
                        found.survey(row.number, parts[2])
        return numbers

    # --- the whole file -----------------------------------------------------------------------

    def run(self):
        parcel_columns = [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN] if self.table.file_format == "csv" else PARCEL_COLUMNS
        parsed = []
        for row in self.table.parcel_rows:
            values = {column.key: self.parse(row, column, row.values.get(column.key)) for column in parcel_columns}
            for column in parcel_columns:
                if column.required and not column.per_case and values[column.key] is None and not _case_only(values):
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


def _case_only(values):
    """A CSV row with its "Tài sản" cell and no parcel cell: a case whose assets stand on no parcel of its own."""
    return values.get(CSV_ASSETS_COLUMN.key) is not None and all(
        values[column.key] is None for column in PARCEL_COLUMNS if not column.per_case
    )


@collector_paused()  # every object it builds lives as long as the plan: clearance.inventory.collector
def validate(table, *, phase, scope, lock=False):
    """The dry run: errors and the plan of writes. `lock` holds the rows it reads until the transaction ends."""
    return _Validator(table, phase=phase, scope=scope, lock=lock).run()
