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
from simple_history.models import HistoricalChanges

from clearance.models import (
    Asset,
    Case,
    CompensationItem,
    LandParcel,
    Payment,
    ProgressReport,
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
    StageEventFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import (
    AdminUnit,
    Investor,
    Phase,
    Qualifier,
    Source,
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
    Asset: AssetFactory,
    StageEvent: StageEventFactory,
    CompensationItem: CompensationItemFactory,
    Payment: PaymentFactory,
    ResettlementPlot: lambda: ResettlementPlotFactory(case=CaseFactory(), allocated_on=datetime.date(2024, 11, 1)),
    ProgressReport: lambda: ProgressReportFactory(reported_by=UserFactory()),
}

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

    assert admin_client.get(_url(model, "add")).status_code == 200
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
            "parcels-1-land_use_code": LandParcel.LandUse.ONT,
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
