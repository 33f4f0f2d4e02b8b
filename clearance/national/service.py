"""Generate and delete the national synthetic set; the command calls these inside one transaction."""

import random
import time
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext as _

from clearance import rollups
from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    Complaint,
    InventoryImport,
    LandParcel,
    LandParcelUse,
    Payment,
    ProgressReport,
    RegistryDay,
    RegistryTotal,
    ResettlementPlot,
    StageEvent,
)
from clearance.national import vocabulary as v
from clearance.national import world
from clearance.national.builder import NationalBuilder
from clearance.national.writer import CountingSink, DatabaseSink
from zones.models import AdminUnit, Phase, Source, StaffProfile, UnitSuccession, Zone, ZoneDocument

# What the summary counts, in this order.
COUNTED = [
    (AdminUnit, "units"),
    (Zone, "zones"),
    (Phase, "phases"),
    (Case, "cases"),
    (LandParcel, "parcels"),
    (LandParcelUse, "parcel uses"),
    (Asset, "assets"),
    (StageEvent, "stage events"),
    (CompensationItem, "compensation items"),
    (Payment, "payments"),
    (Complaint, "complaints"),
    (ProgressReport, "weekly reports"),
]
# The tables a load fills, for fresh planner statistics (and, later, the rollups to refresh).
LOADED = [model for model, _label in COUNTED]


class NationalError(Exception):
    """The national set cannot be made as asked; nothing was written."""


@dataclass
class NationalResult:
    counts: dict
    provinces: int
    real_provinces: int
    seconds: float
    dry_run: bool = False
    deleted: dict = field(default_factory=dict)

    def __str__(self):
        figures = ", ".join(f"{self.counts.get(model, 0):,} {label}" for model, label in COUNTED)
        line = (
            f"{self.provinces} province(s) ({self.real_provinces} real, {self.provinces - self.real_provinces} "
            f"synthetic): {figures}"
        )
        if self.deleted:
            verb = "would delete" if self.dry_run else "deleted"
            line += f"; {verb} a previous set of {self.deleted.get(Case, 0):,} cases first"
        cases = self.counts.get(Case, 0)
        rate = f", {cases / self.seconds:,.0f} cases/s" if self.seconds and cases else ""
        if self.dry_run:
            return f"Dry run, nothing written: would create {line} (built in {self.seconds:.1f} s{rate})"
        return f"National synthetic set: {line} in {self.seconds:.1f} s{rate}"


def national_source():
    return Source.objects.filter(title=v.SOURCE_TITLE, is_synthetic=True).first()


def synthetic_units():
    """The units of the synthetic provinces: their codes are out of the official range."""
    return AdminUnit.objects.filter(structure=AdminUnit.Structure.CURRENT, code__gte=v.CODE_BASE)


def national_cases(source):
    return Case.objects.filter(phase__zone__source=source)


def national_delete(*, using=DEFAULT_DB_ALIAS):
    """Remove the national set: its zones and everything on them, and the synthetic units. Returns counts.

    One DELETE a table, with no objects loaded, no signals and no history: the set is made
    without history and goes the same way. Lạng Sơn's units, its zones and the demo cite other
    sources and have official codes, so nothing here reaches them.
    """
    source = national_source()
    units = synthetic_units()
    if source is None and not units.exists():
        return {}
    cases = national_cases(source)
    if ResettlementPlot.objects.filter(case__in=cases).exists():
        raise NationalError(
            _("Resettlement plots are allocated to cases of the national set: free them before replacing the set.")
        )
    phases = Phase.objects.filter(zone__source=source)
    deleted = {}
    # Children before parents; raw deletes (Django's fast path) keep millions of rows out of memory.
    for model, queryset in [
        (LandParcelUse, LandParcelUse.objects.filter(parcel__case__in=cases)),
        (LandParcel, LandParcel.objects.filter(case__in=cases)),
        (Asset, Asset.objects.filter(case__in=cases)),
        (StageEvent, StageEvent.objects.filter(case__in=cases)),
        (CompensationItem, CompensationItem.objects.filter(case__in=cases)),
        (Payment, Payment.objects.filter(case__in=cases)),
        (Complaint, Complaint.objects.filter(case__in=cases)),
        (Case, cases),
        (RegistryDay, RegistryDay.objects.filter(phase__in=phases)),
        (RegistryTotal, RegistryTotal.objects.filter(phase__in=phases)),
        (ProgressReport, ProgressReport.objects.filter(phase__in=phases)),
        (InventoryImport, InventoryImport.objects.filter(phase__in=phases)),
        (Phase, phases),
        (ZoneDocument, ZoneDocument.objects.filter(zone__source=source)),
        (Zone, Zone.objects.filter(source=source)),
        (StaffProfile.units.through, StaffProfile.units.through.objects.filter(adminunit__in=units)),
        (UnitSuccession, UnitSuccession.objects.filter(old__in=units) | UnitSuccession.objects.filter(new__in=units)),
        (AdminUnit, units),
    ]:
        deleted[model] = queryset.using(using)._raw_delete(using)
    if source is not None:
        source.delete()
    return deleted


def national_generate(
    *, cases, seed=v.DEFAULT_SEED, provinces=None, replace=False, dry_run=False, using=DEFAULT_DB_ALIAS, log=None
):
    """Make the national set (or count it, for a dry run). Call inside a transaction.

    `log`, if given, is called with a line after each group of zones.
    """
    started = time.monotonic()
    if cases < 1:
        raise NationalError(_("The number of cases must be at least 1, not %(n)s.") % {"n": cases})
    provinces = provinces or world.default_provinces(cases)
    if not 1 <= provinces <= v.MAX_PROVINCES:
        raise NationalError(
            _("The number of provinces must be from 1 to %(max)s (the provinces and cities since 2025), not %(n)s.")
            % {"max": v.MAX_PROVINCES, "n": provinces}
        )
    if provinces > cases:
        raise NationalError(
            _("%(p)s provinces need at least %(p)s cases, one each; %(n)s asked.") % {"p": provinces, "n": cases}
        )
    previous = national_source()
    if (previous is not None or synthetic_units().exists()) and not replace:
        count = national_cases(previous).count() if previous else 0
        raise NationalError(
            _("A national synthetic set already exists (%(n)s cases): use --replace to delete it and make a new one.")
            % {"n": f"{count:,}"}
        )
    deleted = {}
    if dry_run:
        sink = CountingSink()
        if previous is not None:
            deleted = {Case: national_cases(previous).count()}
    else:
        deleted = national_delete(using=using)
        sink = DatabaseSink(using)

    rng = random.Random(seed)
    lang_son, lang_son_communes = world.lang_son_units()
    chosen = world.choose_provinces(provinces, lang_son=lang_son)
    zones = world.plan_zones(rng, chosen, cases)
    world.build_units(rng, chosen, zones, lang_son=lang_son, lang_son_communes=lang_son_communes, sink=sink)
    world.name_zones(zones)
    source = Source(
        title=v.SOURCE_TITLE,
        publisher=v.SOURCE_PUBLISHER,
        published_on=v.NATIONAL_END,
        note=v.SOURCE_NOTE,
        is_synthetic=True,
    )
    if dry_run:
        source.pk = 0
    else:
        source.save()

    builder = NationalBuilder(rng, sink=sink, source_pk=source.pk, now=timezone.now())
    done = 0
    for group in world.chunks(zones, v.CHUNK_CASES):
        done += builder.build(group)
        if log:
            log(f"{done:,}/{cases:,} cases, {time.monotonic() - started:.1f} s")
    if not dry_run:
        after_bulk_load(sink)
    return NationalResult(
        counts=dict(sink.counts),
        provinces=len(chosen),
        real_provinces=sum(p.real for p in chosen),
        seconds=time.monotonic() - started,
        dry_run=dry_run,
        deleted=deleted,
    )


def after_bulk_load(sink):
    """What must follow a load that bypassed save(): the registry rollups computed anew, and fresh
    planner statistics on PostgreSQL. The load writes no history and sends no signals, so nothing
    else will."""
    rollups.rebuild()
    sink.analyze(LOADED)
