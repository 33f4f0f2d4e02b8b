"""The admin is the back office: every model has working pages, search folds diacritics, edits leave history."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from simple_history.models import HistoricalChanges

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
    Stage,
    StageEvent,
)
from tests.factories import (
    AssetFactory,
    CaseFactory,
    CommuneFactory,
    CompensationItemFactory,
    DistrictFactory,
    InvestorFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    ProvinceFactory,
    ResettlementPlotFactory,
    SourceFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import (
    AdminUnit,
    CalendarOverride,
    Investor,
    Phase,
    Qualifier,
    Source,
    StaffProfile,
    SummaryFigure,
    UnitSuccession,
    Zone,
    ZoneDocument,
)

APPS = ("zones", "clearance")


def _unit_succession():
    new = CommuneFactory(structure=AdminUnit.Structure.CURRENT, parent=ProvinceFactory(), valid_to=None)
    return UnitSuccession.objects.create(old=CommuneFactory(), new=new, partial=True)


def _zone_document():
    return ZoneDocument.objects.create(
        zone=ZoneFactory(),
        purpose=ZoneDocument.Purpose.ESTABLISHMENT,
        doc_type=ZoneDocument.DocType.DECISION,
        doc_number="1234/QĐ-UBND",
        doc_date=datetime.date(2023, 5, 10),
        doc_issuer="UBND tỉnh Lạng Sơn",
    )


def _summary_figure():
    return SummaryFigure.objects.create(
        metric=SummaryFigure.Metric.CLUSTERS_ESTABLISHED_AREA,
        value=Decimal("372"),
        qualifier=Qualifier.ABOUT,
        source=SourceFactory(),
    )


def _complaint():
    return Complaint.objects.create(
        case=CaseFactory(), received_on=datetime.date(2024, 10, 3), summary="Khiếu nại về giá bồi thường đất"
    )


def _inventory_import():
    return InventoryImport.objects.create(
        phase=PhaseFactory(),
        uploaded_by=UserFactory(),
        file_name="kiem_dem_ho_son.xlsx",
        file_format=InventoryImport.Format.XLSX,
        content=b"PK\x03\x04" + b"\x00" * 2044,
        sha256="0" * 64,
        rows_total=12,
    )


def _calendar_override():
    day = datetime.date(2027, 3, 1) + datetime.timedelta(days=CalendarOverride.objects.count())
    return CalendarOverride.objects.create(
        date=day, kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ lễ hội", notice="15/TB-UBND", notice_date=day
    )


def _registry_total():
    case = CaseFactory()  # saving a case writes its phase and commune's rollup
    return RegistryTotal.objects.get(phase=case.phase, unit=case.unit)


def _registry_day():
    event = StageEventFactory(kind=StageEvent.Kind.INVENTORY, doc_type=StageEvent.DocType.MINUTES)
    return RegistryDay.objects.get(phase=event.case.phase, unit=event.case.unit, day=event.happened_on)


def _local_staff():
    return StaffProfileFactory(role=StaffProfile.Role.LOCAL_STAFF, units=[CommuneFactory()])


# One row per registered model, each call a new distinct row. A model registered
# without an entry here fails test_every_registered_model_has_a_maker.
MAKERS = {
    Source: SourceFactory,
    AdminUnit: CommuneFactory,
    UnitSuccession: _unit_succession,
    Investor: InvestorFactory,
    Zone: lambda: ZoneFactory(investor=InvestorFactory()),
    ZoneDocument: _zone_document,
    Phase: PhaseFactory,
    SummaryFigure: _summary_figure,
    Case: CaseFactory,
    LandParcel: LandParcelFactory,
    LandParcelUse: lambda: LandParcelFactory().uses.get(),
    Asset: AssetFactory,
    StageEvent: StageEventFactory,
    CompensationItem: CompensationItemFactory,
    Payment: PaymentFactory,
    ResettlementPlot: lambda: ResettlementPlotFactory(case=CaseFactory(), allocated_on=datetime.date(2024, 11, 1)),
    ProgressReport: lambda: ProgressReportFactory(reported_by=UserFactory()),
    Complaint: _complaint,
    InventoryImport: _inventory_import,
    StaffProfile: _local_staff,
    CalendarOverride: _calendar_override,
    RegistryTotal: _registry_total,
    RegistryDay: _registry_day,
}

# Kept as uploaded: the admin lists and shows them but adds and edits nothing.
READ_ONLY = {InventoryImport, LandParcelUse, RegistryTotal, RegistryDay}

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label,
)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_both_apps_is_registered():
    models = {
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    }
    missing = {model._meta.label for model in models} - {model._meta.label for model in REGISTERED}
    assert not missing, f"models without an admin: {sorted(missing)}"


def test_every_registered_model_has_a_maker():
    assert set(REGISTERED) <= set(MAKERS), "add a maker to MAKERS for each newly registered model"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_pages_open_for_a_superuser(admin_client, model):
    obj = MAKERS[model]()

    changelist = admin_client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert _url(model, "change", obj.pk) in changelist.content.decode()

    assert admin_client.get(_url(model, "add")).status_code == (403 if model in READ_ONLY else 200)
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    MAKERS[model]()
    url = _url(model, "changelist")
    admin_client.get(url)  # warm caches: content types, session

    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(url)
    MAKERS[model]()
    MAKERS[model]()
    with CaptureQueriesContext(connection) as three_rows:
        response = admin_client.get(url)

    assert response.context["cl"].result_count == model.objects.count()
    assert len(three_rows) == len(one_row), "\n".join(q["sql"][:300] for q in three_rows.captured_queries)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_foreign_keys_use_autocomplete(model):
    model_admin = admin.site._registry[model]
    foreign_keys = {field.name for field in model._meta.fields if field.many_to_one}
    assert foreign_keys <= set(model_admin.autocomplete_fields)
    for name in foreign_keys:
        target = model._meta.get_field(name).related_model
        assert admin.site._registry[target].search_fields, f"{target._meta.label} admin needs search_fields"


# ---- search ----------------------------------------------------------------------------------


@pytest.fixture
def huu_lung(db):
    DistrictFactory(name="Huyện Chi Lăng")
    return DistrictFactory(name="Huyện Hữu Lũng")


@pytest.mark.parametrize("query", ["huu lung", "Hữu Lũng", "HUU LUNG", "lung huu"])
def test_unit_search_ignores_diacritics_and_case(admin_client, huu_lung, query):
    response = admin_client.get(_url(AdminUnit, "changelist"), {"q": query})

    assert list(response.context["cl"].result_list) == [huu_lung]
    assert "Huyện Hữu Lũng" in response.content.decode()


def test_unit_search_by_official_code(admin_client, huu_lung):
    response = admin_client.get(_url(AdminUnit, "changelist"), {"q": str(huu_lung.code)})

    assert list(response.context["cl"].result_list) == [huu_lung]


def test_unit_search_with_no_match_lists_nothing(admin_client, huu_lung):
    response = admin_client.get(_url(AdminUnit, "changelist"), {"q": "dinh lap"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_zone_search_finds_zones_by_their_unit_name(admin_client, huu_lung):
    zone = ZoneFactory(name="Khu công nghiệp Hữu Lũng Thử", unit=huu_lung)
    ZoneFactory(name="Cụm công nghiệp Khác")

    response = admin_client.get(_url(Zone, "changelist"), {"q": "huu lung"})

    assert list(response.context["cl"].result_list) == [zone]


def test_unit_page_shows_what_a_legacy_unit_became(admin_client):
    succession = _unit_succession()

    response = admin_client.get(_url(AdminUnit, "change", succession.old.pk))

    assert succession.new.name in response.content.decode()


def test_autocomplete_answers_json_for_a_query(admin_client, huu_lung):
    case = CaseFactory()
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "clearance", "model_name": "case", "field_name": "unit", "term": "huu lung"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert {"id": str(huu_lung.pk), "text": "Huyện Hữu Lũng"} in results
    assert str(case.unit.pk) not in {row["id"] for row in results}


# ---- editing leaves history --------------------------------------------------------------------


def _post_value(value):
    if isinstance(value, list | tuple):  # a multiple choice: one value per selected option
        return [_post_value(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _form_data(response):
    """What a browser would send back for the change form as rendered, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is False:  # an unticked checkbox is not sent
                continue
            data[form.add_prefix(name)] = _post_value(value)
    return data


@pytest.fixture
def case_with_inlines(db):
    case = CaseFactory(name="Hộ ông Hoàng Văn A", stage=Stage.INVENTORY)
    LandParcelFactory(case=case, area_m2=Decimal("1000.0"), recovered_area_m2=Decimal("800.0"))
    PaymentFactory(case=case)
    return case


def test_editing_a_case_records_who_changed_what(admin_client, admin_user, case_with_inlines):
    case = case_with_inlines
    url = _url(Case, "change", case.pk)
    data = _form_data(admin_client.get(url))
    assert data["parcels-TOTAL_FORMS"] == "1"
    data.update(name="Hộ bà Lương Thị B", stage=Stage.PLAN_POSTED)

    response = admin_client.post(url, data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.name, case.stage) == ("Hộ bà Lương Thị B", Stage.PLAN_POSTED)
    latest, previous = case.history.all()[:2]
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert {"name", "stage"} <= changed
    # The unchanged parcel was not rewritten.
    assert case.parcels.get().history.count() == 1

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    history = admin_client.get(_url(Case, "history", case.pk)).content.decode()
    assert admin_user.username in history
    # The changes column lists each changed field with its old and new value.
    assert "<strong>Name:</strong>" in history
    assert "<strong>Stage:</strong>" in history
    assert "Hộ ông Hoàng Văn A" in history
    assert "Hộ bà Lương Thị B" in history


def test_admin_shows_an_error_instead_of_saving_an_impossible_parcel(admin_client, case_with_inlines):
    case = case_with_inlines
    url = _url(Case, "change", case.pk)
    data = _form_data(admin_client.get(url))
    data["parcels-0-recovered_area_m2"] = "1000.1"  # more than the parcel's 1000 m²
    data["name"] = "Tên mới không được lưu"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["errors"]
    case.refresh_from_db()
    assert case.name == "Hộ ông Hoàng Văn A"
    assert case.parcels.get().recovered_area_m2 == Decimal("800.0")
    assert case.history.count() == 1


def test_adding_a_parcel_inline_records_the_admin_as_author(admin_client, admin_user, case_with_inlines):
    case = case_with_inlines
    url = _url(Case, "change", case.pk)
    data = _form_data(admin_client.get(url))
    data.update(
        {
            "parcels-TOTAL_FORMS": "2",
            "parcels-1-sheet_unit": str(case.unit.pk),
            "parcels-1-map_sheet_no": "40",
            "parcels-1-parcel_no": "7",
            "parcels-1-area_m2": "250",
            "parcels-1-recovered_area_m2": "250",
            "parcels-1-land_uses": "ONT",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    parcel = case.parcels.get(map_sheet_no=40, parcel_no=7)
    assert parcel.history.get().history_user == admin_user


# ---- who may enter ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/clearance/case/",
        "/admin/autocomplete/?app_label=clearance&model_name=case&field_name=unit&term=huu",
    ],
)
def test_non_staff_user_is_sent_to_the_admin_login(logged_in_client, url):
    response = logged_in_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", ["/admin/", "/admin/clearance/case/", "/admin/zones/adminunit/"])
def test_anonymous_user_is_sent_to_the_admin_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_cannot_change_a_case(logged_in_client, case_with_inlines):
    response = logged_in_client.post(_url(Case, "change", case_with_inlines.pk), {"name": "Bị sửa"})

    assert response.status_code == 302
    case_with_inlines.refresh_from_db()
    assert case_with_inlines.name == "Hộ ông Hoàng Văn A"


def test_site_titles_name_the_portal(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert "LSIP administration" in response.content.decode()


# ---- staff accounts, complaints and imports ---------------------------------------------------


def test_an_import_page_shows_the_file_size_never_its_bytes_and_cannot_be_changed(admin_client):
    upload = _inventory_import()
    url = _url(InventoryImport, "change", upload.pk)

    html = admin_client.get(url).content.decode()
    assert "kiem_dem_ho_son.xlsx" in html
    assert "2,0\xa0KB" in html or "2.0\xa0KB" in html
    assert "PK\\x03" not in html and "b&#x27;PK" not in html
    assert 'name="_save"' not in html

    response = admin_client.post(url, {"file_name": "doi_ten.xlsx", "status": "applied"})
    assert response.status_code == 403
    upload.refresh_from_db()
    assert (upload.file_name, upload.status) == ("kiem_dem_ho_son.xlsx", InventoryImport.Status.PREVIEWED)


def test_an_applied_import_cannot_be_deleted_but_a_preview_can(admin_client):
    applied = _inventory_import()
    InventoryImport.objects.filter(pk=applied.pk).update(
        status=InventoryImport.Status.APPLIED, applied_at=datetime.datetime(2024, 10, 3, tzinfo=datetime.UTC)
    )
    preview = _inventory_import()

    assert admin_client.post(_url(InventoryImport, "delete", applied.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(_url(InventoryImport, "delete", preview.pk), {"post": "yes"}).status_code == 302
    assert list(InventoryImport.objects.values_list("pk", flat=True)) == [applied.pk]


def _user_form_data(response):
    data = _form_data(response)
    # The admin shows date_joined as a date and a time field.
    del data["date_joined"]
    data.update(date_joined_0="2024-01-01", date_joined_1="08:00:00")
    return data


def test_a_staff_profile_is_edited_on_the_user_page_with_history(admin_client, admin_user):
    district = DistrictFactory(name="Huyện Hữu Lũng")
    commune = CommuneFactory(name="Xã Hồ Sơn", parent=district)
    account = UserFactory(username="can_bo_huu_lung")
    url = reverse("admin:auth_user_change", args=[account.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    data = _user_form_data(response)
    data.update(
        {
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-0-role": StaffProfile.Role.LOCAL_STAFF,
            "staff_profile-0-units": [str(district.pk), str(commune.pk)],
            "staff_profile-0-investor": "",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=account)
    assert profile.role == StaffProfile.Role.LOCAL_STAFF
    assert set(profile.units.all()) == {district, commune}
    assert {record.history_user for record in profile.history.all()} == {admin_user}


def test_the_user_admin_refuses_an_investor_account_without_its_investor(admin_client):
    account = UserFactory(username="nha_dau_tu")
    url = reverse("admin:auth_user_change", args=[account.pk])
    data = _user_form_data(admin_client.get(url))
    data.update(
        {
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-0-role": StaffProfile.Role.INVESTOR,
            "staff_profile-0-investor": "",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    with translation.override("vi"):
        refusal = str(StaffProfile._meta.constraints[0].violation_error_message)
    # Shown in the admin's language, Vietnamese.
    assert refusal.startswith("Tài khoản nhà đầu tư")
    assert refusal in str(response.context["inline_admin_formsets"][-1].formset.errors)
    assert not StaffProfile.objects.filter(user=account).exists()


def test_the_user_list_shows_each_account_role(admin_client):
    _local_staff()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = admin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "local staff" in html


def test_progress_reports_filter_by_sign_off_status(admin_client):
    accepted = ProgressReportFactory(status=ProgressReport.Status.ACCEPTED)
    ProgressReportFactory(status=ProgressReport.Status.SUBMITTED)

    response = admin_client.get(_url(ProgressReport, "changelist"), {"status__exact": "accepted"})

    assert list(response.context["cl"].result_list) == [accepted]
