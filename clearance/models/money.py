"""Money and land given in return: plan lines, payments, resettlement plots."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clearance.models.cases import Case


class CompensationItem(models.Model):
    """A line of the approved plan, in whole VND."""

    class Component(models.TextChoices):
        LAND = "land", _("land")
        ASSETS = "assets", _("assets on the land")
        SUPPORT = "support", _("support")
        RESETTLEMENT = "resettlement", _("resettlement")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="compensation")
    component = models.CharField(_("component"), max_length=12, choices=Component)
    description = models.CharField(_("description"), max_length=300, blank=True)
    amount_vnd = models.BigIntegerField(_("amount (VND)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compensation item")
        verbose_name_plural = _("compensation items")
        ordering = ["case", "component", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gte=0),
                name="compensationitem_amount_non_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_component_display()}: {self.amount_vnd}"


class Payment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount_vnd = models.BigIntegerField(_("amount (VND)"))
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["case", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("A payment must be greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.paid_on:%d/%m/%Y}: {self.amount_vnd}"


class ResettlementPlot(models.Model):
    """A plot in a resettlement area, free or allocated to a case."""

    resettlement_area = models.CharField(_("resettlement area"), max_length=200)
    plot_no = models.CharField(_("plot no."), max_length=30)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1)
    case = models.ForeignKey(
        Case,
        verbose_name=_("allocated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resettlement_plots",
    )
    allocated_on = models.DateField(_("allocated on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resettlement plot")
        verbose_name_plural = _("resettlement plots")
        ordering = ["resettlement_area", "plot_no"]
        constraints = [
            models.UniqueConstraint(fields=["resettlement_area", "plot_no"], name="resettlementplot_unique_area_plot"),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="resettlementplot_area_positive",
                violation_error_message=_("The plot area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=True, allocated_on__isnull=True)
                | Q(case__isnull=False, allocated_on__isnull=False),
                name="resettlementplot_allocation_dated",
                violation_error_message=_("An allocated plot needs both the case and the allocation date."),
            ),
        ]

    def __str__(self):
        return f"{self.resettlement_area} – {self.plot_no}"
