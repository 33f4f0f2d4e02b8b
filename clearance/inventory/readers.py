"""Where read_table has always been imported from; the reading itself is clearance.inventory.reading."""

from clearance.inventory.reading import SourceRow, Table, cell_value, header_key, max_rows, read_table

__all__ = ["SourceRow", "Table", "cell_value", "header_key", "max_rows", "read_table"]
