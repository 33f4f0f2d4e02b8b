"""Dry run of an inventory sheet: per-cell errors, and what applying it would create or change.

Everything the database is asked is asked once for the whole file (units, the phase's cases
with the file's codes, parcels on the file's map sheets, those cases' assets), so a sheet
of 1,000 rows costs a handful of queries, not thousands.

Re-import keys: a case is its phase + "Mã hồ sơ"; a parcel is the commune of its map sheet
+ sheet no. + parcel no.; an asset is its case + kind + description + unit. A blank optional
cell leaves the stored value alone, so a partial sheet never wipes data.

The modules: results (what the dry run hands back: the plan, its counts and row errors),
base (reading one cell and reporting its error), cases (cases and their parcels),
assets (asset rows or cells), planning (what applying would write) and validator (the run
over the whole file, which puts them together).
"""

from clearance.inventory.validation.results import (
    CASE_FIELDS,
    PARCEL_FIELDS,
    Counts,
    ImportPlan,
    RowError,
    SampleRow,
)
from clearance.inventory.validation.validator import validate

__all__ = ["CASE_FIELDS", "PARCEL_FIELDS", "Counts", "ImportPlan", "RowError", "SampleRow", "validate"]
