"""The registry's figures kept per phase and commune, and per day: what the pages read (docs/decisions/0016).

The figures are defined once, by clearance.read.ledger.ledger over the cases, parcels, events and
payments themselves; these tables hold that ledger precomputed, and every write path refreshes
the rows of the phase and commune it touched in the same transaction (clearance.rollups).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zones.models import AdminUnit, Phase

AREA = {"max_digits": 16, "decimal_places": 1, "default": 0}
QUANTITY = {"max_digits": 14, "decimal_places": 2, "default": 0}
# No database constraint and no cascade: deleting a phase deletes its cases, whose signals then
# refresh (and so remove) these rows; a cascade here could meet rows a refresh had just written.
KEY = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class RegistryTotal(models.Model):
    """What does not change with time, per phase and the commune the cases were recorded under:
    cases (count), synthetic cases (count), area to recover (m²), graves (count)."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), related_name="+", **KEY)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("commune"), related_name="+", **KEY)
    cases = models.PositiveIntegerField(default=0)
    synthetic = models.PositiveIntegerField(default=0)
    area_m2 = models.DecimalField(**AREA)
    graves = models.DecimalField(**QUANTITY)

    class Meta:
        verbose_name = _("registry total")
        constraints = [models.UniqueConstraint(fields=["phase", "unit"], name="registry_total_once")]

    def __str__(self):
        return f"{self.phase_id}/{self.unit_id}"


class RegistryDay(models.Model):
    """What the registry gained on one day, per phase and commune: the cases that reached a step
    (counts), their recovered area (m²), the money approved and paid (whole VND), graves moved,
    resettlement plots allocated. Adding the rows up to a day gives the registry as of that day."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), related_name="+", **KEY)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("commune"), related_name="+", **KEY)
    day = models.DateField()
    counted = models.IntegerField(default=0)
    counted_m2 = models.DecimalField(**AREA)
    approved = models.IntegerField(default=0)
    approved_m2 = models.DecimalField(**AREA)
    approved_vnd = models.BigIntegerField(default=0)
    paid = models.IntegerField(default=0)
    paid_vnd = models.BigIntegerField(default=0)
    handed_over = models.IntegerField(default=0)
    handed_over_m2 = models.DecimalField(**AREA)
    graves_relocated = models.DecimalField(**QUANTITY)
    plots_allocated = models.IntegerField(default=0)
    compulsory = models.IntegerField(default=0)
    enforced = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("registry day")
        constraints = [models.UniqueConstraint(fields=["phase", "unit", "day"], name="registry_day_once")]
        indexes = [models.Index(fields=["day"], name="registry_day_day")]

    def __str__(self):
        return f"{self.phase_id}/{self.unit_id} {self.day:%d/%m/%Y}"
