"""Generate, summarise and delete the synthetic demo of VSIP phase 1."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clearance import rollups
from clearance.demo.builder import DemoBuilder
from clearance.demo.vocabulary import COMMUNES, DEFAULT_SEED, RESETTLEMENT_AREAS
from clearance.models import (
    Case,
    LandParcel,
    Payment,
    ResettlementPlot,
    Stage,
)
from zones.article import VSIP_ZONE_NAME
from zones.models import AdminUnit, Phase, Zone
from zones.units import m2_to_ha


@dataclass
class DemoResult:
    phase: Phase
    created: bool
    cases: int
    parcels: int
    handed_over_m2: Decimal
    recovered_m2: Decimal
    paid_vnd: int

    @property
    def handed_over_ha(self):
        return m2_to_ha(self.handed_over_m2)

    def __str__(self):
        values = {
            "phase": self.phase,
            "cases": self.cases,
            "parcels": self.parcels,
            # Grouped as the active language writes numbers: 1.234,5 in Vietnamese.
            "ha": number_format(self.handed_over_ha, 2, force_grouping=True),
            "vnd": number_format(self.paid_vnd, force_grouping=True),
        }
        if self.created:
            line = _(
                "Synthetic demo for %(phase)s: %(cases)d cases, %(parcels)d parcels, "
                "%(ha)s ha handed over, %(vnd)s VND paid"
            )
        else:
            line = _(
                "Synthetic demo for %(phase)s kept (use --replace to regenerate): %(cases)d cases, "
                "%(parcels)d parcels, %(ha)s ha handed over, %(vnd)s VND paid"
            )
        return line % values


class DemoError(Exception):
    """The demo cannot be made: what it builds on is missing."""


def vsip_phase_1():
    phase = (
        Phase.objects.select_related("zone")
        .filter(zone__kind=Zone.Kind.INDUSTRIAL_ZONE, zone__name=VSIP_ZONE_NAME, number=1)
        .first()
    )
    if phase is None:
        raise DemoError(
            _("Phase 1 of %(zone)s is not in the database. Run “python manage.py load_lang_son” first.")
            % {"zone": VSIP_ZONE_NAME}
        )
    return phase


def demo_communes():
    units = {u.code: u for u in AdminUnit.objects.legacy().communes().filter(code__in=COMMUNES)}
    missing = sorted(set(COMMUNES) - set(units))
    if missing:
        raise DemoError(
            _("Legacy communes %(codes)s are missing. Run “python manage.py load_lang_son” first.")
            % {"codes": ", ".join(map(str, missing))}
        )
    return units


def demo_summary(*, phase, created):
    cases = Case.objects.filter(phase=phase).synthetic()
    parcels = LandParcel.objects.filter(case__in=cases)
    return DemoResult(
        phase=phase,
        created=created,
        cases=cases.count(),
        parcels=parcels.count(),
        handed_over_m2=parcels.filter(case__stage=Stage.HANDED_OVER).aggregate(s=Sum("recovered_area_m2"))["s"]
        or Decimal(0),
        recovered_m2=parcels.aggregate(s=Sum("recovered_area_m2"))["s"] or Decimal(0),
        paid_vnd=Payment.objects.filter(case__in=cases).aggregate(s=Sum("amount_vnd"))["s"] or 0,
    )


@transaction.atomic
@rollups.batch()
def demo_delete(*, phase):
    """Remove the phase's synthetic cases, everything hanging on them, and the demo's resettlement plots."""
    cases = Case.objects.filter(phase=phase).synthetic()
    # Plots protect the cases they are allocated to, so they go first.
    ResettlementPlot.objects.filter(Q(case__in=cases) | Q(resettlement_area__in=RESETTLEMENT_AREAS.values())).delete()
    deleted, _by_model = cases.delete()
    return deleted


@transaction.atomic
@rollups.batch()
def demo_generate(*, seed=DEFAULT_SEED, replace=False):
    """Make the synthetic cases of VSIP phase 1, unless they already exist and replace is False."""
    phase = vsip_phase_1()
    communes = demo_communes()
    if Case.objects.filter(phase=phase).synthetic().exists():
        if not replace:
            return demo_summary(phase=phase, created=False)
        demo_delete(phase=phase)
    DemoBuilder(random.Random(seed), phase=phase, communes=communes).build().save()
    # The builder writes in bulk, which sends no signals.
    cases = Case.objects.filter(phase=phase)
    rollups.touched(set(cases.values_list("phase_id", "unit_id")), set(cases.values_list("pk", flat=True)))
    return demo_summary(phase=phase, created=True)
