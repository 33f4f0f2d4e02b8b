"""The validator's groundwork: reading one cell, reporting an error on it, shared helpers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clearance.inventory import cells
from clearance.inventory.columns import (
    ASSET_COLUMNS,
    ASSET_KIND_WORDS,
    CASE_KIND_WORDS,
    CSV_ASSETS_COLUMN,
    MAX_CELL_CHARS,
    PARCEL_COLUMNS,
    STRUCTURE_WORDS,
)
from clearance.inventory.validation.results import RowError
from clearance.land_use import parse_land_uses

COLUMNS = {column.key: column for column in PARCEL_COLUMNS}
ASSET_COLUMNS_BY_KEY = {column.key: column for column in ASSET_COLUMNS}
INVALID = object()
LAND_USE_AREAS = "land_use_areas"  # the areas written in the "Loại đất" cells, one column of numbers


class CellChecks:
    """Errors on single cells, and parsing a cell by its column; needs `table`, `plan` and `numbers`.

    `numbers` maps a numeric column's key to what all its cells say of their separators
    (clearance.inventory.numbers), surveyed before any cell is read; `parsed` is
    defaultdict(lambda: defaultdict(dict)), empty at the start of a run.
    """

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
        """The cell's value, None when blank, INVALID after reporting an error.

        A value already read in the same column is not read again: a list repeats its kinds,
        communes, villages and areas on row after row, and reading a cell depends only on its
        column, its value and the column's numbers. Its error, if it has one, is reported again on
        this row. `parsed` keeps them for the run; land uses, a list, are read each time.
        """
        if cells.is_blank(raw):
            return None
        if column.kind == "land_uses":
            return self.report(row, column, raw, self.read_cell(column, raw))
        # By column, then by type (1, 1.0 and True are equal keys, not the same cell), then by value:
        # no key to build for each cell.
        known = self.parsed[id(column)][type(raw)]
        outcome = known.get(raw)
        if outcome is None:
            outcome = known[raw] = self.read_cell(column, raw)
        return self.report(row, column, raw, outcome)

    def report(self, row, column, raw, outcome):
        """The value read_cell() found, or INVALID after reporting its error on this row."""
        value, problem = outcome
        if problem is None:
            return value
        self.error(row, column, raw, *problem)
        return INVALID

    def read_cell(self, column, raw):
        """(value, None) or (None, (message, code)) of a cell that is not blank."""
        if isinstance(raw, str) and len(raw) > cells_max_chars():
            return None, (_("Too long for a cell of an inventory list."), "too_long")
        try:
            if column.kind == "text":
                return cells.text(raw, max_length=column.max_length), None
            if column.kind == "id_number":
                return cells.id_number(raw, max_length=column.max_length), None  # checked per case, for its kind
            if column.kind == "int":
                return cells.whole_number(raw, self.numbers.get(column.key)), None
            if column.kind == "decimal":
                return cells.decimal(raw, places=column.decimal_places, numbers=self.numbers.get(column.key)), None
            if column.kind == "assets":
                return cells.text(raw), None
            if column.kind == "land_uses":
                return parse_land_uses(cells.text(raw), numbers=self.numbers.get(LAND_USE_AREAS)), None
            words = {
                "kind": CASE_KIND_WORDS if column in PARCEL_COLUMNS else ASSET_KIND_WORDS,
                "unit_structure": STRUCTURE_WORDS,
                "sheet_unit_structure": STRUCTURE_WORDS,
            }[column.key]
            return cells.word(raw, words), None
        except cells.CellError as problem:
            return None, (problem.message, problem.code)
        except ValidationError as problem:
            return None, (problem.messages[0], problem.code)


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


def cells_max_chars():
    return MAX_CELL_CHARS
