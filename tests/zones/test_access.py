"""Who sees what, on Lạng Sơn's real units: a district covers its communes, old and new records both count."""

import datetime
import re

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clearance.demo import vsip_phase_1
from clearance.models import Case, Complaint, InventoryImport, ProgressReport, StageEvent
from tests.factories import (
    CaseFactory,
    InvestorFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
    ZoneFactory,
)
from zones.access import scope_for
from zones.models import AdminUnit, Phase, StaffProfile, Zone

Role = StaffProfile.Role
Status = ProgressReport.Status
HUU_LUNG, CAO_LOC = 186, 183
HO_SON, HOA_THANG, BINH_XA, KIEN_MOC = 6451, 6460, 6622, 6625
# 2025 communes: Xã Hữu Lũng was formed from legacy 6385, 6424 and Hồ Sơn; Tuấn Sơn took Hòa Thắng;
# Bính Xá was split between the 2025 Xã Đình Lập and Xã Kiên Mộc.
XA_HUU_LUNG, TUAN_SON, XA_DINH_LAP, XA_KIEN_MOC = 6385, 6457, 6613, 6625


def legacy(code):
    return AdminUnit.objects.get(structure=AdminUnit.Structure.LEGACY, code=code)


def current(code):
    return AdminUnit.objects.get(structure=AdminUnit.Structure.CURRENT, code=code)


def staff(*units, role=Role.LOCAL_STAFF, **kwargs):
    user = UserFactory()
    StaffProfileFactory(user=user, role=role, units=list(units), **kwargs)
    return user


@pytest.fixture
def phase(lang_son):
    return vsip_phase_1()


@pytest.fixture
def cases(phase):
    """One case in each unit the tests ask about, named by its unit."""
    cao_loc_commune = legacy(CAO_LOC).children.order_by("code").first()
    units = {
        "ho_son": legacy(HO_SON),
        "hoa_thang": legacy(HOA_THANG),
        "legacy_6385": legacy(XA_HUU_LUNG),
        "xa_huu_lung": current(XA_HUU_LUNG),
        "tuan_son": current(TUAN_SON),
        "cao_loc": cao_loc_commune,
        "cao_loc_2025": cao_loc_commune.successions_to.get().new,
        "binh_xa": legacy(BINH_XA),
        "xa_dinh_lap": current(XA_DINH_LAP),
        "xa_kien_moc": current(XA_KIEN_MOC),
        "legacy_kien_moc": legacy(KIEN_MOC),
    }
    return {name: CaseFactory(phase=phase, unit=unit, code=name) for name, unit in units.items()}


def visible(user, cases):
    codes = set(scope_for(user).cases(Case.objects.all()).values_list("code", flat=True))
    return codes & set(cases)


# ---- coverage rules ------------------------------------------------------------------------


def test_district_staff_see_their_communes_and_what_those_became_not_another_district(cases):
    user = staff(legacy(HUU_LUNG))

    seen = visible(user, cases)

    assert {"ho_son", "hoa_thang", "legacy_6385", "xa_huu_lung", "tuan_son"} <= seen
    assert not seen & {"cao_loc", "cao_loc_2025", "binh_xa", "xa_dinh_lap"}


def test_a_2025_commune_sees_the_legacy_communes_it_came_from(cases):
    user = staff(current(XA_HUU_LUNG))

    assert visible(user, cases) == {"xa_huu_lung", "ho_son", "legacy_6385"}


def test_a_legacy_commune_sees_the_2025_commune_it_became(cases):
    user = staff(legacy(HOA_THANG))

    assert visible(user, cases) == {"hoa_thang", "tuan_son"}


def test_a_split_commune_counts_for_both_2025_communes_and_both_see_it(cases):
    assert legacy(BINH_XA).successions_to.filter(partial=True).count() == 2

    # Staff of the legacy commune follow its records into both communes it was split between.
    assert visible(staff(legacy(BINH_XA)), cases) == {"binh_xa", "xa_dinh_lap", "xa_kien_moc"}
    # Each 2025 commune sees Bính Xá's old records, but not the other 2025 commune's.
    assert visible(staff(current(XA_DINH_LAP)), cases) == {"xa_dinh_lap", "binh_xa"}
    assert visible(staff(current(XA_KIEN_MOC)), cases) == {"xa_kien_moc", "binh_xa", "legacy_kien_moc"}


def test_several_units_add_up(cases):
    user = staff(legacy(HO_SON), current(XA_DINH_LAP))

    assert visible(user, cases) == {"ho_son", "xa_huu_lung", "xa_dinh_lap", "binh_xa"}


def test_local_staff_without_units_see_nothing(cases):
    user = staff()

    assert visible(user, cases) == set()
    assert not scope_for(user).zones().exists()


def test_a_user_without_a_profile_sees_nothing(cases, phase):
    user = UserFactory()
    scope = scope_for(user)

    assert scope.role is None
    assert visible(user, cases) == set()
    assert not scope.zones().exists()
    assert not scope.phases(Phase.objects.all()).exists()
    assert not scope.reports(ProgressReport.objects.all()).exists()
    assert not scope.units().exists()
    assert not (scope.can_edit_cases or scope.can_submit_reports or scope.can_sign_off or scope.can_import)


def test_anonymous_users_see_nothing(cases):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser(), cases) == set()


@pytest.mark.parametrize("how", ["provincial", "admin", "superuser"])
def test_provincial_officers_and_administrators_see_the_whole_province(cases, how):
    if how == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = staff(role=how)
    scope = scope_for(user)

    assert visible(user, cases) == set(cases)
    assert scope.zones().count() == Zone.objects.count()
    assert scope.units().count() == AdminUnit.objects.count()
    assert scope.can_sign_off


def test_an_investor_sees_only_its_own_zones_and_their_cases(cases, phase):
    cluster = Zone.objects.get(name="Cụm công nghiệp Hợp Thành 1")
    other_case = CaseFactory(phase=PhaseFactory(zone=cluster, source=cluster.source), unit=legacy(HO_SON))
    user = staff(role=Role.INVESTOR, investor=phase.zone.investor)
    scope = scope_for(user)

    assert list(scope.zones()) == [phase.zone]
    assert visible(user, cases) == set(cases)  # every case of its zone, whatever the commune
    assert not scope.cases(Case.objects.filter(pk=other_case.pk)).exists()
    assert not (scope.can_edit_cases or scope.can_submit_reports or scope.can_sign_off or scope.can_import)


def test_another_investor_sees_nothing_of_vsip(cases, phase):
    user = staff(role=Role.INVESTOR, investor=InvestorFactory())

    assert visible(user, cases) == set()
    assert not scope_for(user).zones().exists()


def test_district_staff_see_the_zones_of_their_district_and_zones_with_their_cases(lang_son):
    huu_lung = staff(legacy(HUU_LUNG))
    names = set(scope_for(huu_lung).zones().values_list("name", flat=True))
    assert {"Khu công nghiệp VSIP Lạng Sơn", "Cụm công nghiệp Hồ Sơn 1", "Cụm công nghiệp Hoà Sơn 1"} <= names
    assert not {"Cụm công nghiệp Hợp Thành 1", "Cụm công nghiệp địa phương số 2"} & names

    # A Cao Lộc zone with a case in Hồ Sơn becomes visible to Hữu Lũng, as that case is theirs.
    cluster = Zone.objects.get(name="Cụm công nghiệp Hợp Thành 1")
    CaseFactory(phase=PhaseFactory(zone=cluster, source=cluster.source), unit=legacy(HO_SON))
    huu_lung = staff(legacy(HUU_LUNG))
    assert scope_for(huu_lung).zones().filter(pk=cluster.pk).exists()


def test_reports_follow_the_reporting_unit(phase):
    district_report = phase.reports.get()  # the article's, by the Hữu Lũng district
    commune_report = ProgressReportFactory(phase=phase, unit=legacy(HO_SON))
    cao_loc_report = ProgressReportFactory(phase=phase, unit=legacy(CAO_LOC))

    def reports(user):
        return set(scope_for(user).reports(ProgressReport.objects.all()))

    assert reports(staff(legacy(HUU_LUNG))) == {district_report, commune_report}
    assert reports(staff(current(XA_HUU_LUNG))) == {commune_report}
    assert reports(staff(legacy(CAO_LOC))) == {cao_loc_report}
    assert reports(staff(role=Role.INVESTOR, investor=phase.zone.investor)) == {
        district_report,
        commune_report,
        cao_loc_report,
    }


def test_get_or_404_answers_404_outside_the_scope_as_for_a_missing_row(cases):
    scope = scope_for(staff(legacy(CAO_LOC)))

    assert scope.get_or_404(Case.objects.all(), pk=cases["cao_loc"].pk) == cases["cao_loc"]
    with pytest.raises(Http404):
        scope.get_or_404(Case.objects.all(), pk=cases["ho_son"].pk)
    with pytest.raises(Http404):
        scope.get_or_404(Case.objects.all(), pk=999999)


def test_rows_of_a_case_or_a_phase_follow_it(cases, phase):
    event = StageEventFactory(case=cases["ho_son"])
    complaint = Complaint.objects.create(case=cases["ho_son"], received_on=datetime.date(2024, 5, 1), summary="…")
    upload = InventoryImport.objects.create(
        phase=phase, uploaded_by=UserFactory(), file_name="a.csv", file_format="csv", content=b"", sha256="0" * 64
    )
    huu_lung, cao_loc = scope_for(staff(legacy(HUU_LUNG))), scope_for(staff(legacy(CAO_LOC)))

    assert huu_lung.get_or_404(StageEvent.objects.all(), pk=event.pk) == event
    assert huu_lung.get_or_404(Complaint.objects.all(), pk=complaint.pk) == complaint
    assert huu_lung.get_or_404(InventoryImport.objects.all(), pk=upload.pk) == upload
    with pytest.raises(Http404):
        cao_loc.get_or_404(Complaint.objects.all(), pk=complaint.pk)
    with pytest.raises(Http404):
        cao_loc.get_or_404(StageEvent.objects.all(), pk=event.pk)


def test_a_model_without_a_rule_is_refused_loudly(lang_son):
    with pytest.raises(TypeError, match="No access rule"):
        scope_for(staff(role=Role.PROVINCIAL_OFFICER)).scoped(StaffProfile.objects.all())


@pytest.mark.parametrize(
    ("role", "edit", "submit", "sign_off", "import_"),
    [
        (Role.PROVINCIAL_OFFICER, False, False, True, False),
        (Role.LOCAL_STAFF, True, True, False, True),
        (Role.ADMIN, True, True, True, True),
    ],
)
def test_what_each_role_may_do(lang_son, role, edit, submit, sign_off, import_):
    scope = scope_for(staff(role=role))

    assert (scope.can_edit_cases, scope.can_submit_reports, scope.can_sign_off, scope.can_import) == (
        edit,
        submit,
        sign_off,
        import_,
    )


# ---- the pages -----------------------------------------------------------------------------


@pytest.fixture
def huu_lung_client(client, lang_son):
    client.force_login(staff(legacy(HUU_LUNG)))
    return client


@pytest.fixture
def cao_loc_client(client, lang_son):
    client.force_login(staff(legacy(CAO_LOC)))
    return client


def test_overview_lists_only_the_zones_in_scope_and_keeps_province_figures(cao_loc_client, english):
    html = cao_loc_client.get(reverse("clearance:overview")).content.decode()

    assert ">Cụm công nghiệp Hợp Thành 1</a>" in html
    assert "Khu công nghiệp VSIP Lạng Sơn" not in html
    assert "No industrial zone in your area." in html
    assert 'id="summary-figures"' in html  # the article's province-wide figures


def test_a_user_without_a_role_is_told_why_the_pages_are_empty(client, lang_son, english):
    client.force_login(UserFactory())

    response = client.get(reverse("clearance:overview"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Khu công nghiệp VSIP Lạng Sơn" not in html
    assert 'id="summary-figures"' not in html
    assert "Your account has no role or area yet" in html


def test_the_header_shows_the_role_and_units(huu_lung_client, english):
    html = huu_lung_client.get(reverse("clearance:overview")).content.decode()

    assert '<small class="user-scope">(Local staff: Huyện Hữu Lũng)</small>' in html
    assert "no role or area" not in html


def test_zone_page_is_404_for_another_area(phase, client):
    CaseFactory(phase=phase, unit=legacy(HO_SON))
    url = reverse("clearance:zone_detail", args=[phase.zone.pk])
    client.force_login(staff(legacy(CAO_LOC)))

    assert client.get(url).status_code == 404
    # Once Cao Lộc has a case in the zone, it opens the page: see the next test for what it shows.
    CaseFactory(phase=phase, unit=legacy(CAO_LOC).children.first())
    client.force_login(staff(legacy(CAO_LOC)))
    assert client.get(url).status_code == 200


def test_zone_page_counts_only_the_cases_in_scope(cases, phase, client):
    PaymentFactory(case=cases["ho_son"], amount_vnd=70_000_000)
    PaymentFactory(case=cases["cao_loc"], amount_vnd=900_000_000)
    LandParcelFactory(case=cases["cao_loc"])
    url = reverse("clearance:zone_detail", args=[phase.zone.pk])

    client.force_login(staff(current(XA_HUU_LUNG)))
    response = client.get(url)
    assert response.status_code == 200
    (shown,) = response.context["phases"]
    assert shown.registry.cases == 3  # Xã Hữu Lũng, Hồ Sơn and the legacy 6385
    assert shown.registry.paid_vnd == 70_000_000
    assert {row.unit.name for row in shown.registry_by_commune} == {
        "Xã Hữu Lũng",
        "Xã Hồ Sơn",
        "Thị trấn Hữu Lũng",
    }
    html = response.content.decode()
    assert "900.000.000" not in html


def test_zone_page_history_shows_only_visible_reports(phase, client):
    CaseFactory(phase=phase, unit=current(XA_HUU_LUNG))
    ProgressReportFactory(phase=phase, unit=legacy(HO_SON), obstacles="Vướng mắc ở Hồ Sơn")
    ProgressReportFactory(phase=phase, unit=current(TUAN_SON), obstacles="Vướng mắc ở Tuấn Sơn")
    client.force_login(staff(current(XA_HUU_LUNG)))

    html = client.get(reverse("clearance:zone_detail", args=[phase.zone.pk])).content.decode()

    assert "Vướng mắc ở Hồ Sơn" in html
    assert "Vướng mắc ở Tuấn Sơn" not in html
    assert "hơn 490" not in html  # the district's report is not this commune's


def _report(phase, day, **values):
    return ProgressReportFactory(phase=phase, unit=legacy(HUU_LUNG), reported_on=day, **values)


def test_latest_is_the_newest_accepted_report_and_the_others_say_where_they_stand(phase, huu_lung_client, english):
    accepted = _report(phase, datetime.date(2025, 3, 1), cases_counted=495, status=Status.ACCEPTED)
    _report(phase, datetime.date(2025, 3, 8), cases_counted=497, status=Status.SUBMITTED)
    _report(
        phase,
        datetime.date(2025, 3, 15),
        cases_counted=498,
        status=Status.RETURNED,
        review_note="Số hộ đã chi trả không khớp",
    )

    html = huu_lung_client.get(reverse("clearance:zone_detail", args=[phase.zone.pk])).content.decode()
    reports = re.findall(r'<tbody class="report">.*?</tbody>', html, flags=re.S)
    assert len(reports) == 4  # with the article's
    returned, submitted, latest, article = reports
    assert "awaiting sign-off" in submitted and "latest" not in submitted
    assert "returned: Số hộ đã chi trả không khớp" in returned and "latest" not in returned
    assert ">latest<" in latest and 'class="latest"' in latest and "495" in latest
    assert "latest" not in article

    overview = huu_lung_client.get(reverse("clearance:overview")).content.decode()
    phase_row = next(row for row in re.findall(r"<tr>.*?</tr>", overview, flags=re.S) if "phase 1</td>" in row)
    assert "495" in phase_row and "497" not in phase_row and "498" not in phase_row
    # Dated as its source is (the article, known to its year): 2025, not the article's own 2024.
    assert f"<td>{accepted.reported_on.year}</td>" in phase_row


def test_a_corrected_report_says_so_and_an_accepted_correction_replaces_it(phase, huu_lung_client, english):
    first = _report(phase, datetime.date(2025, 3, 1), cases_counted=495, status=Status.ACCEPTED)
    correction = _report(phase, datetime.date(2025, 3, 1), cases_counted=496, corrects=first)
    url = reverse("clearance:zone_detail", args=[phase.zone.pk])

    html = huu_lung_client.get(url).content.decode()
    reports = re.findall(r'<tbody class="report">.*?</tbody>', html, flags=re.S)
    newest, old = reports[:2]
    assert "awaiting sign-off" in newest
    assert "corrected by a later version" in old and ">latest<" in old  # still the signed-off figures

    correction.status = Status.ACCEPTED
    correction.reviewed_at = timezone.now()
    correction.save()
    html = huu_lung_client.get(url).content.decode()
    newest, old = re.findall(r'<tbody class="report">.*?</tbody>', html, flags=re.S)[:2]
    assert ">latest<" in newest and "496" in newest
    assert ">latest<" not in old and "corrected by a later version" in old


def test_case_list_rows_and_every_choice_list_are_scoped(cases, phase, cao_loc_client):
    other_zone = ZoneFactory(name="Cụm công nghiệp Hữu Lũng riêng", unit=legacy(HUU_LUNG))
    response = cao_loc_client.get(reverse("clearance:case_list"))
    html = response.content.decode()

    assert ">cao_loc</a>" in html and ">cao_loc_2025</a>" in html
    assert ">ho_son</a>" not in html and ">xa_huu_lung</a>" not in html
    form = response.context["filter"].form
    zones = set(form.fields["zone"].queryset)
    assert phase.zone in zones  # through its Cao Lộc cases
    assert Zone.objects.get(name="Cụm công nghiệp Hợp Thành 1") in zones  # located in Cao Lộc
    assert other_zone not in zones
    assert zones == set(scope_for(response.wsgi_request.user).zones())
    assert {unit.name for unit in form.fields["unit"].queryset} == {
        cases["cao_loc"].unit.name,
        cases["cao_loc_2025"].unit.name,
    }
    assert list(form.fields["phase"].queryset) == [phase]
    assert "Xã Hồ Sơn" not in html


def test_case_list_filtered_by_another_area_shows_an_error_not_their_cases(cases, cao_loc_client):
    html = cao_loc_client.get(reverse("clearance:case_list"), {"unit": cases["ho_son"].unit.pk}).content.decode()

    assert 'class="error"' in html
    assert ">ho_son</a>" not in html


def test_case_page_is_404_for_another_area(cases, client):
    url = reverse("clearance:case_detail", args=[cases["ho_son"].pk])
    client.force_login(staff(legacy(CAO_LOC)))
    assert client.get(url).status_code == 404

    client.force_login(staff(current(XA_HUU_LUNG)))
    response = client.get(url)
    assert response.status_code == 200
    assert "ho_son" in response.content.decode()


def test_scoped_case_list_query_count_does_not_grow(phase, huu_lung_client):
    def add(count):
        for _ in range(count):
            case = CaseFactory(phase=phase, unit=legacy(HO_SON))
            LandParcelFactory(case=case)
            PaymentFactory(case=case)

    add(2)
    url = reverse("clearance:case_list")
    with CaptureQueriesContext(connection) as few:
        assert huu_lung_client.get(url).status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = huu_lung_client.get(url)
    assert response.context["table"].paging.total == 12
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("local", {"Reports", "Import"}),
        ("provincial", {"Reports"}),
        ("investor", set()),
        ("nobody", set()),
    ],
)
def test_the_menu_offers_reports_and_import_to_the_roles_that_use_them(client, phase, english, who, links):
    users = {
        "local": lambda: staff(legacy(HUU_LUNG)),
        "provincial": lambda: staff(role=Role.PROVINCIAL_OFFICER),
        "investor": lambda: staff(role=Role.INVESTOR, investor=phase.zone.investor),
        "nobody": UserFactory,
    }
    client.force_login(users[who]())

    html = client.get(reverse("clearance:overview")).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, flags=re.S).group(0)

    shown = {label for label in ("Reports", "Import") if f">{label}</a>" in nav}
    assert shown == links
    assert ">Overview</a>" in nav and ">Cases</a>" in nav
