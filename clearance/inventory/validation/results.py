"""What the dry run hands back: the plan of writes, its counts, sample rows and row errors."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The fields applying may change on a stored case or parcel.
CASE_FIELDS = ["unit", "kind", "name", "id_number", "address", "village"]
PARCEL_FIELDS = ["area_m2", "recovered_area_m2", "land_origin", "certificate_no"]


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
    land_use_code: str  # the uses as a file writes them: "LUC", "ONT 200; CLN 250"
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
    # (column header, how its numbers were read) of each numeric column with a value, for the preview.
    number_conventions: list = field(default_factory=list)
    # How the file was read (Table.notes()): where the header was, where the data ended, what was converted.
    reading: list = field(default_factory=list)
    case_by_code: dict = field(default_factory=dict)
    # What applying writes; cases first, since parcels and assets point at them.
    new_cases: list = field(default_factory=list)
    changed_cases: list = field(default_factory=list)
    new_parcels: list = field(default_factory=list)  # (LandParcel without case, case code)
    changed_parcels: list = field(default_factory=list)
    parcel_uses: list = field(default_factory=list)  # (LandParcel, [(code, area_m2)]): new parcels, changed uses
    new_assets: list = field(default_factory=list)  # (Asset without case, case code)
    changed_assets: list = field(default_factory=list)
    removed_assets: list = field(default_factory=list)  # stored assets alike merged into the oldest

    @property
    def ok(self):
        return not self.errors

    @property
    def rows_created(self):
        return self.parcels.create + self.assets.create

    @property
    def rows_updated(self):
        return self.parcels.update + self.assets.update
