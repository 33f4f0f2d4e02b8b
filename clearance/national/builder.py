"""Builds the national set a group of zones at a time: plain rows, written through a sink, then dropped.

The rows follow the demo's rules (clearance.demo.builder): stage events in legal order with the
gaps clearance.rules sets, on working days of state bodies, a case's stage the last main-line
act it has; compensation lines from the plan's approval on, the payment after the recovery
decision and within 30 days of the approval; ID numbers in the shapes clearance.identity
accepts; land-use codes of the nomenclature. Every case is is_synthetic; zones, phases and
reports cite the synthetic Source.
"""

import datetime
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import accumulate
from types import SimpleNamespace

from clearance import rules
from clearance.demo import vocabulary as demo
from clearance.models import (
    DERIVED_FIELDS,
    Asset,
    Case,
    CompensationItem,
    Complaint,
    LandParcel,
    LandParcelUse,
    Payment,
    ProgressReport,
    Stage,
    StageEvent,
)
from clearance.national import vocabulary as v
from clearance.national.dates import Dates
from zones.models import Phase, Qualifier, Zone
from zones.text import fold, inline_name

Kind = StageEvent.Kind
DAY = datetime.timedelta(days=1)
HA = Decimal("0.01")
# A larger residential parcel also holds garden land (CLN), as in the demo; in tenths of m².
RESIDENTIAL_PLOT = int(demo.RESIDENTIAL_PLOT_M2 * 10)

# The columns each table is written with; the writer checks they cover every field of the model.
CASE_COLUMNS = ("id", "phase_id", "unit_id", "code", "kind", "name", "id_number", "address", "village", "stage",
                "is_synthetic", "version", "created_at", "updated_at", "search_text", *DERIVED_FIELDS)  # fmt: skip
# A case's kept fields are computed from its rows after the load (after_bulk_load → rollups.rebuild).
UNKEPT = (0, 0, None, None, None, None, None, None)
PARCEL_COLUMNS = ("id", "case_id", "sheet_unit_id", "map_sheet_no", "parcel_no", "area_m2", "recovered_area_m2",
                  "land_origin", "certificate_no")  # fmt: skip
USE_COLUMNS = ("parcel_id", "land_use_code", "area_m2")
ASSET_COLUMNS = ("case_id", "kind", "description", "quantity", "unit_of_measure")
EVENT_COLUMNS = ("case_id", "kind", "happened_on", "start_time", "note", "recorded_at", "doc_type", "doc_number",
                 "doc_date", "doc_issuer")  # fmt: skip
COMPENSATION_COLUMNS = ("case_id", "component", "description", "amount_vnd")
PAYMENT_COLUMNS = ("case_id", "paid_on", "amount_vnd", "doc_number", "note")
COMPLAINT_COLUMNS = ("case_id", "received_on", "summary", "status", "resolved_on", "resolution")


def search_text(model, **values):
    """What Searchable.refresh_search_text stores, for a row written without an instance."""
    return fold(" ".join(w for w in model.search_words(SimpleNamespace(**values)) if w))


def zone_search_text(zone, unit):
    # Zone.search_words reads the unit's name with a query per zone; here the unit is at hand.
    return fold(" ".join(w for w in (zone.name, zone.location, unit.name) if w))


def area_text(tenths):
    """An area kept as whole tenths of m², written as the decimal its column holds: 1234 -> "123.4"."""
    return f"{tenths // 10}.{tenths % 10}"


def _thousands(value):
    return int(Decimal(value).quantize(Decimal("1E3"), rounding=ROUND_HALF_UP)) if value else 0


def _ha(tenths, rounding=ROUND_HALF_UP):
    return (Decimal(tenths) / 100_000).quantize(HA, rounding=rounding)


class NationalBuilder:
    def __init__(self, rng, *, sink, source_pk, now):
        self.rng = rng
        self.sink = sink
        self.source_pk = source_pk
        self.now = now
        self.dates = Dates()
        self.next_parcel_no = {}  # (commune pk, sheet) -> last parcel number, across chunks
        self.doc_counters = {}  # (issuer, suffix, year) -> last number, across chunks
        self.org_serial = 0
        self.stages = [s for s, _share in v.STAGE_SHARES]
        self.parcel_weights = list(accumulate(v.PARCEL_WEIGHTS))
        self.use_weights = list(accumulate(u[1] for u in demo.LAND_USES))
        self.report_days = [v.NATIONAL_END - DAY * 7 * k for k in reversed(range(v.REPORT_WEEKS))]

    # --- one group of zones ---------------------------------------------------------------------

    def build(self, zones):
        """Build and write the zones, their phases, cases and everything on them, and their reports."""
        rows = {model: [] for model in (Case, LandParcel, Asset, StageEvent, CompensationItem, Payment, Complaint)}
        self.uses, self.numbered, self.payments = [], [], []
        zone_rows, phase_rows, reports = [], [], []
        for zone, pk in zip(zones, self.sink.reserve(Zone, len(zones)), strict=True):
            zone.pk = pk
        phases = [(zone, phase) for zone in zones for phase in zone.phases]
        for (_zone, phase), pk in zip(phases, self.sink.reserve(Phase, len(phases)), strict=True):
            phase.pk = pk
        for zone in zones:
            zone_ha = []
            for phase in zone.phases:
                summaries = self._phase_cases(zone, phase, rows)
                recovered = sum(s[4] for s in summaries)
                area = (_ha(recovered, ROUND_CEILING) * Decimal(self.rng.uniform(1.05, 1.4))).quantize(
                    HA, rounding=ROUND_CEILING
                )
                zone_ha.append(area)
                phase_rows.append(self._phase(zone, phase, area))
                reports += self._reports(zone, phase, summaries)
            zone_rows.append(self._zone(zone, sum(zone_ha)))
        self._number_documents()
        parcel_ids = self.sink.reserve(LandParcel, len(rows[LandParcel]))
        for parcel, pk in zip(rows[LandParcel], parcel_ids, strict=True):
            parcel[0] = pk
        uses = [(parcel[0], code, area) for parcel, code, area in self.uses]
        sink = self.sink
        sink.create(Zone, zone_rows)
        sink.create(Phase, phase_rows)
        sink.write(Case, CASE_COLUMNS, rows[Case])
        sink.write(LandParcel, PARCEL_COLUMNS, rows[LandParcel])
        sink.write(LandParcelUse, USE_COLUMNS, uses)
        sink.write(Asset, ASSET_COLUMNS, rows[Asset])
        sink.write(StageEvent, EVENT_COLUMNS, rows[StageEvent])
        sink.write(CompensationItem, COMPENSATION_COLUMNS, rows[CompensationItem])
        sink.write(Payment, PAYMENT_COLUMNS, rows[Payment])
        sink.write(Complaint, COMPLAINT_COLUMNS, rows[Complaint])
        sink.create(ProgressReport, reports)
        return sum(zone.cases for zone in zones)

    def _zone(self, zone, phases_ha):
        rng = self.rng
        unit = zone.communes[0].unit
        if zone.kind == Zone.Kind.INDUSTRIAL_ZONE:
            planned = (phases_ha * Decimal(rng.uniform(1.2, 2.0))).quantize(HA, rounding=ROUND_CEILING)
            leasable = (planned * Decimal("0.7")).quantize(HA, rounding=ROUND_DOWN)
            leased = (leasable * Decimal(rng.uniform(0, 0.2))).quantize(HA, rounding=ROUND_DOWN)
        else:
            planned = (phases_ha * Decimal(rng.uniform(1.0, 1.2))).quantize(HA, rounding=ROUND_CEILING)
            leasable = leased = None
        row = Zone(
            pk=zone.pk,
            name=zone.name,
            kind=zone.kind,
            status=Zone.Status.SITE_CLEARANCE,
            unit_id=unit.pk,
            location=", ".join([*(c.inline for c in zone.communes), zone.province.inline]),
            planned_area_ha=planned,
            planned_area_qualifier=Qualifier.ABOUT,
            leasable_area_ha=leasable,
            leased_area_ha=leased,
            source_id=self.source_pk,
            notes="Dữ liệu mô phỏng (generate_national), không phải số liệu thật.",
        )
        row.search_text = zone_search_text(row, unit)
        return row

    def _phase(self, zone, phase, area):
        return Phase(
            pk=phase.pk,
            zone_id=zone.pk,
            number=phase.number,
            name=f"Giai đoạn {phase.number}",
            area_ha=area,
            source_id=self.source_pk,
            clearance_lead=f"UBND {zone.communes[0].inline}",
            clearance_target_on=v.NATIONAL_END + DAY * self.rng.randint(60, 400),
        )

    # --- cases ----------------------------------------------------------------------------------

    def _phase_cases(self, zone, phase, rows):
        """Write the phase's cases into `rows`; return one summary a case for the weekly reports."""
        rng = self.rng
        weights = list(accumulate(share * rng.uniform(0.5, 1.5) for _stage, share in v.STAGE_SHARES))
        summaries = []
        for i, case_id in enumerate(self.sink.reserve(Case, phase.cases)):
            commune = rng.choice(zone.communes)
            village = rng.choice(commune.villages)
            kind, name = self._holder(commune, village)
            target = rng.choices(self.stages, cum_weights=weights)[0]
            compulsory = target != Stage.NOTICE and rng.random() < v.COMPULSORY_SHARE
            enforced = target == Stage.HANDED_OVER and rng.random() < v.ENFORCED_SHARE
            dates = self._timeline(target, compulsory=compulsory, enforced=enforced)
            stage = max((k for k in dates if k in Stage.values), key=Stage.order)
            code = f"MPQG-{i + 1:05d}"
            id_number = self._id_number(kind, name, commune.province)
            rows[Case].append((
                case_id, phase.pk, commune.pk, code, kind, name, id_number,
                f"{village}, {commune.inline}, {commune.province.inline}", village, stage, True, 1, self.now,
                self.now, search_text(Case, name=name, code=code, id_number=id_number, village=village), *UNKEPT,
            ))  # fmt: skip
            parcels = self._land(case_id, kind, commune, rows)
            assets, graves = self._assets(case_id, kind, parcels, rows)
            issuers = self._issuers(commune)
            events = {k: self._event(case_id, k, day, issuers, rows) for k, day in dates.items()}
            total = paid_amount = 0
            if Kind.PLAN_APPROVED in dates:
                total = self._compensation(case_id, kind, parcels, assets, rows)
            if Kind.PAID in dates:
                # Paid on the day of the payment minute, under its number (set once the chunk is numbered).
                payment = [case_id, dates[Kind.PAID], total, "", ""]
                rows[Payment].append(payment)
                self.payments.append((payment, events[Kind.PAID]))
                paid_amount = total
            if rng.random() < v.COMPLAINT_SHARE:
                self._complaint(case_id, dates[Kind.NOTICE], rows)
            summaries.append((
                dates.get(Kind.INVENTORY), dates.get(Kind.PLAN_APPROVED), dates.get(Kind.PAID),
                dates.get(Kind.HANDED_OVER), sum(p[1] for p in parcels), total, paid_amount, graves,
            ))  # fmt: skip
        return summaries

    def _timeline(self, target, *, compulsory, enforced):
        """The dates of the case's acts up to `target`, in legal order; fewer if the period ends first."""
        rng, pick = self.rng, self.dates.pick
        start, end = v.NOTICE_WINDOWS[target]
        goal = Stage.order(target)
        notice = pick(rng, start, 0, (end - start).days)
        dates = {Kind.NOTICE: notice}
        if goal < Stage.order(Stage.INVENTORY):
            return dates
        if compulsory:
            # Refused the count: 15 days of persuasion, the compulsory inventory decision, then the count.
            decision = pick(rng, rules.earliest_compulsory_inventory(notice), 10, 25)
            counted = decision and pick(rng, decision, 5, 20)
            if counted:
                dates[Kind.COMPULSORY_INVENTORY] = decision
        else:
            counted = pick(rng, notice, 14, 60)
        if counted is None:
            return dates
        dates[Kind.INVENTORY] = counted
        if goal < Stage.order(Stage.PLAN_POSTED) or not (posted := pick(rng, counted, 30, 120)):
            return dates
        dates[Kind.PLAN_POSTED] = posted
        # Posted for 30 days first; the recovery decision also needs the longer (180-day) notice.
        earliest = max(
            rules.earliest_plan_approval(posted), rules.earliest_recovery_decision(notice, non_agricultural=True)
        )
        if goal < Stage.order(Stage.PLAN_APPROVED) or not (approved := pick(rng, earliest, 0, 20)):
            return dates
        dates[Kind.PLAN_APPROVED] = approved
        decide = pick(rng, approved, 1, rules.RECOVERY_DECISION_DAYS)
        if goal < Stage.order(Stage.RECOVERY_DECIDED) or not decide:
            return dates
        dates[Kind.RECOVERY_DECIDED] = decide
        paid = pick(rng, decide, 1, (rules.payment_deadline(approved) - decide).days)
        if goal < Stage.order(Stage.PAID) or not paid:
            return dates
        dates[Kind.PAID] = paid
        if goal < Stage.order(Stage.HANDED_OVER):
            return dates
        enforcement = enforced and pick(rng, paid, 30, 75, days=self.dates.enforceable)
        if enforcement:
            dates[Kind.ENFORCEMENT] = dates[Kind.HANDED_OVER] = enforcement
        elif handed := pick(rng, paid, 2, 45):
            dates[Kind.HANDED_OVER] = handed
        return dates

    def _holder(self, commune, village):
        rng = self.rng
        draw = rng.random()
        if draw < 0.01:
            name = rng.choice(
                [f"UBND {commune.inline} (đất công ích)", f"Hợp tác xã nông nghiệp {inline_name(village)}"]
            )
            return Case.Kind.ORGANIZATION, name
        if draw < 0.015:
            return Case.Kind.COMMUNITY, f"Cộng đồng dân cư {inline_name(village)}"
        surname = rng.choice(demo.SURNAMES)
        title, given = ("ông", rng.choice(demo.MEN)) if rng.random() < 0.8 else ("bà", rng.choice(demo.WOMEN))
        if draw < 0.045:
            return Case.Kind.INDIVIDUAL, f"{title.capitalize()} {surname} {given}"
        return Case.Kind.HOUSEHOLD, f"Hộ {title} {surname} {given}"

    def _id_number(self, kind, name, province):
        """A made-up number of a valid shape (clearance.identity), or blank for a quarter of the people.

        A CCCD starts with the code of the province the holder was born in: here the case's own.
        """
        rng = self.rng
        if kind == Case.Kind.ORGANIZATION:
            self.org_serial += 1
            return f"99{self.org_serial:08d}"
        if kind == Case.Kind.COMMUNITY or rng.random() >= 0.75:
            return ""
        drawn = rng.randrange(10**9)
        rest, serial = divmod(drawn, 10**6)
        if rest % 5 == 0:
            return f"{drawn:09d}"  # an old 9-digit CMND
        year = 1940 + rest % 66
        female = "bà" in name.lower().split()[:2]
        return f"{province.cccd_code}{(0 if year < 2000 else 2) + female}{year % 100:02d}{serial:06d}"

    # --- land, assets, money --------------------------------------------------------------------

    def _land(self, case_id, kind, commune, rows):
        """The case's parcels, as rows with their id to come; returns (row, recovered tenths, main use) each."""
        rng = self.rng
        if kind == Case.Kind.COMMUNITY:
            uses = [("NTD", 300, 1500)] * rng.randint(1, 2)
        elif kind == Case.Kind.ORGANIZATION:
            uses = [(rng.choice(["RSX", "CLN"]), 3000, 9000) for _ in range(rng.randint(2, 6))]
        else:
            count = rng.choices(v.PARCEL_COUNTS, cum_weights=self.parcel_weights)[0]
            uses, residential = [], False
            for use, _share, lo, hi in rng.choices(demo.LAND_USES, cum_weights=self.use_weights, k=count):
                if use == "ONT" and residential:
                    use, lo, hi = "CLN", 400, 4000  # one house plot a household; the rest is garden
                residential = residential or use == "ONT"
                uses.append((use, lo, hi))
        offset = commune.sheet_offset
        sheet = offset + rng.randint(1, 48)
        parcels = []
        for use, lo, hi in uses:
            area = rng.randint(lo, hi) * 10
            recovered = area if rng.random() < 0.6 else max(1, round(area * rng.uniform(0.3, 0.95)))
            if rng.random() >= 0.7:
                sheet = offset + rng.randint(1, 48)
            key = (commune.pk, sheet)
            number = self.next_parcel_no.get(key) or rng.randint(1, 40)
            number = self.next_parcel_no[key] = number + rng.randint(1, 4)
            origin = "" if use == "NTD" else rng.choice(demo.LAND_ORIGINS.get(use, demo.LAND_ORIGINS["farm"]))
            certificate = "" if use == "NTD" or rng.random() < 0.3 else f"MP {rng.randrange(10**6):06d}"
            row = [None, case_id, commune.pk, sheet, number, area_text(area), area_text(recovered), origin, certificate]
            rows[LandParcel].append(row)
            if use == "ONT" and area > RESIDENTIAL_PLOT:
                split = [("ONT", RESIDENTIAL_PLOT), ("CLN", area - RESIDENTIAL_PLOT)]
            else:
                split = [(use, area)]
            self.uses += [(row, code, area_text(part)) for code, part in split]
            parcels.append((row, recovered, use, area, split))
        return parcels

    def _assets(self, case_id, kind, parcels, rows):
        """The case's assets; returns [(description, quantity)] for the plan, and its graves."""
        rng = self.rng
        made = []
        for _row, recovered, use, _area, _split in parcels:
            if use != "NTD" and rng.random() >= v.ASSET_SHARE:
                continue
            metres = recovered / 10
            if use in ("LUC", "HNK", "BHK"):
                crop = {"LUC": "Lúa", "HNK": "Ngô", "BHK": "Sắn"}[use]
                made.append((Asset.Kind.CROP, crop, metres, "m²"))
            elif use == "CLN":
                made.append(
                    (Asset.Kind.TREE, rng.choice(["Cây na", "Cây vải", "Cây hồng"]), max(1, int(metres / 20)), "cây")
                )
            elif use == "RSX":
                made.append((Asset.Kind.TREE, "Cây keo", max(1, int(metres / 4)), "cây"))
            elif use == "NTS":
                made.append((Asset.Kind.LIVESTOCK, "Cá trắm, cá chép", rng.randint(50, 400), "kg"))
            elif use == "ONT":
                made.append((Asset.Kind.HOUSE, "Nhà cấp 4 mái tôn", rng.randint(40, 120), "m²"))
                if rng.random() < 0.5:
                    made.append((Asset.Kind.STRUCTURE, "Tường rào xây gạch", rng.randint(10, 50), "m"))
            elif use == "NTD":
                made.append((Asset.Kind.GRAVE, rng.choice(["Mộ đất", "Mộ xây"]), rng.randint(1, 6) * 5, "ngôi"))
        if kind == Case.Kind.HOUSEHOLD and rng.random() < 0.03:
            made.append((Asset.Kind.GRAVE, rng.choice(["Mộ đất", "Mộ xây"]), rng.randint(1, 3), "ngôi"))
        if kind == Case.Kind.HOUSEHOLD and rng.random() < 0.05:
            made.append((Asset.Kind.STRUCTURE, "Giếng khoan", 1, "cái"))
        rows[Asset] += [(case_id, k, d, str(q), unit) for k, d, q, unit in made]
        graves = sum(q for k, _d, q, _u in made if k == Asset.Kind.GRAVE)
        return [(d, q) for _k, d, q, _u in made], graves

    def _compensation(self, case_id, kind, parcels, assets, rows):
        """The approved plan's lines, rounded to thousands of VND; returns their total."""
        rng = self.rng
        # Each use is paid at its own price on its share of the recovered area.
        land = sum(
            recovered / area * part / 10 * demo.LAND_PRICE.get(code, 60_000)
            for _row, recovered, _use, area, split in parcels
            for code, part in split
        )
        on_land = sum(quantity * v.ASSET_PRICE[description] for description, quantity in assets)
        support = 0
        if kind in (Case.Kind.HOUSEHOLD, Case.Kind.INDIVIDUAL):
            # Living support: 30 kg of rice a person a month.
            support = rng.randint(1, 6) * 30 * rng.choice([6, 12, 24, 36]) * v.RICE_PRICE_VND_PER_KG
        resettlement = 0
        if any(use == "ONT" and recovered == area for _row, recovered, use, area, _split in parcels):
            resettlement = rng.randint(60, 120) * 1_000_000
        Component = CompensationItem.Component
        lines = [
            (Component.LAND, "Bồi thường về đất", _thousands(land)),
            (Component.ASSETS, "Bồi thường tài sản trên đất", _thousands(on_land)),
            (Component.SUPPORT, "Hỗ trợ ổn định đời sống", support),
            (Component.RESETTLEMENT, "Hỗ trợ tái định cư", resettlement),
        ]
        lines = [(case_id, c, d, amount) for c, d, amount in lines if amount] or [
            (case_id, Component.SUPPORT, "Hỗ trợ khác", 5_000_000)
        ]
        rows[CompensationItem] += lines
        return sum(line[3] for line in lines)

    def _complaint(self, case_id, notice, rows):
        rng, pick = self.rng, self.dates.pick
        received = pick(rng, notice, 5, 300)
        if received is None:
            return
        resolved = pick(rng, received, 5, 60) if rng.random() < v.RESOLVED_SHARE else None
        status = Complaint.Status.RESOLVED if resolved else Complaint.Status.OPEN
        resolution = rng.choice(v.RESOLUTIONS) if resolved else ""
        rows[Complaint].append((case_id, received, rng.choice(v.COMPLAINTS), status, resolved, resolution))

    # --- documents ------------------------------------------------------------------------------

    def _issuers(self, commune):
        """Who issues each act since 1 July 2025: the commune (Decree 151/2025), the province's land fund."""
        return {
            demo.DISTRICT: f"UBND {commune.inline}",
            None: f"UBND {commune.inline}",
            demo.COUNCIL: f"Hội đồng bồi thường, hỗ trợ và tái định cư {commune.inline}",
            demo.LAND_FUND: f"Trung tâm Phát triển quỹ đất {commune.province.inline}",
        }

    def _event(self, case_id, kind, day, issuers, rows):
        doc_type, suffix, issuer = demo.DOCUMENTS[kind]
        note, doc_date = "", day
        if kind == Kind.COMPULSORY_INVENTORY:
            note = "Không phối hợp kiểm đếm; đã vận động, thuyết phục 15 ngày."
        elif kind == Kind.ENFORCEMENT:
            note = "Cưỡng chế thực hiện quyết định thu hồi đất."
            # The enforcement decision is served before the day it is carried out.
            doc_date = day - DAY * self.rng.randint(15, 25)
        row = [case_id, kind, day, None, note, self.now, doc_type, "", doc_date, issuers[issuer]]
        rows[StageEvent].append(row)
        self.numbered.append((row, suffix))
        return row

    def _number_documents(self):
        """Number each issuer's acts in date order, per year, as a register would."""
        order = {kind: i for i, kind in enumerate(Kind.values)}
        self.numbered.sort(key=lambda e: (e[0][8], order[e[0][1]]))
        counters = self.doc_counters
        for row, suffix in self.numbered:
            key = (row[9], suffix, row[8].year)
            counters[key] = counters.get(key) or self.rng.randint(20, 300)
            counters[key] += self.rng.randint(1, 3)
            row[7] = f"{counters[key]}/{suffix}"
        for payment, event in self.payments:
            payment[3] = event[7]

    # --- weekly reports -------------------------------------------------------------------------

    def _reports(self, zone, phase, summaries):
        """The phase's weekly figures, as of each Friday, computed from its cases' dates."""
        rng = self.rng
        reports = []
        for week, day in enumerate(self.report_days):
            counted = [s for s in summaries if s[0] and s[0] <= day]
            approved = [s for s in counted if s[1] and s[1] <= day]
            paid = [s for s in approved if s[2] and s[2] <= day]
            handed = [s for s in paid if s[3] and s[3] <= day]
            last = week == len(self.report_days) - 1
            reports.append(
                ProgressReport(
                    phase_id=phase.pk,
                    unit_id=zone.communes[0].pk,
                    reported_on=day,
                    source_id=self.source_pk,
                    cases_total=len(summaries),
                    cases_counted=len(counted),
                    area_counted_ha=_ha(sum(s[4] for s in counted)),
                    plans_approved_cases=len(approved),
                    plans_approved_vnd=sum(s[5] for s in approved),
                    cases_paid=len(paid),
                    amount_paid_vnd=sum(s[6] for s in paid),
                    area_handed_over_ha=_ha(sum(s[4] for s in handed)),
                    graves_relocated=sum(s[7] for s in handed),
                    obstacles=rng.choice(v.OBSTACLES),
                    proposals=rng.choice(v.PROPOSALS),
                    status=ProgressReport.Status.SUBMITTED if last else ProgressReport.Status.ACCEPTED,
                )
            )
        return reports
