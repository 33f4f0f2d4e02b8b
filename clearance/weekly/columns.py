"""The columns of the weekly report in the usual layout (DOMAIN.md), shared by the page and the XLSX.

Each column says how to read its figure from a row and what kind of figure it is; the page formats
it the Vietnamese way, the spreadsheet keeps it a number with a number format.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearance.read import figures
from zones.templatetags.lsip_format import UNKNOWN, ha, num, pct, qualified, source_date, vnd
from zones.units import round_ha

NUMERIC = {"int", "ha", "vnd", "pct", "change_int", "change_ha", "change_vnd"}


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str  # "text", "date", or one of NUMERIC
    value: Any  # Row -> the figure
    group: Any = None  # the heading over several columns; None: the label spans both heading rows
    width: int = 9  # in the XLSX, in characters


def _phase_label(phase):
    return phase.name or _("phase %(number)s") % {"number": phase.number}


def project(row):
    if row.level == "total":
        return _("Grand total")
    return f"{row.phase.zone.name} – {_phase_label(row.phase)}"


def commune(row):
    if row.level == "phase":
        return _("Phase total")
    return row.unit.name if row.unit else ""


def investor(row):
    return str(row.phase.zone.investor) if row.phase and row.phase.zone.investor else ""


def check_text(check):
    """What one report of the week says beside the registry, in a line."""
    report = check.report
    name = _("%(unit)s, report of %(date)s") % {
        "unit": report.unit.name,
        # "Of 11/2025" when the source dates it to the month: the registry is counted to the month's end.
        "date": source_date(report.reported_on, report.source.date_precision),
    }
    if not check.comparisons:
        return _("%(report)s: gives no figure to compare") % {"report": name}
    differences = check.disagreements
    if not differences:
        return _("%(report)s: agrees with the registry") % {"report": name}
    details = "; ".join(
        _("%(figure)s (report %(reported)s, registry %(registered)s)")
        % {
            "figure": comparison.figure.label,
            "reported": qualified(_formatted(comparison.reported, comparison.figure.unit), comparison.qualifier),
            "registered": _formatted(comparison.registered, comparison.figure.unit),
        }
        for comparison in differences
    )
    return _("%(report)s: differs: %(details)s") % {"report": name, "details": details}


def _formatted(value, unit):
    if unit == "ha":
        return ha(value)
    if unit == "vnd":
        return vnd(value)
    return num(value)


def _lines(values):
    return "\n".join(values)


# The kind of column each unit of figure makes (NUMERIC), and the XLSX width of money columns.
_KIND = {figures.CASES: "int", figures.COUNT: "int", figures.HA: "ha", figures.VND: "vnd", figures.PCT: "pct"}


def _figure_column(figure):
    """A registry figure as of the report's Sunday, as its declaration says (clearance.read.figures)."""
    return Column(
        figure.name,
        figure.short_label if figure.group else figure.heading,
        _KIND[figure.unit],
        lambda row: figure.value(row.now),
        figure.group,
        width=17 if figure.unit == figures.VND else 11 if figure.group is None else 9,
    )


def _change_column(figure):
    """How much a registry figure grew since the Sunday before."""
    return Column(
        f"{figure.name}_change",
        figure.heading,
        f"change_{_KIND[figure.unit]}",
        lambda row: row.change(figure),
        gettext_lazy("Change since last week"),
        width=17 if figure.unit == figures.VND else 9,
    )


COLUMNS = (
    Column("project", gettext_lazy("Project"), "text", project, width=30),
    Column("commune", gettext_lazy("recorded under"), "text", commune, gettext_lazy("Commune"), width=18),
    Column(
        "commune_2025",
        gettext_lazy("from 1 July 2025"),
        "text",
        lambda row: ", ".join(unit.name for unit in row.current_units),
        gettext_lazy("Commune"),
        width=18,
    ),
    Column("investor", gettext_lazy("Investor"), "text", investor, width=20),
    *(_figure_column(figure) for figure in figures.WEEKLY),
    *(_change_column(figure) for figure in figures.WEEKLY_CHANGES),
    Column("obstacles", gettext_lazy("Obstacles"), "text", lambda row: _lines(row.obstacles), width=40),
    Column("proposals", gettext_lazy("Proposals"), "text", lambda row: _lines(row.proposals), width=40),
    Column(
        "lead_unit",
        gettext_lazy("Lead unit"),
        "text",
        lambda row: row.phase.clearance_lead if row.phase else "",
        width=20,
    ),
    Column(
        "target_on",
        gettext_lazy("Target date"),
        "date",
        lambda row: row.phase.clearance_target_on if row.phase else None,
        width=12,
    ),
    Column(
        "checks",
        gettext_lazy("Reports of the week beside the registry"),
        "text",
        lambda row: _lines(check_text(check) for check in row.checks),
        width=45,
    ),
)


def heading_rows(columns=COLUMNS):
    """The two heading rows: [(label, colspan, rowspan)] over the groups, then the grouped columns' labels."""
    top, bottom = [], []
    for column in columns:
        if column.group is None:
            top.append([column.label, 1, 2])
        elif top and top[-1][0] == column.group and top[-1][2] == 1:
            top[-1][1] += 1
            bottom.append(column.label)
        else:
            top.append([column.group, 1, 1])
            bottom.append(column.label)
    return [tuple(cell) for cell in top], bottom


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


def page_cells(row, columns=COLUMNS):
    return [Cell(_page_text(column.kind, column.value(row)), column.kind in NUMERIC) for column in columns]


def _page_text(kind, value):
    if kind == "text":
        return value or UNKNOWN
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT") if value else UNKNOWN
    if kind == "pct":
        return pct(value)
    if kind in ("ha", "change_ha"):
        value = round_ha(value)
    text = num(value)
    return f"+{text}" if kind.startswith("change_") and value > 0 else text
