"""The registry's figures, each declared once: name, label, unit, rounding, qualifier and registry source.

Every page, export, chart and comparison that shows a registry figure reads it from here: the
overview's totals, the zone page, the breakdowns, the reports check, the weekly report (page and
XLSX) and the trend charts. A figure is read from clearance.read.ledger.Figures by its `name`; an
area is kept there in m² and read through its `*_ha` property, so it is rounded once (two decimals,
half up: zones.units.m2_to_ha; decision 0010). Where a unit's report gives the same figure,
`report_field` names it on ProgressReport and `qualifier_field` how precisely the report states it
("more than 490"); the registry's own figure is always exact.
"""

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clearance.read.ledger import percent
from zones.templatetags.lsip_format import ha, num, pct, vnd
from zones.units import round_ha

CASES, HA, VND, COUNT, PCT = "cases", "ha", "vnd", "count", "pct"
# How a figure of each unit is written for people; VND whole, ha with two decimals, % with one.
_TEXT = {CASES: num, COUNT: num, HA: ha, VND: vnd, PCT: pct}
_UNIT_SYMBOL = {HA: "ha", VND: "VND", PCT: "%"}


@dataclass(frozen=True)
class Figure:
    """One registry figure. Counts are cases (or graves, plots); areas ha; money whole VND; shares %."""

    name: str  # the ledger.Figures attribute it is read from
    label: str  # what pages, exports and charts call it, without its unit
    unit: str  # CASES, HA, VND, COUNT or PCT
    source: str  # what in the registry it counts, and as of which date
    report_field: str | None = None  # the ProgressReport field that gives the same figure, if any
    qualifier_field: str | None = None  # the ProgressReport field saying how precisely it is given
    share: tuple[str, str] | None = None  # (part, whole) Figures attributes of the share shown beside it
    group: str | None = None  # the weekly report's heading over it and its neighbours
    short_label: str | None = None  # its label under that heading

    @property
    def heading(self):
        """The label with its unit, for a column: "Area counted (ha)"; counts need none."""
        symbol = _UNIT_SYMBOL.get(self.unit)
        return _heading(self.label, symbol) if symbol and self.unit != PCT else self.label

    def value(self, figures):
        """The figure as shown, from a ledger.Figures: ha already rounded (Decimal), VND and counts int."""
        return getattr(figures, self.name)

    def share_of(self, figures):
        """The percentage shown beside the figure (Decimal, one decimal), or None when it has none."""
        if self.share is None:
            return None
        part, whole = self.share
        return percent(getattr(figures, part), getattr(figures, whole))

    def rounded(self, value):
        """A value of this figure as compared and exported: hectares to two decimals, the rest as they are."""
        return round_ha(value) if self.unit == HA else value

    def text(self, value):
        """The value written for people, the Vietnamese way ("1.234,50 ha" is written "1.234,50")."""
        return _TEXT[self.unit](value)


def _heading_text(label, symbol):
    return gettext("%(figure)s (%(unit)s)") % {"figure": label, "unit": symbol}


_heading = lazy(_heading_text, str)

COUNTED, APPROVED, PAID = _("Counted"), _("Plans approved"), _("Paid")
HANDED_OVER, REMAINING, GRAVES = _("Handed over"), _("Remaining"), _("Graves")
CASES_LABEL, HA_LABEL, VND_LABEL = _("cases"), _("ha"), _("VND")

FIGURES = (
    Figure(
        "cases",
        _("Affected cases"),
        CASES,
        _("cases recorded in the registry, as it stands"),
        report_field="cases_total",
    ),
    Figure("area_ha", _("Area to recover"), HA, _("recovered area of the parcels of the cases recorded")),
    Figure(
        "counted",
        _("Cases counted"),
        CASES,
        _("cases with their inventory step dated up to the day"),
        "cases_counted",
        "cases_counted_qualifier",
        share=("counted", "cases"),
        group=COUNTED,
        short_label=CASES_LABEL,
    ),
    Figure(
        "counted_ha",
        _("Area counted"),
        HA,
        _("recovered area of the cases counted up to the day"),
        "area_counted_ha",
        share=("counted_m2", "area_m2"),
        group=COUNTED,
        short_label=HA_LABEL,
    ),
    Figure(
        "approved",
        _("Plans approved (cases)"),
        CASES,
        _("cases whose compensation plan was approved up to the day"),
        "plans_approved_cases",
        share=("approved", "cases"),
        group=APPROVED,
        short_label=CASES_LABEL,
    ),
    Figure(
        "approved_ha",
        _("Area of approved plans"),
        HA,
        _("recovered area of the cases whose plan was approved up to the day"),
        share=("approved_m2", "area_m2"),
        group=APPROVED,
        short_label=HA_LABEL,
    ),
    Figure(
        "approved_vnd",
        _("Amount of approved plans"),
        VND,
        _("compensation and support in the approved plans of those cases"),
        "plans_approved_vnd",
        group=APPROVED,
        short_label=VND_LABEL,
    ),
    Figure(
        "paid",
        _("Cases paid"),
        CASES,
        _("cases with their payment step dated up to the day"),
        "cases_paid",
        share=("paid", "cases"),
        group=PAID,
        short_label=CASES_LABEL,
    ),
    Figure(
        "paid_vnd",
        _("Amount paid"),
        VND,
        _("payments entered, by payment date up to the day"),
        "amount_paid_vnd",
        share=("paid_vnd", "approved_vnd"),
        group=PAID,
        short_label=VND_LABEL,
    ),
    Figure(
        "handed_over",
        _("Cases handed over"),
        CASES,
        _("cases with their handover step dated up to the day"),
        share=("handed_over", "cases"),
        group=HANDED_OVER,
        short_label=CASES_LABEL,
    ),
    Figure(
        "handed_over_ha",
        _("Area handed over"),
        HA,
        _("recovered area of the cases handed over up to the day"),
        "area_handed_over_ha",
        "area_handed_over_qualifier",
        share=("handed_over_m2", "area_m2"),
        group=HANDED_OVER,
        short_label=HA_LABEL,
    ),
    Figure(
        "handed_over_area_pct",
        _("Share of the area handed over"),
        PCT,
        _("area handed over as a share of the area to recover"),
        group=HANDED_OVER,
        short_label=_("share of area"),
    ),
    Figure(
        "remaining",
        _("Cases remaining"),
        CASES,
        _("affected cases not handed over by the day"),
        group=REMAINING,
        short_label=CASES_LABEL,
    ),
    Figure(
        "remaining_ha",
        _("Area remaining"),
        HA,
        _("area to recover not handed over by the day"),
        group=REMAINING,
        short_label=HA_LABEL,
    ),
    Figure(
        "graves_relocated",
        _("Graves relocated"),
        COUNT,
        _("graves of the cases whose relocation is dated up to the day"),
        "graves_relocated",
        share=("graves_relocated", "graves"),
        group=GRAVES,
        short_label=_("relocated"),
    ),
    Figure(
        "graves_remaining",
        _("Graves remaining"),
        COUNT,
        _("graves recorded and not relocated by the day"),
        group=GRAVES,
        short_label=_("remaining"),
    ),
    Figure(
        "plots_allocated",
        _("Resettlement plots allocated"),
        COUNT,
        _("resettlement plots allocated to the cases"),
        "resettlement_plots_allocated",
    ),
    Figure(
        "compulsory",
        _("Compulsory inventory (cases)"),
        CASES,
        _("cases with a compulsory inventory decision dated up to the day"),
        group=_("Cases with"),
        short_label=_("compulsory inventory"),
    ),
    Figure(
        "enforced",
        _("Enforced recovery (cases)"),
        CASES,
        _("cases with an enforcement decision dated up to the day"),
        group=_("Cases with"),
        short_label=_("enforcement"),
    ),
)
BY_NAME = {figure.name: figure for figure in FIGURES}


def pick(*names):
    """The declarations of the named figures, in the order given (KeyError for an unknown name)."""
    return tuple(BY_NAME[name] for name in names)


# What each page shows, by name; the declarations above say how.
REPORTED = tuple(figure for figure in FIGURES if figure.report_field)  # figures a report can give
OVERVIEW = pick(
    "cases",
    "area_ha",
    "counted",
    "counted_ha",
    "approved",
    "approved_ha",
    "approved_vnd",
    "paid",
    "paid_vnd",
    "handed_over",
    "handed_over_ha",
    "graves_relocated",
    "plots_allocated",
    "compulsory",
    "enforced",
)
ZONE_PAGE = pick("cases", "counted", "handed_over", "area_ha", "handed_over_ha", "paid_vnd")
BREAKDOWN = pick(
    "cases",
    "area_ha",
    "counted",
    "approved",
    "paid",
    "paid_vnd",
    "handed_over",
    "handed_over_ha",
    "handed_over_area_pct",
)
WEEKLY = (BY_NAME["area_ha"], BY_NAME["cases"], *FIGURES[2:])  # the usual layout (DOMAIN.md)
WEEKLY_CHANGES = pick("counted", "paid", "paid_vnd", "handed_over_ha")  # change since the week before
TREND = pick("counted", "paid", "handed_over_ha", "paid_vnd")  # charted, beside what reports give
