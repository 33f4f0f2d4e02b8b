"""Edges of the read side, the admin and the commands that the other tests leave out.

Each test reads what a user sees: a page, a download, the admin's answer, a command's output, and
what the database holds afterwards.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from clearance.land_use import parse_land_uses
from clearance.models import Case, LandParcel, ProgressReport, Stage
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    LandParcelFactory,
    PhaseFactory,
    ProgressReportFactory,
    ProvinceFactory,
    SourceFactory,
    ZoneFactory,
    local_staff,
)
from zones import charts
from zones.article import VSIP_ZONE_NAME
from zones.models import AdminUnit, StaffProfile, UnitSuccession, Zone
from zones.templatetags.lsip_format import num, qualified

User = get_user_model()
D = datetime.date
Status = ProgressReport.Status


def csv_rows(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def current_commune(name, code):
    """A 2025 commune: its parent is the province, not a district."""
    return CommuneFactory(
        name=name,
        code=code,
        parent=ProvinceFactory(),
        structure=AdminUnit.Structure.CURRENT,
        valid_from=D(2025, 7, 1),
        valid_to=None,
    )


def accepted_report(phase, unit, reported_on, **figures):
    figures.setdefault("area_handed_over_ha", None)
    return ProgressReportFactory(
        phase=phase,
        unit=unit,
        reported_on=reported_on,
        source=SourceFactory(published_on=reported_on),
        status=Status.ACCEPTED,
        **figures,
    )


@pytest.fixture
def area(db):
    """A legacy district with one commune and a zone phase, and a 2025 commune elsewhere in the province."""
    district = DistrictFactory(name="Huyện Hữu Lũng")
    commune = CommuneFactory(name="Xã Hồ Sơn", parent=district)
    phase = PhaseFactory(zone=ZoneFactory(name="KCN Thử Hữu Lũng", unit=district), area_ha=Decimal("200"))
    other_district = DistrictFactory(name="Huyện Cao Lộc")
    other_commune = CommuneFactory(name="Xã Hợp Thành", parent=other_district)
    return district, commune, phase, local_staff(other_district), other_commune


# --- case list and report list ------------------------------------------------------------------


def test_case_list_names_a_unit_without_a_parent_alone_on_the_page(as_user, user):
    province = ProvinceFactory()
    case = CaseFactory(unit=province, name="Hộ ông Vi Văn Tỉnh")

    html = as_user(user).get(reverse("clearance:case_list")).content.decode()

    row = html.split(case.code, 1)[1].split("</tr>", 1)[0]
    assert province.name in row
    assert f"{province.name}<br>" not in row  # no parent unit written under it


def test_report_list_export_names_a_2025_commune_alone_and_says_a_report_was_corrected(as_user, user, area):
    _district, _commune, phase, other_staff, _other = area
    huu_lung_2025 = current_commune("Xã Hữu Lũng", 99385)
    first = accepted_report(phase, huu_lung_2025, D(2025, 8, 4), cases_counted=40)
    correction = accepted_report(phase, huu_lung_2025, D(2025, 8, 4), cases_counted=42, corrects=first)

    rows = csv_rows(as_user(user, "en").get(reverse("clearance:report_list"), {"_export": "csv"}))

    by_id = {int(row["Report"]): row for row in rows}
    assert set(by_id) == {first.pk, correction.pk}
    assert by_id[first.pk]["Reporting unit"] == "Xã Hữu Lũng"
    assert by_id[first.pk]["Status"] == "Accepted (corrected by a later version)"
    assert by_id[correction.pk]["Status"] == "Accepted"
    # Staff of another district download the header only.
    assert csv_rows(as_user(other_staff, "en").get(reverse("clearance:report_list"), {"_export": "csv"})) == []


# --- the dashboard --------------------------------------------------------------------------------


def test_overview_sums_more_than_and_about_figures_as_about(as_user, user, area):
    _district, _commune, phase, other_staff, _other = area
    accepted_report(
        phase,
        current_commune("Xã Hữu Lũng", 99385),
        D(2025, 8, 4),
        cases_counted=490,
        cases_counted_qualifier="more_than",
    )
    accepted_report(
        phase, current_commune("Xã Tuấn Sơn", 99386), D(2025, 8, 11), cases_counted=20, cases_counted_qualifier="about"
    )

    html = as_user(user, "en").get(reverse("clearance:overview")).content.decode()

    assert "about 510" in html
    assert "more than 510" not in html
    assert "510" not in as_user(other_staff, "en").get(reverse("clearance:overview")).content.decode()


def test_report_checks_show_money_in_dong_and_export_the_qualifier_with_the_figure(as_user, user, area):
    _district, commune, phase, other_staff, _other = area
    accepted_report(
        phase,
        commune,
        D(2024, 10, 1),
        cases_counted=490,
        cases_counted_qualifier="more_than",
        plans_approved_vnd=300_000_000,
    )
    url = reverse("clearance:report_checks")

    html = as_user(user).get(url).content.decode()
    assert "300.000.000 ₫" in html

    rows = csv_rows(as_user(user, "en").get(url, {"_export": "csv"}))
    reported = {row["Figure"]: row["Reported"] for row in rows}
    assert reported["Cases counted"] == "more than 490"
    assert reported["Amount of approved plans"] == "300000000"
    assert csv_rows(as_user(other_staff, "en").get(url, {"_export": "csv"})) == []


# --- bottlenecks ---------------------------------------------------------------------------------


def test_stuck_list_marks_a_case_counted_from_the_day_it_was_recorded(as_user, user, area):
    _district, commune, phase, other_staff, _other = area
    case = CaseFactory(phase=phase, unit=commune, stage=Stage.INVENTORY)  # no dated step at all
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - datetime.timedelta(days=100))
    url = reverse("clearance:bottleneck_stuck")

    html = as_user(user, "en").get(url, {"stuck_days": 30}).content.decode()

    row = html.split(f">{case.code}<", 1)[1].split("</tr>", 1)[0]
    assert "no dated step: the day the case was recorded" in row
    assert case.code not in as_user(other_staff, "en").get(url, {"stuck_days": 30}).content.decode()


# --- the weekly report ---------------------------------------------------------------------------


def test_weekly_report_compares_money_of_a_report_of_the_week_in_dong(as_user, user, area):
    _district, commune, phase, _other_staff, _other = area
    CaseFactory(phase=phase, unit=commune, stage=Stage.INVENTORY)
    accepted_report(phase, commune, D(2025, 11, 24), cases_counted=None, amount_paid_vnd=5_000_000)

    html = as_user(user).get(reverse("clearance:weekly_report"), {"week": "2025-W48"}).content.decode()

    assert "5.000.000 ₫" in html
    assert "0 ₫" in html.split("5.000.000 ₫", 1)[1].split("</td>", 1)[0]


# --- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def parcel_case(db):
    return CaseFactory(name="Hộ ông Hoàng Văn A")


def parcel_data(case, **overrides):
    data = {
        "case": str(case.pk),
        "sheet_unit": str(case.unit.pk),
        "map_sheet_no": "40",
        "parcel_no": "7",
        "area_m2": "250",
        "recovered_area_m2": "250",
        "land_uses": "LUC",
        "land_origin": "",
        "certificate_no": "",
    }
    data.update(overrides)
    return data


def test_admin_refuses_a_parcel_without_land_uses_and_saves_nothing(admin_client, parcel_case):
    response = admin_client.post(
        reverse("admin:clearance_landparcel_add"), parcel_data(parcel_case, land_uses=""), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"land_uses"}
    assert not LandParcel.objects.exists()


def test_admin_refuses_a_parcel_without_area_and_saves_nothing(admin_client, parcel_case):
    response = admin_client.post(reverse("admin:clearance_landparcel_add"), parcel_data(parcel_case, area_m2=""))

    assert response.status_code == 200
    # Only the missing area is reported: the land use itself was readable.
    assert set(response.context["adminform"].form.errors) == {"area_m2"}
    assert not LandParcel.objects.exists()


def test_admin_parcel_list_filters_by_land_group(admin_client, parcel_case):
    rice = LandParcelFactory(case=parcel_case, land_use_code="LUC")
    house = LandParcelFactory(case=parcel_case, land_use_code="ONT")
    url = reverse("admin:clearance_landparcel_changelist")

    agricultural = admin_client.get(url, {"land_group": "agricultural"})
    non_agricultural = admin_client.get(url, {"land_group": "non_agricultural"})

    assert [parcel.pk for parcel in agricultural.context["cl"].result_list] == [rice.pk]
    assert [parcel.pk for parcel in non_agricultural.context["cl"].result_list] == [house.pk]
    assert {p.pk for p in admin_client.get(url).context["cl"].result_list} == {rice.pk, house.pk}


# --- zones: occupancy, charts, formats, loader -----------------------------------------------------


def test_zone_page_shows_occupancy_worked_out_from_leased_and_leasable_area(logged_in_client):
    zone = ZoneFactory(leasable_area_ha=Decimal("80"), leased_area_ha=Decimal("30"), occupancy_reported_pct=None)

    html = logged_in_client.get(reverse("clearance:zone_detail", args=[zone.pk])).content.decode()

    assert "37,5 %" in html


def test_a_time_axis_of_more_than_sixty_years_is_marked_every_ten_years():
    ticks = charts.date_ticks(D(1950, 1, 1), D(2025, 6, 1))
    assert [label for _, label in ticks] == [str(year) for year in range(1950, 2030, 10)]


def test_a_figure_that_is_not_a_number_shows_as_unknown():
    assert num("không rõ") == "—"
    assert num("1.234.567") == "—"


def test_an_unknown_qualifier_leaves_the_figure_as_it_is():
    assert qualified("490", "roughly") == "490"


@pytest.mark.usefixtures("in_english")
def test_an_empty_land_use_text_asks_for_a_code():
    with pytest.raises(ValidationError) as refused:
        parse_land_uses("   ")
    assert refused.value.messages == ["Give at least one land-use code."]
    assert refused.value.error_list[0].code == "required"


def test_reloading_restores_whether_a_conversion_is_partial(lang_son):
    ho_son = AdminUnit.objects.get(structure=AdminUnit.Structure.LEGACY, code=6451)
    succession = ho_son.successions_to.get()
    succession.partial = True
    succession.save()
    counts = UnitSuccession.objects.count()

    out = io.StringIO()
    with translation.override("en"):
        call_command("load_lang_son", stdout=out)

    succession.refresh_from_db()
    assert not succession.partial
    assert UnitSuccession.objects.count() == counts
    assert "196 conversions (0 new)" in out.getvalue()


# --- commands ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_create_staff_dry_run_of_a_new_account_without_password_saves_nothing(lang_son, monkeypatch):
    monkeypatch.delenv("LSIP_STAFF_PASSWORD", raising=False)
    out = io.StringIO()

    call_command("create_staff", "can_bo_moi", "--role", "local", "--unit", "186", "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run, nothing saved: Created")
    assert "can_bo_moi" in out.getvalue()
    assert not User.objects.filter(username="can_bo_moi").exists()
    assert not StaffProfile.objects.exists()


@pytest.mark.usefixtures("in_english")
def test_create_staff_refuses_an_investor_name_that_names_two_investors(db, monkeypatch):
    monkeypatch.setenv("LSIP_STAFF_PASSWORD", "Lang-Son-Huu-Lung-2025")
    InvestorFactory(name="VSIP", short_name="")
    InvestorFactory(name="Công ty TNHH Phát triển VSIP Lạng Sơn", short_name="vsip")

    with pytest.raises(CommandError, match="names several investors: "):
        call_command("create_staff", "nha_dau_tu", "--role", "investor", "--investor", "VSIP", stdout=io.StringIO())

    assert not User.objects.exists()
    assert not StaffProfile.objects.exists()


def test_benchmark_refuses_fewer_than_one_timed_request(db):
    CaseFactory()
    with pytest.raises(CommandError, match="--repeat must be at least 1"):
        call_command("benchmark_pages", "--repeat", "0", stdout=io.StringIO())
    assert not User.objects.exists()


@pytest.mark.usefixtures("in_english")
def test_generate_demo_says_which_communes_are_missing_and_makes_nothing(db):
    PhaseFactory(zone=ZoneFactory(name=VSIP_ZONE_NAME, kind=Zone.Kind.INDUSTRIAL_ZONE), number=1)

    with pytest.raises(CommandError, match=r"Legacy communes 6451, 6460 are missing\. Run “python manage.py"):
        call_command("generate_demo", stdout=io.StringIO())

    assert not Case.objects.exists()
