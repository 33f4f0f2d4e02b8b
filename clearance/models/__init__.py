"""Site clearance: affected cases, their parcels and assets, stages, money and reports."""

from clearance.models.cases import Asset, Case, CaseQuerySet, Complaint, LandParcel, Stage, StageEvent
from clearance.models.imports import InventoryImport
from clearance.models.money import CompensationItem, Payment, ResettlementPlot
from clearance.models.reports import ProgressReport, ProgressReportQuerySet

__all__ = [
    "Asset",
    "Case",
    "CaseQuerySet",
    "CompensationItem",
    "Complaint",
    "InventoryImport",
    "LandParcel",
    "Payment",
    "ProgressReport",
    "ProgressReportQuerySet",
    "ResettlementPlot",
    "Stage",
    "StageEvent",
]
