"""Site clearance: affected cases, their parcels and assets, stages, money and reports."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clearance.land_use import land_use_choices
from clearance.read.querysets import CaseQuerySet
from zones.models import AdminUnit, DocumentFields, Phase, Qualifier, Searchable, Source


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


# Fields of a case computed from its other rows: not typed, not in its history.
DERIVED_FIELDS = [
    "recovered_m2",
    "paid_vnd",
    "approved_on",
    "decided_on",
    "paid_on",
    "compulsory_on",
    "enforced_on",
    "stage_began_on",
]


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

    # Kept from the case's parcels, payments and stage events by every write (clearance.rollups,
    # docs/decisions/0017), so the lists sort, filter and page on them in the database.
    recovered_m2 = models.DecimalField(
        _("recovered area (m²)"), max_digits=14, decimal_places=1, default=0, editable=False
    )
    paid_vnd = models.BigIntegerField(_("amount paid (VND)"), default=0, editable=False)
    approved_on = models.DateField(_("plan approved on"), null=True, editable=False)
    decided_on = models.DateField(_("recovery decided on"), null=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, editable=False)
    compulsory_on = models.DateField(_("compulsory inventory on"), null=True, editable=False)
    enforced_on = models.DateField(_("enforced on"), null=True, editable=False)
    stage_began_on = models.DateField(_("current stage began on"), null=True, editable=False)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)

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
            models.Index(fields=["recovered_m2", "id"], name="case_by_recovered_area"),
            models.Index(fields=["approved_on"], name="case_by_approval"),
            models.Index(fields=["stage_began_on"], name="case_by_stage_start"),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def search_words(self):
        return [self.name, self.code, self.id_number, self.village]

    def clean(self):
        """The ID number in the shape the case's kind takes (a CCCD, a CMND or a tax code), or an error on it."""
        from django.core.exceptions import ValidationError

        from clearance.identity import normalize_id_number

        try:
            self.id_number = normalize_id_number(self.id_number, kind=self.kind)
        except ValidationError as error:
            raise ValidationError({"id_number": error}) from error

    def has_reached(self, stage):
        return Stage.order(self.stage) >= Stage.order(stage)


class LandParcel(models.Model):
    """A parcel (thửa đất) a case holds; sheet numbering restarts in every legacy commune."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parcels")
    sheet_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("commune of the map sheet"), on_delete=models.PROTECT, related_name="parcels"
    )
    map_sheet_no = models.PositiveIntegerField(_("map sheet no."))
    parcel_no = models.PositiveIntegerField(_("parcel no."))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=1)
    recovered_area_m2 = models.DecimalField(_("recovered area (m²)"), max_digits=12, decimal_places=1)
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


class LandParcelUse(models.Model):
    """One use of a parcel (ONT, CLN…) with its area; a parcel's uses add up to its area.

    The sum is checked where uses are written (clearance.services.parcels), since a database
    constraint cannot see the other rows. The code is kept as the record writes it, old or current.
    """

    parcel = models.ForeignKey(LandParcel, verbose_name=_("land parcel"), on_delete=models.CASCADE, related_name="uses")
    land_use_code = models.CharField(_("land use"), max_length=3, choices=land_use_choices)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land use of a parcel")
        verbose_name_plural = _("land uses of parcels")
        ordering = ["parcel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "land_use_code"], name="landparceluse_unique_parcel_code"),
            models.CheckConstraint(
                condition=Q(area_m2__gt=0),
                name="landparceluse_area_positive",
                violation_error_message=_("The area of a land use must be greater than zero."),
            ),
        ]
        indexes = [models.Index(fields=["land_use_code"])]

    def __str__(self):
        return f"{self.land_use_code} {self.area_m2} m²"


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
    start_time = models.TimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("When the act began, where it is recorded (an enforcement never starts 22:00–06:00)."),
    )
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


class InventoryImport(models.Model):
    """An uploaded inventory sheet: kept as uploaded, previewed, then applied in one transaction."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("applied")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        XLS = "xls", "XLS (Excel 97–2003)"
        ODS = "ods", "ODS"
        CSV = "csv", "CSV"

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="inventory_imports",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=Format)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREVIEWED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # What the preview page shows, computed once at upload (services.imports.ImportPreview) so
    # viewing it never re-reads the file; null for imports stored before it was kept.
    preview = models.JSONField(_("preview"), null=True, blank=True, editable=False, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="previewed", applied_at__isnull=True)
                | Q(status="applied", applied_at__isnull=False),
                name="inventoryimport_applied_dated",
                violation_error_message=_("An applied import needs the time it was applied."),
            ),
        ]

    def __str__(self):
        return self.file_name


from clearance.rollups.models import RegistryDay, RegistryTotal  # noqa: E402, F401  models of this app, kept beside
