"""Inventory imports: store an uploaded sheet, preview it (dry run), apply it in one transaction.

A file refused as a whole (too large, not a spreadsheet, malicious, missing columns) is never
stored. A readable file is stored as uploaded (InventoryImport, status "previewed") so its
preview can be shown and confirmed; applying validates it again inside the transaction, with
the rows it touches locked, and writes every row or none.

What the preview page shows is computed once, at upload, and kept on the import
(InventoryImport.preview, ImportPreview): viewing the page never re-reads the file. It is
the state of the cases at upload; confirming checks again and is the authority.

The rows read at upload are kept beside the summary, with the SHA-256 of the bytes they were read
from (clearance.inventory.reading.kept): confirming validates those rows when the stored file
still has that hash, and reads the file again otherwise, for reading a workbook is the dearest
step of an import. History rows are copied from the rows just written, in the database
(_copy_history), rather than built one object at a time in Python.
"""

import datetime
import hashlib
import posixpath
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from clearance import rollups
from clearance.inventory import ImportRefused, check_file, read_table, validate
from clearance.inventory.collector import collector_paused
from clearance.inventory.reading.kept import KeptTableError, keep_table, table_of
from clearance.inventory.validation import CASE_FIELDS, PARCEL_FIELDS, Counts, RowError, SampleRow
from clearance.models import Asset, Case, InventoryImport, LandParcel, LandParcelUse
from zones.access import scope_for
from zones.models import Phase

BATCH_SIZE = 500
# Errors kept for the preview page; the count of all of them is kept beside.
PREVIEW_ERRORS = 500
# The key of InventoryImport.preview under which the rows read at upload are kept until applied.
KEPT_TABLE = "table"
# Rows whose history one INSERT … SELECT copies, at most: fewer where the database binds fewer values a query.
HISTORY_BATCH = 2000


class ImportRejected(Exception):
    """Applying was refused; nothing was written. `plan` holds the errors when there are some."""

    def __init__(self, message, plan=None):
        super().__init__(message)
        self.message = message
        self.plan = plan

    def __str__(self):
        return str(self.message)


def clean_file_name(file_name):
    name = posixpath.basename(str(file_name or "").replace("\\", "/"))
    return unicodedata.normalize("NFC", name).strip()[-255:] or "import"


def _importing_scope(user, phase):
    scope = scope_for(user)
    if not scope.can_import:
        raise PermissionDenied(_("Your account may not import inventory lists."))
    if not scope.phases(Phase.objects.filter(pk=phase.pk)).exists():
        raise ImportRefused(_("This phase is outside your area."), "phase_out_of_scope")
    return scope


def import_upload(*, user, phase, file_name, content):
    """Check, read and dry-run the file, then store it with its preview. ImportRefused if the file is refused."""
    scope = _importing_scope(user, phase)
    file_name = clean_file_name(file_name)
    file_format = check_file(file_name, content)
    table = read_table(content, file_format)
    sha256 = hashlib.sha256(content).hexdigest()
    kept = _keep(table, sha256)
    plan = validate(table, phase=phase, scope=scope)
    return InventoryImport.objects.create(
        phase=phase,
        uploaded_by=user,
        file_name=file_name,
        file_format=file_format,
        content=content,
        sha256=sha256,
        rows_total=table.rows_total,
        preview=ImportPreview.of_plan(plan).as_json() | kept,
    )


def _keep(table, sha256):
    """{KEPT_TABLE: the rows read, with the hash of the bytes they were read from}, or {} if they cannot be kept."""
    try:
        return {KEPT_TABLE: {"sha256": sha256, "rows": keep_table(table)}}
    except KeptTableError:
        return {}


def _table(record):
    """The rows of the import's file: those kept at upload when the stored bytes are those they were
    read from (same SHA-256), else read again. ImportRejected if the file cannot be read."""
    content = bytes(record.content)
    kept = (record.preview or {}).get(KEPT_TABLE)
    if kept and kept.get("sha256") == hashlib.sha256(content).hexdigest():
        try:
            return table_of(kept["rows"])
        except KeptTableError:
            pass
    try:
        return read_table(content, record.file_format)
    except ImportRefused as refusal:
        raise ImportRejected(refusal.message) from refusal


def import_preview(*, inventory_import, user):
    """The dry run: what applying would write, and every error. Writes nothing."""
    table = read_table(bytes(inventory_import.content), inventory_import.file_format)
    return validate(table, phase=inventory_import.phase, scope=scope_for(user))


def import_preview_summary(*, inventory_import, user):
    """The preview page's summary (ImportPreview): the one kept at upload or, for an import stored
    before summaries were kept, the dry run's, computed now as its uploader's area sees it, and kept."""
    if inventory_import.preview is not None:
        return ImportPreview.from_json(inventory_import.preview)
    uploader = inventory_import.uploaded_by or user
    try:
        summary = ImportPreview.of_plan(import_preview(inventory_import=inventory_import, user=uploader))
    except ImportRefused as refusal:
        summary = ImportPreview(language=get_language(), refusal=str(refusal.message), checked_at=timezone.now())
    # Only where none is kept yet: of two first views at once, the summary kept first stays.
    InventoryImport.objects.filter(pk=inventory_import.pk, preview__isnull=True).update(preview=summary.as_json())
    return summary


@dataclass
class ImportPreview:
    """What the preview page shows of a dry run, kept as JSON on the import (InventoryImport.preview).

    Figures, codes, headers and cell values are data that the page labels in its reader's language.
    The sentences that the reader and the checks write (error messages, reading notes, how the
    numbers were read, a sample row's action and changed fields) arrive translated: they are kept
    as written, in the uploader's language, which `language` names and the page marks with `lang`.
    """

    language: str
    rows_total: int = 0
    parcel_rows: int = 0
    asset_rows: int = 0
    cases: Counts = field(default_factory=Counts)
    parcels: Counts = field(default_factory=Counts)
    assets: Counts = field(default_factory=Counts)
    errors_total: int = 0
    errors: list = field(default_factory=list)  # RowError: the first PREVIEW_ERRORS
    reading: list = field(default_factory=list)  # (sheet or "", [sentence, …]), as ImportPlan.reading
    number_conventions: list = field(default_factory=list)  # (header, sentence)
    ignored_columns: list = field(default_factory=list)
    sample: list = field(default_factory=list)  # SampleRow
    refusal: str = ""  # why the file could not be read, for an import stored before summaries were kept
    checked_at: datetime.datetime | None = None  # the state of the cases the counts describe

    @property
    def ok(self):
        return not self.errors_total and not self.refusal

    @classmethod
    def of_plan(cls, plan):
        return cls(
            language=get_language(),
            checked_at=timezone.now(),
            rows_total=plan.rows_total,
            parcel_rows=plan.parcel_rows,
            asset_rows=plan.asset_rows,
            cases=plan.cases,
            parcels=plan.parcels,
            assets=plan.assets,
            errors_total=len(plan.errors),
            errors=plan.errors[:PREVIEW_ERRORS],
            reading=plan.reading,
            number_conventions=plan.number_conventions,
            ignored_columns=plan.ignored_columns,
            sample=plan.sample,
        )

    def as_json(self):
        """Plain JSON; lazy translations made text now, Decimals text the model field's encoder writes."""
        data = asdict(self)
        for error in data["errors"]:
            error["message"] = str(error["message"])
        data["reading"] = [[sheet, [str(note) for note in notes]] for sheet, notes in self.reading]
        data["number_conventions"] = [[header, str(text)] for header, text in self.number_conventions]
        for row in data["sample"]:
            row["action"], row["changes"] = str(row["action"]), [str(change) for change in row["changes"]]
        return data

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        data.pop(KEPT_TABLE, None)
        data["checked_at"] = parse_datetime(data["checked_at"]) if data.get("checked_at") else None
        for name in ("cases", "parcels", "assets"):
            data[name] = Counts(**data.get(name, {}))
        data["errors"] = [RowError(**error) for error in data.get("errors", [])]
        data["reading"] = [(sheet, notes) for sheet, notes in data.get("reading", [])]
        data["number_conventions"] = [tuple(pair) for pair in data.get("number_conventions", [])]
        data["sample"] = [
            SampleRow(**row | {key: _decimal(row[key]) for key in ("area_m2", "recovered_area_m2")})
            for row in data.get("sample", [])
        ]
        return cls(**data)


def _decimal(value):
    return None if value is None else Decimal(value)


def import_apply(*, inventory_import, user):
    """Write every row of the import, or none (ImportRejected)."""
    return _apply(inventory_import.pk, user=user)


@collector_paused()  # the rows, cases, parcels and uses all live until the end: clearance.inventory.collector
@transaction.atomic
@rollups.batch()
def _apply(pk, *, user, table=None):
    """import_apply; `table` is the file's rows when the caller has just read them from the stored bytes."""
    # Lock the import's own row only: locking its phase too would hold up every case created in
    # the phase meanwhile, and deadlock with one that inserts a parcel this file also writes.
    record = InventoryImport.objects.select_for_update(of=("self",)).select_related("phase").get(pk=pk)
    if record.status == InventoryImport.Status.APPLIED:
        raise ImportRejected(
            _("This file was already applied on %(when)s; upload it again to re-import it.")
            % {"when": timezone.localtime(record.applied_at).strftime("%d/%m/%Y %H:%M")}
        )
    scope = _importing_scope(user, record.phase)
    if table is None:
        table = _table(record)
    plan = validate(table, phase=record.phase, scope=scope, lock=True)
    if not plan.ok:
        raise ImportRejected(
            ngettext(
                "The file has %(count)d error; nothing was written. Correct it and upload the file again.",
                "The file has %(count)d errors; nothing was written. Correct them and upload the file again.",
                len(plan.errors),
            )
            % {"count": len(plan.errors)},
            plan,
        )
    try:
        with transaction.atomic():
            _write(plan, user=user, reason=_reason(record.file_name))
    except IntegrityError as error:
        # Another import or edit created the same parcel or case between our read and our write.
        raise ImportRejected(
            _(
                "Someone changed these cases or parcels while the file was being applied; "
                "nothing was written. Try again."
            )
        ) from error
    record.status = InventoryImport.Status.APPLIED
    record.applied_at = timezone.now()
    record.rows_total = plan.rows_total
    record.rows_created = plan.rows_created
    record.rows_updated = plan.rows_updated
    fields = ["status", "applied_at", "rows_total", "rows_created", "rows_updated"]
    if record.preview and KEPT_TABLE in record.preview:
        # Applied, the file is never validated again: its kept rows go, its summary stays.
        record.preview = {key: value for key, value in record.preview.items() if key != KEPT_TABLE}
        fields.append("preview")
    record.save(update_fields=fields)
    return plan


def _reason(file_name):
    """The history's change reason: "Import <file name>", within the column's 100 characters."""
    return f"Import {file_name}"[: Case.history.model._meta.get_field("history_change_reason").max_length]


def import_file(*, user, phase, file_name, content, dry_run=False):
    """The command line's import: check, read, validate and (unless dry_run) store and apply at once.

    Returns (plan, InventoryImport or None). Raises ImportRefused for a refused file and
    ImportRejected (with the plan) for a file with errors; either way nothing is stored.
    """
    scope = _importing_scope(user, phase)
    file_name = clean_file_name(file_name)
    file_format = check_file(file_name, content)
    table = read_table(content, file_format)
    if dry_run:
        plan = validate(table, phase=phase, scope=scope)
        if not plan.ok:
            raise ImportRejected(_("The file has errors."), plan)
        return plan, None
    with transaction.atomic():
        record = InventoryImport.objects.create(
            phase=phase,
            uploaded_by=user,
            file_name=file_name,
            file_format=file_format,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            rows_total=table.rows_total,
        )
        # The rows were read from these very bytes a moment ago: applying validates them, not a second reading.
        plan = _apply(record.pk, user=user, table=table)
    record.refresh_from_db()
    return plan, record


def _write(plan, *, user, reason):
    now = timezone.now()
    history = {"user": user, "reason": reason, "date": now}
    # Bulk writes send no signals: the registry rollups of every case written, where it stood
    # before and where it stands after, are refreshed here (clearance.rollups).
    written = {case.pk for case in plan.changed_cases}
    written |= {parcel.case_id for parcel in plan.changed_parcels} | {asset.case_id for asset in plan.changed_assets}
    written |= {asset.case_id for asset in plan.removed_assets}
    keys = set(Case.objects.filter(pk__in=written).values_list("phase_id", "unit_id"))
    stored_uses = _stored_uses(plan.parcel_uses)  # before the new parcels have ids: theirs are none
    for case in plan.new_cases:
        case.refresh_search_text()  # bulk writes skip save(); see docs/decisions/0003
    Case.objects.bulk_create(plan.new_cases, batch_size=BATCH_SIZE)
    _copy_history(Case, plan.new_cases, "+", **history)
    for case in plan.changed_cases:
        case.version += 1  # a case edit opened before the import is now stale
        case.updated_at = now
        case.refresh_search_text()
    Case.objects.bulk_update(
        plan.changed_cases, fields=[*CASE_FIELDS, "version", "updated_at", "search_text"], batch_size=BATCH_SIZE
    )
    _copy_history(Case, plan.changed_cases, "~", **history)
    new_parcels = []
    for parcel, code in plan.new_parcels:
        parcel.case = plan.case_by_code[code]
        new_parcels.append(parcel)
    LandParcel.objects.bulk_create(new_parcels, batch_size=BATCH_SIZE)
    _copy_history(LandParcel, new_parcels, "+", **history)
    LandParcel.objects.bulk_update(plan.changed_parcels, fields=PARCEL_FIELDS, batch_size=BATCH_SIZE)
    _copy_history(LandParcel, plan.changed_parcels, "~", **history)
    _write_uses(plan.parcel_uses, stored_uses, history=history)
    new_assets = []
    for asset, code in plan.new_assets:
        asset.case = plan.case_by_code[code]
        new_assets.append(asset)
    Asset.objects.bulk_create(new_assets, batch_size=BATCH_SIZE)
    _copy_history(Asset, new_assets, "+", **history)
    Asset.objects.bulk_update(plan.changed_assets, fields=["quantity"], batch_size=BATCH_SIZE)
    _copy_history(Asset, plan.changed_assets, "~", **history)
    for asset in plan.removed_assets:
        asset._history_user, asset._change_reason = user, reason
        asset.delete()
    keys |= {(case.phase_id, case.unit_id) for case in [*plan.new_cases, *plan.changed_cases]}
    keys |= {(parcel.case.phase_id, parcel.case.unit_id) for parcel in new_parcels}
    keys |= {(asset.case.phase_id, asset.case.unit_id) for asset in new_assets}
    written |= {case.pk for case in plan.new_cases} | {parcel.case_id for parcel in new_parcels}
    rollups.touched(keys, written)


def _stored_uses(parcel_uses):
    """{parcel id: {land use code: LandParcelUse}} of the listed parcels already stored."""
    stored = defaultdict(dict)
    for use in LandParcelUse.objects.filter(parcel__in=[p for p, _uses in parcel_uses if p.pk]):
        stored[use.parcel_id][use.land_use_code] = use
    return stored


def _write_uses(parcel_uses, stored, *, history):
    """Each listed parcel's uses become the given ones: kept, resized, added or removed."""
    new, resized = [], []
    for parcel, uses in parcel_uses:
        old = stored.pop(parcel.pk, {}) if parcel.pk else {}
        for code, area in uses:
            use = old.pop(code, None)
            if use is None:
                new.append(LandParcelUse(parcel=parcel, land_use_code=code, area_m2=area))
            elif use.area_m2 != area:
                use.area_m2 = area
                resized.append(use)
        for use in old.values():
            use._history_user, use._change_reason = history["user"], history["reason"]
            use.delete()
    LandParcelUse.objects.bulk_update(resized, fields=["area_m2"], batch_size=BATCH_SIZE)
    _copy_history(LandParcelUse, resized, "~", **history)
    LandParcelUse.objects.bulk_create(new, batch_size=BATCH_SIZE)
    _copy_history(LandParcelUse, new, "+", **history)


def _copy_history(model, objects, history_type, *, user, reason, date):
    """The history rows of these just written objects, as simple_history's bulk_create_with_history and
    bulk_update_with_history write them, copied in the database from the rows as they now stand.

    One INSERT … SELECT per HISTORY_BATCH rows: building a historical object per row in Python and
    sending every value back cost more than writing the rows themselves. Every column of the
    historical model is either the tracked field's own or one of the four given here, so a field
    added to the model is copied too; one that is neither fails loudly (a test writes both ways).
    """
    pks = sorted(obj.pk for obj in objects)
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = model.history.model
    given = {
        "history_date": date,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user": user.pk if user is not None else None,
    }
    quote = connection.ops.quote_name
    columns, selected, params = [], [], []
    for column in historical._meta.concrete_fields:
        if column.primary_key:
            continue
        columns.append(quote(column.column))
        if column.name in given:
            selected.append("%s")
            params.append(column.get_db_prep_save(given[column.name], connection))
        else:
            selected.append(quote(model._meta.get_field(column.name).column))
    pk = quote(model._meta.pk.column)
    size = min(HISTORY_BATCH, (connection.features.max_query_params or HISTORY_BATCH) - len(params))
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            batch = pks[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*params, *batch],
            )
