"""The places of the national set: provinces and communes, and the zones, clusters and phases planned in them.

Lạng Sơn's real 2025 communes are used as they are (read, never written). Every other province
is synthetic: an AdminUnit named "… (mô phỏng)" with a code from vocabulary.CODE_BASE, which
no official code reaches. The plan is drawn before any case, so the case count is exact.
"""

from dataclasses import dataclass, field

from django.db.models import Max

from clearance.models import LandParcel
from clearance.national import vocabulary as v
from zones.models import REFORM_DATE, AdminUnit
from zones.text import inline_name

Level = AdminUnit.Level
Structure = AdminUnit.Structure


@dataclass(eq=False)
class Province:
    index: int  # position in vocabulary.PROVINCES, from 1
    name: str
    unit_type: str
    cccd_code: str
    real: bool
    unit: AdminUnit | None = None
    communes: list = field(default_factory=list)

    @property
    def inline(self):
        return inline_name(self.unit.name)


@dataclass(eq=False)
class Commune:
    unit: AdminUnit
    stem: str  # the place name alone, for zone names: "Tân Lập"
    province: Province
    villages: list
    sheet_offset: int = 0  # real communes: map sheets are numbered past the ones already recorded

    @property
    def pk(self):
        return self.unit.pk

    @property
    def inline(self):
        return inline_name(self.unit.name)


@dataclass(eq=False)
class PhasePlan:
    number: int
    cases: int
    pk: int | None = None


@dataclass(eq=False)
class ZonePlan:
    kind: str
    province: Province
    phases: list
    communes: list = field(default_factory=list)
    name: str = ""
    pk: int | None = None

    @property
    def cases(self):
        return sum(p.cases for p in self.phases)


def default_provinces(cases):
    """One province per CASES_PER_PROVINCE cases, at least one, at most the 34."""
    return max(1, min(v.MAX_PROVINCES, -(-cases // v.CASES_PER_PROVINCE)))


def lang_son_units():
    """Lạng Sơn's real province and 2025 communes, or (None, []) when load_lang_son has not run."""
    province = AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.PROVINCE, code=v.LANG_SON_CODE).first()
    communes = list(AdminUnit.objects.current().communes().filter(parent=province).order_by("code")) if province else []
    return (province, communes) if communes else (None, [])


def choose_provinces(count, *, lang_son):
    """The first `count` of the 34; Lạng Sơn (first) is real when its units are loaded, else left out."""
    chosen = []
    for index, (name, unit_type, cccd) in enumerate(v.PROVINCES, start=1):
        real = name == v.LANG_SON
        if real and lang_son is None:
            continue
        chosen.append(Province(index=index, name=name, unit_type=unit_type, cccd_code=cccd, real=real))
        if len(chosen) == count:
            break
    return chosen


def plan_zones(rng, provinces, cases):
    """Zones and clusters with their phases' case counts, the cases split evenly between provinces."""
    share, extra = divmod(cases, len(provinces))
    zones = []
    for position, province in enumerate(provinces):
        remaining = share + (position < extra)
        while remaining > 0:
            if rng.random() < v.ZONE_SHARE:
                kind, counts = "kcn", [rng.randint(*v.ZONE_PHASE_CASES) for _ in range(rng.randint(*v.ZONE_PHASES))]
            else:
                kind, counts = "ccn", [rng.randint(*v.CLUSTER_CASES)]
            phases = []
            for number, count in enumerate(counts, start=1):
                count = min(count, remaining)
                if count:
                    phases.append(PhasePlan(number=number, cases=count))
                    remaining -= count
            zones.append(ZonePlan(kind=kind, province=province, phases=phases))
    return zones


def _villages(rng):
    return [f"Thôn {name}" for name in rng.sample(v.VILLAGE_NAMES, rng.randint(4, 7))]


def build_units(rng, provinces, zones, *, lang_son, lang_son_communes, sink):
    """The synthetic provinces and their communes (written through `sink`), and each zone's communes.

    A zone takes 1–3 communes of its own; Lạng Sơn, with its 65 real communes, shares them
    round the list once they are all taken.
    """
    by_province = {}
    for zone in zones:
        zone.communes = [None] * rng.randint(1, 3)
        by_province.setdefault(zone.province, []).append(zone)
    units = []
    for province in provinces:
        needed = sum(len(z.communes) for z in by_province.get(province, []))
        if province.real:
            province.unit = lang_son
            province.communes = [
                Commune(unit=u, stem=u.name.split(" ", 1)[1], province=province, villages=_villages(rng))
                for u in lang_son_communes
            ]
            continue
        code = v.CODE_BASE + province.index * v.PROVINCE_CODE_STEP
        prefix = "Thành phố" if province.unit_type == "thành phố" else "Tỉnh"
        province.unit = AdminUnit(
            code=code,
            name=f"{prefix} {province.name} {v.SYNTHETIC_MARK}",
            unit_type=province.unit_type,
            level=Level.PROVINCE,
            structure=Structure.CURRENT,
        )
        units.append(province.unit)
        # A few communes with no project, as a real province has.
        stems = rng.sample(v.PLACE_NAMES, len(v.PLACE_NAMES))
        for n in range(needed + max(3, needed // 4)):
            stem = stems[n % len(stems)] + (f" {n // len(stems) + 1}" if n >= len(stems) else "")
            ward = rng.random() < 0.1
            unit = AdminUnit(
                code=code + n + 1,
                name=f"{'Phường' if ward else 'Xã'} {stem} {v.SYNTHETIC_MARK}",
                unit_type="phường" if ward else "xã",
                level=Level.COMMUNE,
                structure=Structure.CURRENT,
                valid_from=REFORM_DATE,
            )
            units.append(unit)
            province.communes.append(Commune(unit=unit, stem=stem, province=province, villages=_villages(rng)))
    for unit, pk in zip(units, sink.reserve(AdminUnit, len(units)), strict=True):
        unit.pk = pk
    for province in provinces:
        for commune in province.communes:
            commune.unit.parent_id = province.unit.pk
    for unit in units:
        unit.refresh_search_text()
    sink.create(AdminUnit, units)
    _set_sheet_offsets([c for p in provinces if p.real for c in p.communes])
    for province in provinces:
        pool = province.communes
        taken = 0
        for zone in by_province.get(province, []):
            for i in range(len(zone.communes)):
                zone.communes[i] = pool[taken % len(pool)]
                taken += 1
            # The same commune twice in a zone (a small real province) counts once.
            zone.communes = list(dict.fromkeys(zone.communes))
    return units


def _set_sheet_offsets(communes):
    """Real communes may hold parcels already: the national set's map sheets come after theirs."""
    if not communes:
        return
    top = dict(
        LandParcel.objects.filter(sheet_unit__in=[c.unit for c in communes])
        .values("sheet_unit")
        .annotate(top=Max("map_sheet_no"))
        .values_list("sheet_unit", "top")
    )
    for commune in communes:
        commune.sheet_offset = top.get(commune.pk, 0)


def name_zones(zones):
    """Unique names that say what each zone is, where, and that it is made up."""
    taken = set()
    for zone in zones:
        kind = "Khu công nghiệp" if zone.kind == "kcn" else "Cụm công nghiệp"
        base = f"{kind} {zone.communes[0].stem}"
        for part in ["", *(f" {p}" for p in v.PARTS)]:
            name = f"{base}{part} – {zone.province.name} {v.SYNTHETIC_MARK}"
            if name not in taken:
                break
        n = len(v.PARTS) + 1
        while name in taken:
            n += 1
            name = f"{base} {n} – {zone.province.name} {v.SYNTHETIC_MARK}"
        taken.add(name)
        zone.name = name


def chunks(zones, size):
    """Zones grouped whole, about `size` cases a group: a phase's cases and reports are built together."""
    group, cases = [], 0
    for zone in zones:
        group.append(zone)
        cases += zone.cases
        if cases >= size:
            yield group
            group, cases = [], 0
    if group:
        yield group
