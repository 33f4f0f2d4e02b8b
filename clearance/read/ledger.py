"""What the case registry says about clearance progress, as of any date, in a fixed number of queries.

The registry's progress is dated by its stage events: a case counts as counted, approved, paid or
handed over from the day of that step's event. The queries return daily increments per phase and
commune (the unit the case was recorded under); `Ledger.as_of(day)` adds them up to any day in
Python. This is the registry's one definition: the rollups (clearance.rollups) store it per phase,
commune and day, and the overview, the weekly report, the reports check and the zone page read it
from there; the breakdown page, filtered by any case field, reads it here.

What does not change with time (the affected cases, the area to recover, the graves) is the
registry as it stands: a case recorded late was still affected before it was recorded.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import Count, Q, Sum

from clearance.models import Asset, CompensationItem, LandParcel, Payment, ResettlementPlot, StageEvent
from zones.units import m2_to_ha

Kind = StageEvent.Kind

# Event kind -> the Figures attribute that counts its cases.
COUNTED_EVENTS = {
    Kind.INVENTORY: "counted",
    Kind.PLAN_APPROVED: "approved",
    Kind.PAID: "paid",
    Kind.HANDED_OVER: "handed_over",
    Kind.COMPULSORY_INVENTORY: "compulsory",
    Kind.ENFORCEMENT: "enforced",
}
# Event kind -> the Figures attribute that sums its cases' recovered area.
AREA_EVENTS = {Kind.INVENTORY: "counted_m2", Kind.PLAN_APPROVED: "approved_m2", Kind.HANDED_OVER: "handed_over_m2"}


@dataclass
class Figures:
    """Registry figures for a group of cases. Counts are cases; areas m²; money whole VND.

    The `*_ha` properties are what pages and exports show: the m² converted once by zones.units.m2_to_ha
    (two decimals, half up). Add figures in m² (`add`, `total`), never their hectares.
    """

    cases: int = 0
    synthetic: int = 0
    area_m2: Decimal = Decimal(0)
    graves: Decimal = Decimal(0)
    counted: int = 0
    counted_m2: Decimal = Decimal(0)
    approved: int = 0
    approved_m2: Decimal = Decimal(0)
    approved_vnd: int = 0
    paid: int = 0
    paid_vnd: int = 0
    handed_over: int = 0
    handed_over_m2: Decimal = Decimal(0)
    graves_relocated: Decimal = Decimal(0)
    plots_allocated: int = 0
    compulsory: int = 0
    enforced: int = 0

    def add(self, other):
        for name in FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @classmethod
    def total(cls, many):
        result = cls()
        for figures in many:
            result.add(figures)
        return result

    @property
    def area_ha(self):
        return m2_to_ha(self.area_m2)

    @property
    def counted_ha(self):
        return m2_to_ha(self.counted_m2)

    @property
    def approved_ha(self):
        return m2_to_ha(self.approved_m2)

    @property
    def handed_over_ha(self):
        return m2_to_ha(self.handed_over_m2)

    @property
    def remaining(self):
        return self.cases - self.handed_over

    @property
    def remaining_ha(self):
        return m2_to_ha(self.area_m2 - self.handed_over_m2)

    @property
    def graves_remaining(self):
        return self.graves - self.graves_relocated

    @property
    def all_synthetic(self):
        return self.cases > 0 and self.synthetic == self.cases

    def share(self, name):
        """A case count as a percentage of the affected cases (None without cases)."""
        return percent(getattr(self, name), self.cases)

    @property
    def handed_over_area_pct(self):
        return percent(self.handed_over_m2, self.area_m2)


FIGURE_NAMES = tuple(f.name for f in fields(Figures))


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Ledger:
    """The registry of some cases: fixed figures per (phase, unit) and dated increments to add up."""

    fixed: dict = field(default_factory=lambda: defaultdict(Figures))
    # (phase_id, unit_id) -> [(day, attribute, amount)]
    dated: dict = field(default_factory=lambda: defaultdict(list))
    cache: dict = field(default_factory=dict)

    def keys(self):
        return set(self.fixed) | set(self.dated)

    def prefetch(self, days):
        """Nothing to read: the dated steps are all in memory (the rollups' reader reads here)."""

    def as_of(self, day):
        """{(phase_id, unit_id): Figures} with every dated step up to and including `day`.

        The result is shared between callers asking for the same day: read it, don't change it.
        """
        if day in self.cache:
            return self.cache[day]
        result = self.cache[day] = {}
        for key in self.keys():
            figures = Figures(**{name: getattr(self.fixed[key], name) for name in FIGURE_NAMES})
            for happened_on, name, amount in self.dated.get(key, ()):
                if happened_on <= day:
                    setattr(figures, name, getattr(figures, name) + amount)
            result[key] = figures
        return result


def ledger(cases):
    """The ledger of the given cases (a queryset already restricted to what the user may see)."""
    book = Ledger()
    case_ids = cases.values("pk")

    for row in (
        cases.values("phase_id", "unit_id")
        .annotate(n=Count("id"), n_synthetic=Count("id", filter=Q(is_synthetic=True)))
        .order_by()
    ):
        figures = book.fixed[(row["phase_id"], row["unit_id"])]
        figures.cases, figures.synthetic = row["n"], row["n_synthetic"]

    keys = ("case__phase_id", "case__unit_id")

    def grouped(queryset, *extra):
        return queryset.filter(case__in=case_ids).values(*keys, *extra)

    rows = grouped(LandParcel.objects.all())
    for row in rows.annotate(m2=Sum("recovered_area_m2")).order_by():
        book.fixed[(row[keys[0]], row[keys[1]])].area_m2 = row["m2"] or Decimal(0)

    graves = Asset.objects.filter(kind=Asset.Kind.GRAVE)
    rows = grouped(graves)
    for row in rows.annotate(quantity=Sum("quantity")).order_by():
        book.fixed[(row[keys[0]], row[keys[1]])].graves = row["quantity"] or Decimal(0)

    def add(rows, day, name_of, amount):
        for row in rows:
            name = name_of(row)
            book.dated[(row[keys[0]], row[keys[1]])].append((row[day], name, amount(row) or 0))

    rows = grouped(StageEvent.objects.filter(kind__in=COUNTED_EVENTS), "kind", "happened_on")
    add(rows.annotate(n=Count("id")).order_by(), "happened_on", lambda r: COUNTED_EVENTS[r["kind"]], _n)

    # Filtering and grouping on the same multi-valued relation in one .filter() keeps one join: each
    # parcel meets its case's single event of each kind (one per case and kind, a unique constraint).
    rows = grouped(
        LandParcel.objects.filter(case__events__kind__in=AREA_EVENTS), "case__events__kind", "case__events__happened_on"
    )
    add(
        rows.annotate(m2=Sum("recovered_area_m2")).order_by(),
        "case__events__happened_on",
        lambda r: AREA_EVENTS[r["case__events__kind"]],
        lambda r: r["m2"],
    )

    rows = grouped(CompensationItem.objects.filter(case__events__kind=Kind.PLAN_APPROVED), "case__events__happened_on")
    add(
        rows.annotate(vnd=Sum("amount_vnd")).order_by(),
        "case__events__happened_on",
        lambda r: "approved_vnd",
        lambda r: r["vnd"],
    )

    rows = grouped(Payment.objects.all(), "paid_on")
    add(rows.annotate(vnd=Sum("amount_vnd")).order_by(), "paid_on", lambda r: "paid_vnd", lambda r: r["vnd"])

    # Graves are relocated before the land is handed over, so a handed-over case's graves count as moved.
    rows = grouped(graves.filter(case__events__kind=Kind.HANDED_OVER), "case__events__happened_on")
    add(
        rows.annotate(quantity=Sum("quantity")).order_by(),
        "case__events__happened_on",
        lambda r: "graves_relocated",
        lambda r: r["quantity"],
    )

    rows = grouped(ResettlementPlot.objects.filter(case__isnull=False), "allocated_on")
    add(rows.annotate(n=Count("id")).order_by(), "allocated_on", lambda r: "plots_allocated", _n)
    return book


def _n(row):
    return row["n"]


def by_phase(figures_by_key):
    """{phase_id: Figures} summed over the communes."""
    result = defaultdict(Figures)
    for (phase_id, _unit_id), figures in figures_by_key.items():
        result[phase_id].add(figures)
    return dict(result)
