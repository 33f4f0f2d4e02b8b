"""A case (trường hợp), its parcels, assets, dated stage events and complaints."""

import datetime

from django.db import models
from django.db.models import BooleanField, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.models import AdminUnit, DocumentFields, Phase, Searchable, SearchQuerySet


class Stage(models.TextChoices):
    """The main line of a case under the Land Law 2024, in legal order."""

    NOTICE = "notice", _("recovery notice")
    INVENTORY = "inventory", _("inventory (survey count)")
    PLAN_POSTED = "plan_posted", _("compensation plan posted")
    PLAN_APPROVED = "plan_approved", _("compensation plan approved")
    RECOVERY_DECIDED = "recovery_decided", _("recovery decision")
    PAID = "paid", _("paid")
    HANDED_OVER = "handed_over", _("land handed over")

    @classmethod
    def order(cls, stage):
        return cls.values.index(stage)

    @classmethod
    def reached(cls, stage):
        """This stage and every later one: the cases that have got at least this far."""
        return cls.values[cls.order(stage) :]


class CaseQuerySet(SearchQuerySet):
    def counted(self):
        return self.filter(stage__in=Stage.reached(Stage.INVENTORY))

    def handed_over(self):
        return self.filter(stage=Stage.HANDED_OVER)

    def synthetic(self):
        return self.filter(is_synthetic=True)

    def real(self):
        return self.filter(is_synthetic=False)

    # --- dates of the steps, deadlines and delays (docs/decisions/0008-overdue-and-stuck.md) -------
    # Everything is computed in SQL so the lists filter, sort and paginate in the database.
    # Open deadlines compare approved_on with a cutoff computed here (today - N days); closed
    # ones compare `done - approved` as a duration. Adding days to a date column is avoided:
    # SQLite returns a datetime string for it, which neither compares nor parses as a date.

    def with_stage_dates(self):
        """approved_on, decided_on, paid_on, compulsory_on, enforced_on from the cases' StageEvents;
        stage_began_on from the event of the current stage, stage_since falling back to the day
        the case was recorded (stage_dated says which)."""

        def event_date(kind):
            # order_by(): StageEvent's default ordering would join the case, phase and zone into every subquery.
            events = StageEvent.objects.filter(case=OuterRef("pk"), kind=kind).order_by().values("happened_on")[:1]
            return Subquery(events, output_field=models.DateField())

        return self.annotate(
            approved_on=event_date(StageEvent.Kind.PLAN_APPROVED),
            decided_on=event_date(StageEvent.Kind.RECOVERY_DECIDED),
            paid_on=event_date(StageEvent.Kind.PAID),
            compulsory_on=event_date(StageEvent.Kind.COMPULSORY_INVENTORY),
            enforced_on=event_date(StageEvent.Kind.ENFORCEMENT),
            stage_began_on=event_date(OuterRef("stage")),
        ).annotate(
            stage_since=Coalesce(F("stage_began_on"), TruncDate("created_at"), output_field=models.DateField()),
            stage_dated=ExpressionWrapper(Q(stage_began_on__isnull=False), output_field=BooleanField()),
        )

    def with_deadlines(self, *, today):
        """with_stage_dates() plus, against the recovery decision (10 days) and payment (30 days)
        deadlines: *_overdue_now, *_late (done after the deadline), *_elapsed (approval to the
        step, or to today while it is not done) and overdue_by, the worst delay of the two."""
        from clearance import rules  # rules imports this module

        decision_days = datetime.timedelta(days=rules.RECOVERY_DECISION_DAYS)
        payment_days = datetime.timedelta(days=rules.PAYMENT_DAYS)
        today_value = Value(today, output_field=models.DateField())
        return (
            self.with_stage_dates()
            .annotate(
                decision_elapsed=ExpressionWrapper(
                    Coalesce(F("decided_on"), today_value) - F("approved_on"), output_field=DurationField()
                ),
                payment_elapsed=ExpressionWrapper(
                    Coalesce(F("paid_on"), today_value) - F("approved_on"), output_field=DurationField()
                ),
            )
            .annotate(
                decision_overdue_now=_flag(_open_overdue("decided_on", today - decision_days)),
                payment_overdue_now=_flag(_open_overdue("paid_on", today - payment_days)),
                decision_late=_flag(Q(decided_on__isnull=False, decision_elapsed__gt=decision_days)),
                payment_late=_flag(Q(paid_on__isnull=False, payment_elapsed__gt=payment_days)),
                overdue_by=Greatest(
                    F("decision_elapsed") - Value(decision_days), F("payment_elapsed") - Value(payment_days)
                ),
            )
        )

    def overdue(self, *, today):
        """Approved cases past the recovery decision or payment deadline without the step done."""
        return self.with_deadlines(today=today).filter(Q(decision_overdue_now=True) | Q(payment_overdue_now=True))

    def late(self, *, today):
        """Cases whose recovery decision or payment was done after its deadline."""
        return self.with_deadlines(today=today).filter(Q(decision_late=True) | Q(payment_late=True))

    def overdue_or_late(self, *, today):
        return self.with_deadlines(today=today).filter(
            Q(decision_overdue_now=True) | Q(payment_overdue_now=True) | Q(decision_late=True) | Q(payment_late=True)
        )

    def stuck(self, *, today, days):
        """Cases not handed over whose current stage began more than `days` days before today."""
        return (
            self.with_stage_dates()
            .exclude(stage=Stage.HANDED_OVER)
            .filter(stage_since__lt=today - datetime.timedelta(days=days))
            .annotate(
                days_in_stage=ExpressionWrapper(
                    Value(today, output_field=models.DateField()) - F("stage_since"), output_field=DurationField()
                )
            )
        )

    def compulsory_or_enforced(self):
        """Cases with a compulsory inventory decision or an enforced recovery."""
        return self.with_stage_dates().filter(Q(compulsory_on__isnull=False) | Q(enforced_on__isnull=False))


def _open_overdue(done_field, cutoff):
    """Approved before the cutoff and the step not done: today is past approval + the allowed days."""
    return Q(approved_on__isnull=False, approved_on__lt=cutoff, **{f"{done_field}__isnull": True})


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


class Case(Searchable):
    """An affected case (trường hợp): whoever holds land the project recovers."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        INDIVIDUAL = "individual", _("individual")
        ORGANIZATION = "organization", _("organisation")
        COMMUNITY = "community", _("community")

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The commune the case was recorded under."),
    )
    code = models.CharField(_("case code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.HOUSEHOLD)
    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    village = models.CharField(_("village"), max_length=120, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.NOTICE)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo record, not a real person.")
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every saved change, so a stale edit is refused.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["phase", "code"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="case_unique_phase_code"),
        ]
        indexes = [
            models.Index(fields=["phase", "stage"]),
            models.Index(fields=["unit", "stage"]),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def search_words(self):
        return [self.name, self.code, self.id_number, self.village]

    def has_reached(self, stage):
        return Stage.order(self.stage) >= Stage.order(stage)


class LandParcel(models.Model):
    """A parcel (thửa đất) a case holds; sheet numbering restarts in every legacy commune."""

    class LandUse(models.TextChoices):
        # Codes of the land-use nomenclature; see docs/decisions/0004-land-use-codes.md.
        LUC = "LUC", _("LUC – paddy land, two crops or more")
        LUK = "LUK", _("LUK – other paddy land")
        BHK = "BHK", _("BHK – flat land for other annual crops")
        NHK = "NHK", _("NHK – upland for other annual crops")
        HNK = "HNK", _("HNK – other annual crop land")
        CLN = "CLN", _("CLN – perennial crop land")
        RSX = "RSX", _("RSX – production forest")
        RPH = "RPH", _("RPH – protection forest")
        NTS = "NTS", _("NTS – aquaculture land")
        ONT = "ONT", _("ONT – rural residential land")
        ODT = "ODT", _("ODT – urban residential land")
        TMD = "TMD", _("TMD – commercial and service land")
        SKC = "SKC", _("SKC – non-agricultural production land")
        DGT = "DGT", _("DGT – transport land")
        DTL = "DTL", _("DTL – irrigation land")
        NTD = "NTD", _("NTD – cemetery land")
        SON = "SON", _("SON – rivers and streams")
        MNC = "MNC", _("MNC – special-use water surface")
        BCS = "BCS", _("BCS – unused flat land")
        DCS = "DCS", _("DCS – unused hilly land")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parcels")
    sheet_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("commune of the map sheet"), on_delete=models.PROTECT, related_name="parcels"
    )
    map_sheet_no = models.PositiveIntegerField(_("map sheet no."))
    parcel_no = models.PositiveIntegerField(_("parcel no."))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=1)
    recovered_area_m2 = models.DecimalField(_("recovered area (m²)"), max_digits=12, decimal_places=1)
    land_use_code = models.CharField(_("land use"), max_length=3, choices=LandUse)
    land_origin = models.CharField(_("land origin"), max_length=200, blank=True)
    certificate_no = models.CharField(_("certificate no."), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")
        ordering = ["sheet_unit", "map_sheet_no", "parcel_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet_unit", "map_sheet_no", "parcel_no"], name="landparcel_unique_commune_sheet_parcel"
            ),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="landparcel_area_positive",
                violation_error_message=_("The parcel area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(recovered_area_m2__gt=0),
                name="landparcel_recovered_positive",
                violation_error_message=_("The recovered area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(recovered_area_m2__lte=F("area_m2")),
                name="landparcel_recovered_within_area",
                violation_error_message=_("The recovered area cannot exceed the parcel area."),
            ),
            models.CheckConstraint(
                condition=Q(map_sheet_no__gte=1),
                name="landparcel_sheet_no_positive",
                violation_error_message=_("Map sheets are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(parcel_no__gte=1),
                name="landparcel_parcel_no_positive",
                violation_error_message=_("Parcels are numbered from 1."),
            ),
        ]

    def __str__(self):
        return _("sheet %(sheet)s, parcel %(parcel)s") % {"sheet": self.map_sheet_no, "parcel": self.parcel_no}


class Asset(models.Model):
    """Something on the land that is compensated: a house, a crop, a grave…"""

    class Kind(models.TextChoices):
        HOUSE = "house", _("house")
        STRUCTURE = "structure", _("structure")
        CROP = "crop", _("crop")
        TREE = "tree", _("tree")
        LIVESTOCK = "livestock", _("livestock")
        GRAVE = "grave", _("grave")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_of_measure = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("m², cây, con, ngôi…"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["case", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="asset_quantity_positive",
                violation_error_message=_("The quantity must be greater than zero."),
            ),
        ]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description}".strip()


class StageEvent(DocumentFields):
    """One legal act in a case, dated and documented."""

    class Kind(models.TextChoices):
        NOTICE = Stage.NOTICE.value, Stage.NOTICE.label
        INVENTORY = Stage.INVENTORY.value, Stage.INVENTORY.label
        COMPULSORY_INVENTORY = "compulsory_inventory", _("compulsory inventory decision")
        PLAN_POSTED = Stage.PLAN_POSTED.value, Stage.PLAN_POSTED.label
        PLAN_APPROVED = Stage.PLAN_APPROVED.value, Stage.PLAN_APPROVED.label
        RECOVERY_DECIDED = Stage.RECOVERY_DECIDED.value, Stage.RECOVERY_DECIDED.label
        PAID = Stage.PAID.value, Stage.PAID.label
        HANDED_OVER = Stage.HANDED_OVER.value, Stage.HANDED_OVER.label
        ENFORCEMENT = "enforcement", _("enforced recovery")
        RESETTLEMENT = "resettlement", _("resettlement")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=20, choices=Kind)
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["case", "happened_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="stageevent_unique_case_kind"),
        ]
        indexes = [models.Index(fields=["kind", "happened_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on:%d/%m/%Y}"


class Complaint(models.Model):
    """A complaint about a case (khiếu nại), open until it is resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["case", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_on__isnull=True)
                | Q(status="resolved", resolved_on__isnull=False, resolved_on__gte=F("received_on")),
                name="complaint_resolution_dated",
                violation_error_message=_("A resolved complaint needs a resolution date on or after it was received."),
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.case.code} – {self.received_on:%d/%m/%Y}"
