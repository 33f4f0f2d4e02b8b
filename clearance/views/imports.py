"""Inventory import pages: upload, template download, preview (dry run), confirm.

Only roles that may import reach these pages (403 otherwise); an import is visible to
its uploader and to administrators, within their area, and is a 404 to everyone else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearance.forms.imports import ImportUploadForm
from clearance.inventory import ImportRefused
from clearance.inventory.template import build_csv, build_xlsx, export_rows
from clearance.models import Case, InventoryImport
from clearance.services.imports import ImportRejected, import_apply, import_preview_summary, import_upload
from zones.access import Role, scope_for
from zones.models import Phase

RECENT_IMPORTS = 10
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importing_scope(request):
    scope = scope_for(request.user)
    if not scope.can_import:
        raise PermissionDenied
    return scope


def _import_for(request, pk):
    """The one way views fetch an import: the uploader's or, for administrators, anyone's.

    Without the uploaded bytes, which can be megabytes: the pages show the preview kept at upload,
    and applying reads the file from its own locked row.
    """
    scope = scope_for(request.user)
    imports = (
        InventoryImport.objects.select_related("phase__zone", "uploaded_by")
        .filter(phase__in=scope.phases(Phase.objects.all()))
        .defer("content")
    )
    if not scope.can_import:
        imports = imports.none()
    elif scope.role != Role.ADMIN:
        imports = imports.filter(uploaded_by=request.user)
    return get_object_or_404(imports, pk=pk)


def _recent(request, scope):
    imports = InventoryImport.objects.select_related("phase__zone").filter(
        phase__in=scope.phases(Phase.objects.all()), uploaded_by=request.user
    )
    return imports.defer("content", "preview")[:RECENT_IMPORTS]


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    scope = _importing_scope(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = import_upload(
                user=request.user, phase=form.cleaned_data["phase"], file_name=upload.name, content=upload.read()
            )
        except ImportRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            return redirect("clearance:import_preview", pk=record.pk)
    return render(request, "clearance/imports/start.html", {"form": form, "recent": _recent(request, scope)})


@login_required
@require_GET
def import_template(request):
    """The empty template, or with ?phase=<id> the phase's cases of the user's area in the same format.

    ?format=csv is the standard CSV, ?format=csv_vi the CSV for Excel set to Vietnamese; XLSX otherwise.
    """
    scope = _importing_scope(request)
    file_format = request.GET.get("format")
    parcel_rows, asset_rows, name = [], [], "mau-danh-sach-kiem-dem"
    if request.GET.get("phase"):
        phase_id = request.GET["phase"]
        phase = scope.get_or_404(Phase.objects.all(), pk=phase_id if phase_id.isdigit() else 0)
        parcel_rows, asset_rows = export_rows(scope.cases(Case.objects.filter(phase=phase)))
        name = f"kiem-dem-giai-doan-{phase.pk}"
    if file_format in ("csv", "csv_vi"):
        vietnamese = file_format == "csv_vi"
        content = build_csv(parcel_rows, asset_rows, vietnamese=vietnamese)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        name += "-excel-vi.csv" if vietnamese else ".csv"
    else:
        response = HttpResponse(build_xlsx(parcel_rows, asset_rows), content_type=XLSX_TYPE)
        name += ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def import_preview_page(request, pk):
    record = _import_for(request, pk)
    summary = None
    if record.status == InventoryImport.Status.PREVIEWED:
        summary = import_preview_summary(inventory_import=record, user=request.user)
    refusal = summary.refusal if summary else None
    plan = None if refusal else summary
    applied_before = (
        InventoryImport.objects.filter(phase=record.phase, sha256=record.sha256, status=InventoryImport.Status.APPLIED)
        .filter(uploaded_by=record.uploaded_by)
        .exclude(pk=record.pk)
        .defer("content", "preview")
        .order_by("-applied_at")
        .first()
    )
    return render(
        request,
        "clearance/imports/preview.html",
        {
            "record": record,
            "plan": plan,
            "refusal": refusal,
            "reading_notes": plan.reading if plan else [],
            # The sentences kept with the summary are in the uploader's language: marked when it is not the page's.
            "notes_lang": summary.language if summary and summary.language != get_language() else None,
            "errors": plan.errors if plan else [],
            "errors_hidden": plan.errors_total - len(plan.errors) if plan else 0,
            "applied_before": applied_before,
            "can_confirm": plan is not None and plan.ok,
        },
    )


@login_required
@require_POST
def import_confirm(request, pk):
    record = _import_for(request, pk)
    _importing_scope(request)
    try:
        plan = import_apply(inventory_import=record, user=request.user)
    except ImportRejected as rejection:
        messages.error(request, rejection.message)
    else:
        messages.success(
            request,
            _(
                "Imported %(file)s: %(cases)d cases created, %(cases_updated)d updated; %(parcels)d parcels created, "
                "%(parcels_updated)d updated; %(assets)d assets created, %(assets_updated)d updated."
            )
            % {
                "file": record.file_name,
                "cases": plan.cases.create,
                "cases_updated": plan.cases.update,
                "parcels": plan.parcels.create,
                "parcels_updated": plan.parcels.update,
                "assets": plan.assets.create,
                "assets_updated": plan.assets.update,
            },
        )
    return redirect(reverse("clearance:import_preview", args=[record.pk]))
