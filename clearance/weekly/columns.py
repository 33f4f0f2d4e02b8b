"""The columns of the weekly report in the usual layout (DOMAIN.md), shared by the page and the XLSX.

Each column says how to read its figure from a row and what kind of figure it is; the page formats
it the Vietnamese way, the spreadsheet keeps it a number with a number format.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
            "figure": comparison.pair.label,
            "reported": qualified(_formatted(comparison.reported, comparison.pair.unit), comparison.qualifier),
            "registered": _formatted(comparison.registered, comparison.pair.unit),
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
    Column("area_ha", gettext_lazy("Area to recover (ha)"), "ha", lambda row: row.now.area_ha, width=11),
    Column("cases", gettext_lazy("Affected cases"), "int", lambda row: row.now.cases),
    Column("counted", gettext_lazy("cases"), "int", lambda row: row.now.counted, gettext_lazy("Counted")),
    Column("counted_ha", gettext_lazy("ha"), "ha", lambda row: row.now.counted_ha, gettext_lazy("Counted")),
    Column("approved", gettext_lazy("cases"), "int", lambda row: row.now.approved, gettext_lazy("Plans approved")),
    Column("approved_ha", gettext_lazy("ha"), "ha", lambda row: row.now.approved_ha, gettext_lazy("Plans approved")),
    Column(
        "approved_vnd",
        gettext_lazy("VND"),
        "vnd",
        lambda row: row.now.approved_vnd,
        gettext_lazy("Plans approved"),
        width=17,
    ),
    Column("paid", gettext_lazy("cases"), "int", lambda row: row.now.paid, gettext_lazy("Paid")),
    Column("paid_vnd", gettext_lazy("VND"), "vnd", lambda row: row.now.paid_vnd, gettext_lazy("Paid"), width=17),
    Column("handed_over", gettext_lazy("cases"), "int", lambda row: row.now.handed_over, gettext_lazy("Handed over")),
    Column("handed_over_ha", gettext_lazy("ha"), "ha", lambda row: row.now.handed_over_ha, gettext_lazy("Handed over")),
    Column(
        "handed_over_pct",
        gettext_lazy("share of area"),
        "pct",
        lambda row: row.now.handed_over_area_pct,
        gettext_lazy("Handed over"),
    ),
    Column("remaining", gettext_lazy("cases"), "int", lambda row: row.now.remaining, gettext_lazy("Remaining")),
    Column("remaining_ha", gettext_lazy("ha"), "ha", lambda row: row.now.remaining_ha, gettext_lazy("Remaining")),
    Column(
        "graves_relocated",
        gettext_lazy("relocated"),
        "int",
        lambda row: row.now.graves_relocated,
        gettext_lazy("Graves"),
    ),
    Column(
        "graves_remaining",
        gettext_lazy("remaining"),
        "int",
        lambda row: row.now.graves_remaining,
        gettext_lazy("Graves"),
    ),
    Column(
        "plots_allocated",
        gettext_lazy("Resettlement plots allocated"),
        "int",
        lambda row: row.now.plots_allocated,
        width=13,
    ),
    Column(
        "compulsory",
        gettext_lazy("compulsory inventory"),
        "int",
        lambda row: row.now.compulsory,
        gettext_lazy("Cases with"),
    ),
    Column("enforced", gettext_lazy("enforcement"), "int", lambda row: row.now.enforced, gettext_lazy("Cases with")),
    Column(
        "counted_change",
        gettext_lazy("cases counted"),
        "change_int",
        lambda row: row.counted_change,
        gettext_lazy("Change since last week"),
    ),
    Column(
        "paid_change",
        gettext_lazy("cases paid"),
        "change_int",
        lambda row: row.paid_change,
        gettext_lazy("Change since last week"),
    ),
    Column(
        "paid_vnd_change",
        gettext_lazy("VND paid"),
        "change_vnd",
        lambda row: row.paid_vnd_change,
        gettext_lazy("Change since last week"),
        width=17,
    ),
    Column(
        "handed_over_ha_change",
        gettext_lazy("ha handed over"),
        "change_ha",
        lambda row: row.handed_over_ha_change,
        gettext_lazy("Change since last week"),
    ),
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
