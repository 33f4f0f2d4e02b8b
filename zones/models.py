"""Administrative units, sources, industrial zones and clusters, and their phases."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zones.text import fold, search_filter

REFORM_DATE = datetime.date(2025, 7, 1)


class Qualifier(models.TextChoices):
    """How a source states a figure: "hơn 490" is not "490"."""

    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    NEARLY = "nearly", _("nearly")
    MORE_THAN = "more_than", _("more than")


class Searchable(models.Model):
    """A row with a folded copy of its names, so search ignores diacritics on every database."""

    search_text = models.TextField(_("search text"), blank=True, editable=False, db_index=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Derived column, kept beside the row because SQLite has no unaccent().
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def search_words(self):
        raise NotImplementedError

    def refresh_search_text(self):
        self.search_text = fold(" ".join(w for w in self.search_words() if w))


class SearchQuerySet(models.QuerySet):
    def search(self, query):
        return search_filter(self, query)


class Source(models.Model):
    """Where a figure comes from: an article, a report, a decision, or the synthetic demo."""

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        YEAR = "year", _("year")

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("date"))
    date_precision = models.CharField(_("date precision"), max_length=5, choices=Precision, default=Precision.DAY)
    url = models.URLField(_("address"), blank=True)
    note = models.TextField(_("note"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not real figures.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["title", "published_on"], name="source_unique_title_date"),
        ]

    def __str__(self):
        return self.title


class AdminUnitQuerySet(SearchQuerySet):
    def communes(self):
        return self.filter(level=AdminUnit.Level.COMMUNE)

    def districts(self):
        return self.filter(level=AdminUnit.Level.DISTRICT)

    def current(self):
        return self.filter(structure=AdminUnit.Structure.CURRENT)

    def legacy(self):
        return self.filter(structure=AdminUnit.Structure.LEGACY)

    def valid_on(self, day):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class AdminUnit(Searchable):
    """A province, district or commune, in the structure it belonged to.

    The same official code can name a legacy commune and a 2025 commune (the
    statistics office reused codes), so a unit is identified by structure + code.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune / ward")

    class Structure(models.TextChoices):
        LEGACY = "legacy", _("before 1 July 2025 (province – district – commune)")
        CURRENT = "2025", _("from 1 July 2025 (province – commune)")

    code = models.PositiveIntegerField(_("official code"))
    name = models.CharField(_("name"), max_length=120)
    unit_type = models.CharField(_("type"), max_length=30, help_text=_("xã, phường, thị trấn, huyện…"))
    level = models.CharField(_("level"), max_length=10, choices=Level)
    structure = models.CharField(_("structure"), max_length=6, choices=Structure)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("became"),
    )

    objects = AdminUnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="adminunit_unique_structure_code"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="adminunit_valid_period",
                violation_error_message=_("A unit cannot stop being valid before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["level", "structure"])]

    def __str__(self):
        return self.name

    def search_words(self):
        return [self.name, str(self.code)]

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class UnitSuccession(models.Model):
    """The 2025 conversion: a legacy commune became (part of) a 2025 commune."""

    old = models.ForeignKey(
        AdminUnit, verbose_name=_("legacy unit"), on_delete=models.CASCADE, related_name="successions_to"
    )
    new = models.ForeignKey(
        AdminUnit, verbose_name=_("2025 unit"), on_delete=models.CASCADE, related_name="successions_from"
    )
    partial = models.BooleanField(
        _("partly"), default=False, help_text=_("Only part of the legacy unit went to this unit.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit conversion")
        verbose_name_plural = _("unit conversions")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="unitsuccession_unique_pair"),
            models.CheckConstraint(
                condition=~Q(old=F("new")),
                name="unitsuccession_not_self",
                violation_error_message=_("A unit cannot become itself."),
            ),
        ]

    def __str__(self):
        return f"{self.old} → {self.new}"


class Investor(Searchable):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)

    objects = SearchQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("infrastructure investor")
        verbose_name_plural = _("infrastructure investors")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def search_words(self):
        return [self.name, self.short_name]


class ZoneQuerySet(SearchQuerySet):
    def industrial_clusters(self):
        return self.filter(kind=Zone.Kind.INDUSTRIAL_CLUSTER)


class Zone(Searchable):
    """An industrial zone (KCN, Decree 35/2022) or industrial cluster (CCN, Decree 32/2024)."""

    class Kind(models.TextChoices):
        INDUSTRIAL_ZONE = "kcn", _("industrial zone")
        INDUSTRIAL_CLUSTER = "ccn", _("industrial cluster")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ESTABLISHED = "established", _("established, in legal procedures")
        SITE_CLEARANCE = "site_clearance", _("site clearance")
        CONSTRUCTION = "construction", _("infrastructure construction")
        OPERATING = "operating", _("operating")
        EXPANDING = "expanding", _("expanding")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("location unit"),
        on_delete=models.PROTECT,
        related_name="zones",
        help_text=_("The unit named as its location when the record was made."),
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    planned_area_ha = models.DecimalField(
        _("planned area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    planned_area_qualifier = models.CharField(
        _("area stated as"), max_length=10, choices=Qualifier, default=Qualifier.EXACT
    )
    leasable_area_ha = models.DecimalField(
        _("leasable industrial area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    leased_area_ha = models.DecimalField(_("leased area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True)
    occupancy_reported_pct = models.DecimalField(
        _("reported occupancy (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("As the source states it, where leased and leasable areas are not known."),
    )
    investor = models.ForeignKey(
        Investor,
        verbose_name=_("infrastructure investor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
    )
    construction_started_month = models.DateField(
        _("infrastructure construction started (month)"),
        null=True,
        blank=True,
        help_text=_("First day of the month construction started."),
    )
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="zones")
    notes = models.TextField(_("notes"), blank=True)

    objects = ZoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("industrial zone or cluster")
        verbose_name_plural = _("industrial zones and clusters")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="zone_unique_kind_name"),
            models.CheckConstraint(
                condition=Q(planned_area_ha__isnull=True) | Q(planned_area_ha__gt=0),
                name="zone_planned_area_positive",
                violation_error_message=_("The planned area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(leasable_area_ha__isnull=True) | Q(leasable_area_ha__gt=0),
                name="zone_leasable_area_positive",
                violation_error_message=_("The leasable area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(leased_area_ha__isnull=True) | Q(leased_area_ha__gte=0),
                name="zone_leased_area_non_negative",
                violation_error_message=_("The leased area cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(leased_area_ha__isnull=True)
                | Q(leasable_area_ha__isnull=True)
                | Q(leased_area_ha__lte=F("leasable_area_ha")),
                name="zone_leased_within_leasable",
                violation_error_message=_("The leased area cannot exceed the leasable area."),
            ),
            models.CheckConstraint(
                condition=Q(occupancy_reported_pct__isnull=True)
                | Q(occupancy_reported_pct__gte=0, occupancy_reported_pct__lte=100),
                name="zone_occupancy_percent_range",
                violation_error_message=_("Occupancy must be a percentage from 0 to 100."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.name

    def search_words(self):
        # The location unit is looked up by id so a save never needs a join.
        unit_name = AdminUnit.objects.filter(pk=self.unit_id).values_list("name", flat=True).first()
        return [self.name, self.location, unit_name]

    def occupancy_pct(self):
        """Leased ÷ leasable when both are known, otherwise the rate the source reports."""
        if self.leased_area_ha is not None and self.leasable_area_ha:
            return (self.leased_area_ha / self.leasable_area_ha * 100).quantize(Decimal("0.1"))
        return self.occupancy_reported_pct


class DocumentFields(models.Model):
    """A legal act: type, number (e.g. 123/QĐ-UBND), date and issuing body."""

    class DocType(models.TextChoices):
        DECISION = "decision", _("decision")
        NOTICE = "notice", _("notice")
        MINUTES = "minutes", _("minutes")
        PLAN = "plan", _("plan")
        REPORT = "report", _("report")
        OFFICIAL_LETTER = "letter", _("official letter")
        OTHER = "other", _("other")

    doc_type = models.CharField(_("document type"), max_length=10, choices=DocType, blank=True)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    doc_date = models.DateField(_("document date"), null=True, blank=True)
    doc_issuer = models.CharField(_("issuing body"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ZoneDocument(DocumentFields):
    class Purpose(models.TextChoices):
        INVESTMENT_POLICY = "investment_policy", _("investment policy approval")
        ESTABLISHMENT = "establishment", _("establishment")
        INVESTOR_APPROVAL = "investor_approval", _("investor approval")
        PLANNING = "planning", _("detailed planning")
        OTHER = "other", _("other")

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="documents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone document")
        verbose_name_plural = _("zone documents")
        ordering = ["zone", "doc_date"]

    def __str__(self):
        return f"{self.doc_number or self.get_purpose_display()}"


class Phase(models.Model):
    """A phase (giai đoạn) of a zone, with its own area and clearance."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase number"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True)
    area_qualifier = models.CharField(_("area stated as"), max_length=10, choices=Qualifier, default=Qualifier.EXACT)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="phases")
    clearance_lead = models.CharField(
        _("lead unit"),
        max_length=200,
        blank=True,
        help_text=_('The unit leading site clearance, e.g. "UBND xã Hồ Sơn".'),
    )
    clearance_target_on = models.DateField(_("target date for handover"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["zone", "number"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "number"], name="phase_unique_zone_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="phase_number_positive",
                violation_error_message=_("Phases are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(area_ha__isnull=True) | Q(area_ha__gt=0),
                name="phase_area_positive",
                violation_error_message=_("The phase area must be greater than zero."),
            ),
        ]

    def __str__(self):
        return self.name or _("%(zone)s – phase %(number)s") % {"zone": self.zone, "number": self.number}


class SummaryFigure(models.Model):
    """A figure a source gives for a group rather than one zone: "9 clusters, about 372 ha"."""

    class Metric(models.TextChoices):
        CLUSTERS_ESTABLISHED = "clusters_established", _("industrial clusters with an establishment decision")
        CLUSTERS_ESTABLISHED_AREA = (
            "clusters_established_area_ha",
            _("total area of established industrial clusters (ha)"),
        )

    metric = models.CharField(_("figure"), max_length=40, choices=Metric)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    qualifier = models.CharField(_("stated as"), max_length=10, choices=Qualifier, default=Qualifier.EXACT)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="figures")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("summary figure")
        verbose_name_plural = _("summary figures")
        ordering = ["metric", "-source__published_on"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "source"], name="summaryfigure_unique_metric_source"),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="summaryfigure_value_non_negative",
                violation_error_message=_("A figure cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()}: {self.value}"


class StaffProfile(models.Model):
    """What a portal user may see and do: a role, and for local staff the units they cover."""

    class Role(models.TextChoices):
        PROVINCIAL_OFFICER = "provincial", _("provincial officer")
        LOCAL_STAFF = "local", _("local staff")
        INVESTOR = "investor", _("investor")
        ADMIN = "admin", _("administrator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    units = models.ManyToManyField(
        AdminUnit,
        verbose_name=_("units covered"),
        blank=True,
        related_name="staff",
        help_text=_("For local staff: a legacy district covers its communes; a 2025 commune covers itself."),
    )
    investor = models.ForeignKey(
        Investor, verbose_name=_("investor"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )

    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="investor", investor__isnull=False) | (~Q(role="investor") & Q(investor__isnull=True)),
                name="staffprofile_investor_iff_investor_role",
                violation_error_message=_(
                    "An investor account needs its investor, and only an investor account has one."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class CalendarOverride(models.Model):
    """A day a government or provincial notice makes a day off or a working day, where the holidays
    library does not know it (yet). It wins over the library for its date (zones.workdays; 0006)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off declared by a notice")
        WORKING_DAY = "working_day", _("working day (e.g. a swapped Saturday)")

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={"unique": _("This date already has a calendar override: change that one instead.")},
    )
    kind = models.CharField(_("kind"), max_length=11, choices=Kind)
    name = models.CharField(
        _("name of the day"), max_length=200, help_text=_('In Vietnamese, e.g. "Nghỉ bù Quốc khánh".')
    )
    notice = models.CharField(
        _("notice"),
        max_length=60,
        help_text=_('Number and symbol of the notice that declared the day, e.g. "6150/TB-BLĐTBXH".'),
    )
    notice_date = models.DateField(_("notice date"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="calendaroverride_name_given",
                violation_error_message=_("Give the name of the day, as the notice calls it."),
            ),
            models.CheckConstraint(
                condition=~Q(notice=""),
                name="calendaroverride_notice_given",
                violation_error_message=_("Give the number and symbol of the notice that declared the day."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"
