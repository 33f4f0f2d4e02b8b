"""Reading a checked file into rows of raw cell values, keyed by column.

Only files that passed clearance.inventory.safety get here. A problem with the file as a
whole (no header row, a required column missing, too many rows, a date where a number
belongs) is an ImportRefused; problems with single cells are left to validation, which
reports them row by row.

headers: where the header is and what its columns are; rows: from the header down to the
totals or signatures, through cell_value(); workbooks: .xlsx, .xls and .ods; delimited: CSV.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clearance.inventory.legacy_text import conversion_note
from clearance.inventory.reading.headers import header_key
from clearance.inventory.reading.rows import HIDDEN_ROWS_LISTED, SourceRow, cell_value, max_rows, skipped_notes
from clearance.inventory.safety import ImportRefused

CONVERSIONS_LISTED = 20

__all__ = ["SourceRow", "Table", "cell_value", "header_key", "max_rows", "read_table"]


@dataclass
class Table:
    file_format: str
    parcel_rows: list = field(default_factory=list)
    asset_rows: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    parcel_headers: dict = field(default_factory=dict)  # key -> header as written in the file
    asset_headers: dict = field(default_factory=dict)
    sheets: list = field(default_factory=list)  # a SheetReading per sheet read: where its table was found
    hidden_sheets: int = 0  # never named: what is hidden may be private

    @property
    def rows_total(self):
        return len(self.parcel_rows) + len(self.asset_rows)

    def add(self, reading, *, assets=False):
        if assets:
            self.asset_rows, self.asset_headers = reading.rows, reading.headers
        else:
            self.parcel_rows, self.parcel_headers = reading.rows, reading.headers
        prefix = f"{reading.sheet}: " if self.file_format != "csv" else ""
        self.ignored_columns += [f"{prefix}{name}" for name in reading.ignored]
        if reading.header_row:
            self.sheets.append(reading)

    def notes(self):
        """What the preview says about how the file was read: [(sheet or "", [sentence, …]), …]."""
        notes = []
        for reading in self.sheets:
            sentences = []
            if reading.header_rows == 2:
                sentences.append(
                    _("Header found on rows %(first)d and %(second)d.")
                    % {"first": reading.header_row, "second": reading.header_row + 1}
                )
            else:
                sentences.append(_("Header found on row %(row)d.") % {"row": reading.header_row})
            sentences += skipped_notes(reading)
            if reading.end_row:
                sentences.append(
                    _("Data ends at row %(row)d: “%(text)s”.") % {"row": reading.end_row, "text": reading.end_text[:80]}
                )
            if reading.hidden_rows:
                shown = ", ".join(str(number) for number in reading.hidden_rows[:HIDDEN_ROWS_LISTED])
                if len(reading.hidden_rows) > HIDDEN_ROWS_LISTED:
                    shown += "…"
                sentences.append(
                    ngettext(
                        "Row %(rows)s is hidden in Excel; it was read all the same: check it.",
                        "Rows %(rows)s are hidden in Excel; they were read all the same: check them.",
                        len(reading.hidden_rows),
                    )
                    % {"rows": shown}
                )
            sentences += _conversion_notes(reading)
            notes.append(("" if self.file_format == "csv" else reading.sheet, sentences))
        if self.hidden_sheets:
            notes.append(
                (
                    "",
                    [
                        ngettext(
                            "%(count)d hidden sheet was not read.",
                            "%(count)d hidden sheets were not read.",
                            self.hidden_sheets,
                        )
                        % {"count": self.hidden_sheets}
                    ],
                )
            )
        return notes


def _conversion_notes(reading):
    """Each cell typed in a legacy font and converted, beside the text as written, for the user to check."""
    converted = [
        (row, key, original, encoding) for row in reading.rows for key, (original, encoding) in row.converted.items()
    ]
    if not converted:
        return []
    notes = [
        ngettext(
            "%(count)d cell was typed in an old Vietnamese font and converted to Unicode: check it.",
            "%(count)d cells were typed in an old Vietnamese font and converted to Unicode: check them.",
            len(converted),
        )
        % {"count": len(converted)}
    ]
    for row, key, original, encoding in converted[:CONVERSIONS_LISTED]:
        notes.append(
            _("Row %(row)d, “%(column)s”: %(note)s")
            % {
                "row": row.number,
                "column": reading.headers.get(key, key),
                "note": conversion_note(original, row.values[key], encoding),
            }
        )
    return notes


def read_table(data, file_format):
    from clearance.inventory.reading.delimited import read_csv
    from clearance.inventory.reading.workbooks import read_calamine, read_xlsx

    if file_format == "xlsx":
        table = read_xlsx(data, Table(file_format="xlsx"))
    elif file_format in ("xls", "ods"):
        table = read_calamine(data, Table(file_format=file_format))
    else:
        table = read_csv(data, Table(file_format="csv"))
    if not table.rows_total:
        first = table.sheets[0] if table.sheets else None
        raise ImportRefused(
            _("The list has a header (row %(row)d) but no data rows under it.") % {"row": first.header_row}
            if first
            else _("The list has no data rows."),
            "no_rows",
        )
    return table
