"""A national synthetic data set, made on demand for load tests: `manage.py generate_national --cases N`.

Zones and clusters in up to 34 provinces, their phases, cases with parcels, assets, stage
events, compensation, payments and complaints, and weekly progress reports. Nothing in it is
real: cases carry is_synthetic, zones, phases and reports cite a Source marked is_synthetic,
and the provinces and communes other than Lạng Sơn are AdminUnits named "… (mô phỏng)" with
codes from 900,000,000, out of the official range (AdminUnit has no synthetic flag). Lạng
Sơn's real 2025 communes, when loaded, hold their share of cases; they are read, never changed.

Rows are built a group of zones at a time and written in bulk (COPY on PostgreSQL), without
history: see docs/decisions/0014-national-synthetic-data.md. Same seed, same data: the
generator uses its own random.Random and no "today".
"""

from clearance.national.service import (
    NationalError,
    NationalResult,
    after_bulk_load,
    national_delete,
    national_generate,
    national_source,
    synthetic_units,
)
from clearance.national.vocabulary import DEFAULT_SEED, MAX_PROVINCES

__all__ = [
    "DEFAULT_SEED",
    "MAX_PROVINCES",
    "NationalError",
    "NationalResult",
    "after_bulk_load",
    "national_delete",
    "national_generate",
    "national_source",
    "synthetic_units",
]
