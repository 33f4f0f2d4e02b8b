"""Builds the synthetic cases in memory, then writes each table with one bulk insert."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history

from clearance import rules
from clearance.demo.vocabulary import (
    CASE_COUNT,
    COMMUNE_SHARE,
    COMMUNES,
    DEMO_END,
    DOCUMENTS,
    FREE_PLOTS_PER_AREA,
    HANDED_OVER_HA,
    LAND_ORIGINS,
    LAND_PRICE,
    LAND_USES,
    MEN,
    NOTICE_WINDOWS,
    RESETTLEMENT_AREAS,
    RESIDENTIAL_PLOT_M2,
    STAGE_SHARES,
    SURNAMES,
    TOTAL_HA_LIMIT,
    WOMEN,
    Kind,
)
from clearance.land_use import Group, nomenclature
from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    LandParcel,
    LandParcelUse,
    Payment,
    ResettlementPlot,
    Stage,
    StageEvent,
)
from zones.text import inline_name
from zones.workdays import WorkCalendar

# The demo's years, from the library alone: the demo is the same whatever overrides a database holds.
DEMO_YEARS = range(2022, 2027)


def _m2(value):
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _uses(parcel):
    """The parcel's uses and their areas (m²): a large residential parcel also holds garden land."""
    if parcel.main_use == "ONT" and parcel.area_m2 > RESIDENTIAL_PLOT_M2:
        return [("ONT", RESIDENTIAL_PLOT_M2), ("CLN", parcel.area_m2 - RESIDENTIAL_PLOT_M2)]
    return [(parcel.main_use, parcel.area_m2)]


def _thousands(value):
    """Round money to whole thousands of VND, as plans are written."""
    return int(Decimal(value).quantize(Decimal("1E3"), rounding=ROUND_HALF_UP)) if value else 0


class DemoBuilder:
    """Builds every row in memory, then writes each table with one bulk insert."""

    def __init__(self, rng, *, phase, communes):
        self.rng = rng
        self.calendar = WorkCalendar.build(DEMO_YEARS)
        self.phase = phase
        self.communes = communes
        self.cases = []
        self.parcels = defaultdict(list)  # case index -> parcels
        self.assets = defaultdict(list)
        self.events = defaultdict(list)
        self.compensation = defaultdict(list)
        self.payments = defaultdict(list)
        self.plots = []  # (case index or None, plot)
        self.next_parcel_no = {}

    # --- dates -----------------------------------------------------------------------------

    def _day(self, start, lo, hi, *, allowed=None):
        """A working day of state bodies lo..hi days after start (and before DEMO_END), never a Saturday."""
        days = [start + datetime.timedelta(days=i) for i in range(lo, hi + 1)]
        days = [
            d
            for d in days
            if d.weekday() < 5 and d <= DEMO_END and self.calendar.is_working_day(d) and (allowed is None or allowed(d))
        ]
        return self.rng.choice(days) if days else None

    def _timeline(self, stage, *, compulsory, enforced):
        start, end = NOTICE_WINDOWS[stage]
        dates = {Kind.NOTICE: self._day(start, 0, (end - start).days)}
        notice = dates[Kind.NOTICE]
        if compulsory:
            # Refused the count: 15 days of persuasion, then a compulsory inventory decision.
            dates[Kind.COMPULSORY_INVENTORY] = self._day(notice, 25, 40)
            dates[Kind.INVENTORY] = self._day(dates[Kind.COMPULSORY_INVENTORY], 5, 20)
        else:
            dates[Kind.INVENTORY] = self._day(notice, 14, 60)
        if Stage.order(stage) < Stage.order(Stage.PLAN_POSTED):
            return dates
        dates[Kind.PLAN_POSTED] = self._day(dates[Kind.INVENTORY], 30, 120)
        if Stage.order(stage) < Stage.order(Stage.PLAN_APPROVED):
            return dates
        # Posted for 30 days first; the recovery decision also needs 180 days' notice.
        earliest = max(dates[Kind.PLAN_POSTED] + datetime.timedelta(days=30), notice + datetime.timedelta(days=180))
        dates[Kind.PLAN_APPROVED] = approved = self._day(earliest, 0, 20)
        if Stage.order(stage) < Stage.order(Stage.RECOVERY_DECIDED):
            return dates
        dates[Kind.RECOVERY_DECIDED] = self._day(approved, 1, 10)
        if Stage.order(stage) < Stage.order(Stage.PAID):
            return dates
        # Paid within 30 days of the plan's approval.
        recovery_gap = (dates[Kind.RECOVERY_DECIDED] - approved).days
        dates[Kind.PAID] = paid = self._day(approved, recovery_gap + 1, 30)
        if Stage.order(stage) < Stage.order(Stage.HANDED_OVER):
            return dates
        if enforced:
            dates[Kind.ENFORCEMENT] = self._day(
                paid, 30, 75, allowed=lambda d: not rules.enforcement_day_refusals(d, calendar=self.calendar)
            )
            dates[Kind.HANDED_OVER] = dates[Kind.ENFORCEMENT]
        else:
            dates[Kind.HANDED_OVER] = self._day(paid, 2, 45)
        return dates

    # --- people and land -------------------------------------------------------------------

    def _id_number(self, index, kind, name):
        """A synthetic ID number of a valid shape (clearance.identity), or blank for a quarter of the people.

        A person takes one draw from the seeded generator, as when these were "MP-" numbers, so
        the rest of the demo is the same: its last six digits are the CCCD's random part, the
        others pick a birth year, or for one in five an old 9-digit CMND. Everyone is born in
        Lạng Sơn (province code 020). Organisations get a 10-digit tax code numbered by case.
        """
        if kind == Case.Kind.ORGANIZATION:
            return f"4900{index + 1:06d}"
        if kind == Case.Kind.COMMUNITY or self.rng.random() >= 0.75:
            return ""
        drawn = self.rng.randrange(10**9)
        rest, serial = divmod(drawn, 10**6)
        if rest % 5 == 0:
            return f"08{drawn % 10**7:07d}"
        year = 1940 + rest % 66
        female = "bà" in name.lower().split()[:2]
        century_and_sex = (0 if year < 2000 else 2) + female  # 0/1: born 1900–1999, man/woman; 2/3: 2000–2099
        return f"020{century_and_sex}{year % 100:02d}{serial:06d}"

    def _person(self):
        surname = self.rng.choice(SURNAMES)
        if self.rng.random() < 0.8:
            return "ông", f"{surname} {self.rng.choice(MEN)}"
        return "bà", f"{surname} {self.rng.choice(WOMEN)}"

    def _case_people(self, n):
        """Kinds and names: mostly households, a few individuals, organisations and communities."""
        rows = []
        for code, villages in COMMUNES.items():
            commune = self.communes[code].name
            rows.append((code, self.rng.choice(villages), Case.Kind.ORGANIZATION, f"UBND {commune} (đất công ích)"))
            for village in villages[:2]:
                rows.append((code, village, Case.Kind.ORGANIZATION, f"Hợp tác xã nông nghiệp {inline_name(village)}"))
            for village in villages[-2:]:
                rows.append((code, village, Case.Kind.COMMUNITY, f"Cộng đồng dân cư {inline_name(village)}"))
        while len(rows) < n:
            code = 6451 if self.rng.random() < COMMUNE_SHARE[6451] else 6460
            village = self.rng.choice(COMMUNES[code])
            title, name = self._person()
            if self.rng.random() < 0.03:
                rows.append((code, village, Case.Kind.INDIVIDUAL, f"{title.capitalize()} {name}"))
            else:
                rows.append((code, village, Case.Kind.HOUSEHOLD, f"Hộ {title} {name}"))
        # Group the codes by commune and village, as a list drawn up village by village would be.
        order = {code: i for i, code in enumerate(COMMUNES)}
        rows.sort(key=lambda r: (order[r[0]], COMMUNES[r[0]].index(r[1])))
        return rows

    def _stages(self, n):
        stages = []
        for stage, share in STAGE_SHARES[:-1]:
            stages += [stage] * round(n * share)
        stages += [STAGE_SHARES[-1][0]] * (n - len(stages))
        self.rng.shuffle(stages)
        return stages

    def _parcel_no(self, unit, sheet):
        key = (unit.pk, sheet)
        if key not in self.next_parcel_no:
            self.next_parcel_no[key] = self.rng.randint(1, 40)
        self.next_parcel_no[key] += self.rng.randint(1, 4)
        return self.next_parcel_no[key]

    def _land(self, case):
        if case.kind == Case.Kind.COMMUNITY:
            uses = [("NTD", 300, 1500)]
        elif case.kind == Case.Kind.ORGANIZATION:
            uses = [(self.rng.choice(["RSX", "CLN"]), 3000, 9000)]
        else:
            count = self.rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
            picked = self.rng.choices(LAND_USES, weights=[u[1] for u in LAND_USES], k=count)
            uses, residential = [], False
            for use, _share, lo, hi in picked:
                if use == "ONT":
                    if residential:
                        continue
                    residential = True
                uses.append((use, lo, hi))
        sheet = self.rng.randint(1, 48)
        parcels = []
        for use, lo, hi in uses:
            area = self.rng.randint(lo, hi)
            share = 1 if self.rng.random() < 0.6 else self.rng.uniform(0.3, 0.95)
            sheet = sheet if self.rng.random() < 0.7 else self.rng.randint(1, 48)
            parcel = LandParcel(
                sheet_unit=case.unit,
                map_sheet_no=sheet,
                parcel_no=self._parcel_no(case.unit, sheet),
                area_m2=_m2(area),
                recovered_area_m2=_m2(area * share),
                land_origin=self._origin(use),
                certificate_no=self._certificate(use),
            )
            parcel.main_use = use  # the builder's own note; the recorded uses come from _uses()
            parcels.append(parcel)
        return parcels

    def _origin(self, use):
        # Cemetery land of a community has no recorded origin.
        return "" if use == "NTD" else self.rng.choice(LAND_ORIGINS.get(use, LAND_ORIGINS["farm"]))

    def _certificate(self, use):
        # Some holders never got a certificate; the numbers are visibly fake.
        if use == "NTD" or self.rng.random() < 0.3:
            return ""
        return f"MP {self.rng.randrange(10**6):06d}"

    def _scale(self, parcels, factor):
        for parcel in parcels:
            parcel.area_m2 = max(_m2(parcel.area_m2 * factor), Decimal("1.0"))
            parcel.recovered_area_m2 = min(max(_m2(parcel.recovered_area_m2 * factor), Decimal("1.0")), parcel.area_m2)

    def _fit_areas(self):
        """Scale the made-up areas so the demo agrees with the article's totals."""
        handed = [p for i, c in enumerate(self.cases) if c.stage == Stage.HANDED_OVER for p in self.parcels[i]]
        others = [p for i, c in enumerate(self.cases) if c.stage != Stage.HANDED_OVER for p in self.parcels[i]]
        lo, hi = HANDED_OVER_HA
        target = (lo + (hi - lo) * Decimal(self.rng.random())) * 10_000
        self._scale(handed, target / sum(p.recovered_area_m2 for p in handed))
        room = TOTAL_HA_LIMIT * 10_000 - sum(p.recovered_area_m2 for p in handed)
        rest = sum(p.recovered_area_m2 for p in others)
        if rest > room:
            self._scale(others, room / rest)

    def _assets(self, case, parcels):
        rng = self.rng
        assets = []
        for p in parcels:
            rec = p.recovered_area_m2
            if p.main_use in ("LUC", "HNK", "BHK"):
                crop = {"LUC": "Lúa", "HNK": "Ngô", "BHK": "Sắn"}[p.main_use]
                assets.append(Asset(kind=Asset.Kind.CROP, description=crop, quantity=rec, unit_of_measure="m²"))
            elif p.main_use == "CLN":
                tree = rng.choice(["Cây na", "Cây vải", "Cây hồng"])
                assets.append(Asset(kind=Asset.Kind.TREE, description=tree, quantity=max(1, int(rec / 20)),
                                    unit_of_measure="cây"))  # fmt: skip
            elif p.main_use == "RSX":
                assets.append(Asset(kind=Asset.Kind.TREE, description="Cây keo", quantity=max(1, int(rec / 4)),
                                    unit_of_measure="cây"))  # fmt: skip
            elif p.main_use == "NTS":
                assets.append(Asset(kind=Asset.Kind.LIVESTOCK, description="Cá trắm, cá chép",
                                    quantity=rng.randint(50, 400), unit_of_measure="kg"))  # fmt: skip
            elif p.main_use == "ONT":
                assets.append(Asset(kind=Asset.Kind.HOUSE, description="Nhà cấp 4 mái tôn",
                                    quantity=rng.randint(40, 120), unit_of_measure="m²"))  # fmt: skip
                assets.append(Asset(kind=Asset.Kind.STRUCTURE, description="Tường rào xây gạch",
                                    quantity=rng.randint(10, 50), unit_of_measure="m"))  # fmt: skip
        if case.kind == Case.Kind.COMMUNITY or (case.kind == Case.Kind.HOUSEHOLD and rng.random() < 0.03):
            assets.append(Asset(kind=Asset.Kind.GRAVE, description=rng.choice(["Mộ đất", "Mộ xây"]),
                                quantity=rng.randint(1, 6) * (5 if case.kind == Case.Kind.COMMUNITY else 1),
                                unit_of_measure="ngôi"))  # fmt: skip
        if case.kind == Case.Kind.HOUSEHOLD and rng.random() < 0.05:
            assets.append(Asset(kind=Asset.Kind.STRUCTURE, description="Giếng khoan", quantity=1,
                                unit_of_measure="cái"))  # fmt: skip
        return assets

    def _compensation(self, case, parcels, assets):
        asset_price = {
            "Lúa": 8_000, "Ngô": 7_000, "Sắn": 6_000, "Cây na": 350_000, "Cây vải": 450_000, "Cây hồng": 300_000,
            "Cây keo": 25_000, "Cá trắm, cá chép": 20_000, "Nhà cấp 4 mái tôn": 3_500_000,
            "Tường rào xây gạch": 900_000, "Mộ đất": 9_000_000, "Mộ xây": 15_000_000, "Giếng khoan": 8_000_000,
        }  # fmt: skip
        # Each use is paid at its own price on its share of the recovered area.
        priced = [
            (code, p.recovered_area_m2 * area / p.area_m2 * LAND_PRICE[code])
            for p in parcels
            for code, area in _uses(p)
        ]
        land = sum(value for _code, value in priced)
        agricultural = sum(value for code, value in priced if nomenclature()[code].group == Group.AGRICULTURAL)
        items = [
            (CompensationItem.Component.LAND, "Bồi thường về đất", land),
            (
                CompensationItem.Component.ASSETS,
                "Bồi thường tài sản, cây cối, hoa màu, di chuyển mồ mả",
                sum(a.quantity * asset_price[a.description] for a in assets),
            ),
        ]
        if case.kind in (Case.Kind.HOUSEHOLD, Case.Kind.INDIVIDUAL) and agricultural:
            items.append(
                (CompensationItem.Component.SUPPORT, "Hỗ trợ ổn định đời sống, đào tạo chuyển đổi nghề",
                 agricultural * Decimal(self.rng.choice(["1.5", "2", "2.5"])))
            )  # fmt: skip
        if any(p.main_use == "ONT" for p in parcels):
            items.append(
                (CompensationItem.Component.RESETTLEMENT, "Hỗ trợ tái định cư", self.rng.randint(60, 120) * 1_000_000)
            )
        rows = [
            CompensationItem(component=c, description=d, amount_vnd=_thousands(a)) for c, d, a in items if _thousands(a)
        ]
        if not rows:
            rows.append(CompensationItem(component=CompensationItem.Component.SUPPORT, description="Hỗ trợ khác",
                                         amount_vnd=5_000_000))  # fmt: skip
        return rows

    def _event(self, case, kind, day, note=""):
        doc_type, _suffix, issuer = DOCUMENTS[kind]
        doc_date = day
        if kind == Kind.ENFORCEMENT:
            # The enforcement decision is served before the day it is carried out.
            doc_date = day - datetime.timedelta(days=self.rng.randint(15, 25))
        return StageEvent(
            kind=kind,
            happened_on=day,
            doc_type=doc_type,
            doc_date=doc_date,
            doc_issuer=issuer or f"UBND {inline_name(case.unit.name)}",
            note=note,
        )

    def build(self):
        rng = self.rng
        people = self._case_people(CASE_COUNT)
        stages = self._stages(CASE_COUNT)
        # A handful of refusals: compulsory counts, and enforced handovers.
        compulsory = set(rng.sample(range(CASE_COUNT), 8))
        handed = [i for i, s in enumerate(stages) if s == Stage.HANDED_OVER]
        enforced = set(rng.sample(handed, 3))
        for i, ((code, village, kind, name), stage) in enumerate(zip(people, stages, strict=True)):
            unit = self.communes[code]
            case = Case(
                phase=self.phase,
                unit=unit,
                code=f"MP-{i + 1:04d}",
                kind=kind,
                name=name,
                id_number=self._id_number(i, kind, name),
                address=f"{village}, {inline_name(unit.name)}, huyện Hữu Lũng, tỉnh Lạng Sơn",
                village=village,
                stage=stage,
                is_synthetic=True,
            )
            self.cases.append(case)
            self.parcels[i] = self._land(case)
            dates = self._timeline(stage, compulsory=i in compulsory, enforced=i in enforced)
            for event_kind, day in dates.items():
                note = ""
                if event_kind == Kind.COMPULSORY_INVENTORY:
                    note = "Không phối hợp kiểm đếm; đã vận động, thuyết phục 15 ngày."
                elif event_kind == Kind.ENFORCEMENT:
                    note = "Cưỡng chế thực hiện quyết định thu hồi đất."
                self.events[i].append(self._event(case, event_kind, day, note))
        self._fit_areas()
        for i, case in enumerate(self.cases):
            self.assets[i] = self._assets(case, self.parcels[i])
            if case.has_reached(Stage.PLAN_APPROVED):
                self.compensation[i] = self._compensation(case, self.parcels[i], self.assets[i])
            if case.has_reached(Stage.PAID):
                paid = next(e for e in self.events[i] if e.kind == Kind.PAID)
                total = sum(item.amount_vnd for item in self.compensation[i])
                self.payments[i].append(Payment(paid_on=paid.happened_on, amount_vnd=total))
        self._resettlement()
        self._number_documents()
        return self

    def _resettlement(self):
        """Plots for some handed-over cases that lost residential land, and some still free."""
        next_plot = defaultdict(int)

        def plot(code):
            next_plot[code] += 1
            return ResettlementPlot(
                resettlement_area=RESETTLEMENT_AREAS[code],
                plot_no=f"LK-{next_plot[code]:03d}",
                area_m2=_m2(self.rng.choice([100, 120, 150, 180, 200])),
            )

        for i, case in enumerate(self.cases):
            residential = any(p.main_use == "ONT" for p in self.parcels[i])
            if case.stage != Stage.HANDED_OVER or not residential or self.rng.random() < 0.3:
                continue
            handed_over = next(e for e in self.events[i] if e.kind == Kind.HANDED_OVER).happened_on
            day = self._day(handed_over, 15, 90)
            if day is None:
                continue
            allocated = plot(case.unit.code)
            allocated.allocated_on = day
            self.plots.append((i, allocated))
            self.events[i].append(self._event(case, Kind.RESETTLEMENT, day, "Giao đất tái định cư."))
        for code in COMMUNES:
            self.plots += [(None, plot(code)) for _n in range(FREE_PLOTS_PER_AREA)]

    def _number_documents(self):
        """Number each issuer's acts in date order, per year, as a register would."""
        events = sorted(
            (e for i in range(len(self.cases)) for e in self.events[i]),
            key=lambda e: (e.doc_date, Kind.values.index(e.kind)),
        )
        counters = {}
        for event in events:
            _doc_type, suffix, _issuer = DOCUMENTS[event.kind]
            key = (event.doc_issuer, suffix, event.doc_date.year)
            if key not in counters:
                counters[key] = self.rng.randint(20, 300)
            counters[key] += self.rng.randint(1, 3)
            event.doc_number = f"{counters[key]}/{suffix}"
        for i in range(len(self.cases)):
            for payment in self.payments[i]:
                payment.doc_number = next(e.doc_number for e in self.events[i] if e.kind == Kind.PAID)

    def save(self):
        reason = "Dữ liệu mô phỏng (generate_demo)"
        for case in self.cases:
            case.refresh_search_text()
        cases = bulk_create_with_history(self.cases, Case, batch_size=500, default_change_reason=reason)
        for rows_by_case, model in (
            (self.parcels, LandParcel),
            (self.assets, Asset),
            (self.events, StageEvent),
            (self.compensation, CompensationItem),
            (self.payments, Payment),
        ):
            rows = []
            for i, case in enumerate(cases):
                for row in rows_by_case[i]:
                    row.case = case
                    rows.append(row)
            created = bulk_create_with_history(rows, model, batch_size=500, default_change_reason=reason)
            if model is LandParcel:
                uses = [
                    LandParcelUse(parcel=parcel, land_use_code=code, area_m2=area)
                    for parcel in created
                    for code, area in _uses(parcel)
                ]
                bulk_create_with_history(uses, LandParcelUse, batch_size=500, default_change_reason=reason)
        plots = []
        for i, plot in self.plots:
            plot.case = cases[i] if i is not None else None
            plots.append(plot)
        bulk_create_with_history(plots, ResettlementPlot, batch_size=500, default_change_reason=reason)
