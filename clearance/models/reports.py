"""What units report for a phase on a date: never overwritten, corrected by a new version."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import AdminUnit, Phase, Qualifier, Source


class ProgressReportQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-reported_on", "-id")


class ProgressReport(models.Model):
    """What a unit reported for a phase on a date. Never overwritten: a newer report is a new row."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting sign-off")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("figures as of"))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    cases_total = models.PositiveIntegerField(_("affected cases"), null=True, blank=True)
    cases_counted = models.PositiveIntegerField(_("cases counted"), null=True, blank=True)
    cases_counted_qualifier = models.CharField(
        _("cases counted stated as"), max_length=10, choices=Qualifier, default=Qualifier.EXACT
    )
    area_counted_ha = models.DecimalField(
        _("area counted (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    plans_approved_cases = models.PositiveIntegerField(_("plans approved (cases)"), null=True, blank=True)
    plans_approved_vnd = models.BigIntegerField(_("plans approved (VND)"), null=True, blank=True)
    cases_paid = models.PositiveIntegerField(_("cases paid"), null=True, blank=True)
    amount_paid_vnd = models.BigIntegerField(_("amount paid (VND)"), null=True, blank=True)
    area_handed_over_ha = models.DecimalField(
        _("area handed over (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    area_handed_over_qualifier = models.CharField(
        _("area handed over stated as"), max_length=10, choices=Qualifier, default=Qualifier.EXACT
    )
    graves_relocated = models.PositiveIntegerField(_("graves relocated"), null=True, blank=True)
    resettlement_plots_allocated = models.PositiveIntegerField(_("resettlement plots allocated"), null=True, blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SUBMITTED)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        help_text=_("The earlier version this report replaces; each version can be corrected once."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_reports",
    )
    reviewed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    review_note = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_counted_ha__isnull=True) | Q(area_counted_ha__gte=0),
                name="progressreport_area_counted_non_negative",
                violation_error_message=_("The area counted cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(area_handed_over_ha__isnull=True) | Q(area_handed_over_ha__gte=0),
                name="progressreport_area_handed_over_non_negative",
                violation_error_message=_("The area handed over cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(plans_approved_vnd__isnull=True) | Q(plans_approved_vnd__gte=0),
                name="progressreport_plans_vnd_non_negative",
                violation_error_message=_("The approved amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_paid_vnd__isnull=True) | Q(amount_paid_vnd__gte=0),
                name="progressreport_paid_vnd_non_negative",
                violation_error_message=_("The amount paid cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cases_total__isnull=True)
                | Q(cases_counted__isnull=True)
                | Q(cases_counted__lte=F("cases_total")),
                name="progressreport_counted_within_total",
                violation_error_message=_("Cases counted cannot exceed the affected cases."),
            ),
        ]
        indexes = [models.Index(fields=["phase", "reported_on"]), models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.phase} – {self.reported_on:%d/%m/%Y}"
