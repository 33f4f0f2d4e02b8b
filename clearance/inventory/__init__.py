"""Spreadsheet import of inventory lists: columns, safe readers, validation, template.

The order of work is fixed: safety.check_file (before any parser), readers.read_table,
validation.validate (the dry run), then clearance.services.imports writes the plan.
"""

from clearance.inventory.readers import SourceRow, Table, read_table
from clearance.inventory.safety import ImportRefused, check_file
from clearance.inventory.validation import ImportPlan, RowError, validate

__all__ = ["ImportPlan", "ImportRefused", "RowError", "SourceRow", "Table", "check_file", "read_table", "validate"]
