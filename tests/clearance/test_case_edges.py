"""The edges of case updates: what an import leaves on the conflict page, cases moved ahead by the admin,
the last hints, parcel uses kept as they are, amounts and document dates, staff given the whole province."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from clearance import rules
from clearance.models import Case, LandParcel, LandParcelUse, Payment, Stage, StageEvent
from clearance.services import cases as services
from clearance.services.imports import import_file
from tests.clearance.test_case_updates import advance_data, reach, snapshot, url
from tests.clearance.test_imports import parcel, xlsx_bytes
from tests.factories import CaseFactory, LandParcelFactory, StageEventFactory, local_staff
from tests.test_admin import _form_data, _url
from zones.models import AdminUnit

Kind = StageEvent.Kind
D = datetime.date
HO_SON, XA_HUU_LUNG_2025, CAO_LOC = 6451, 6385, 183

# The dates of tests/clearance/test_case_rules.py: a lawful timeline.
NOTICE = D(2024, 3, 1)
INVENTORY = D(2024, 4, 15)
POSTED = D(2024, 6, 3)
APPROVED = D(2024, 9, 2)
DECIDED = D(2024, 9, 9)
TODAY = D(2025, 6, 1)

# Every step up to the recovery decision, dated.
THROUGH_DECISION = {
    Kind.NOTICE: NOTICE,
    Kind.INVENTORY: INVENTORY,
    Kind.PLAN_POSTED: POSTED,
    Kind.PLAN_APPROVED: APPROVED,
    Kind.RECOVERY_DECIDED: DECIDED,
}
# The document of a survey count (kiểm đếm): its minutes, as the pages record it.
INVENTORY_MINUTES = {
    "doc_type": StageEvent.DocType.MINUTES,
    "doc_number": "12/BB-HĐBT",
    "doc_issuer": "Hội đồng bồi thường huyện Hữu Lũng",
}


def legacy(code):
    return AdminUnit.objects.get(structure=AdminUnit.Structure.LEGACY, code=code)


def reading_english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def case(vsip_phase):
    """A Hồ Sơn household of VSIP phase 1 on rice land, its recovery notice served; address and village unknown."""
    case = CaseFactory(
        phase=vsip_phase,
        unit=legacy(HO_SON),
        stage=Stage.NOTICE,
        code="HS-0001",
        name="Hộ ông Vi Văn Hải",
        address="",
        village="",
    )
    LandParcelFactory(case=case, land_use_code="LUC", map_sheet_no=40)
    StageEventFactory(case=case, kind=Kind.NOTICE, happened_on=NOTICE)
    return case


@pytest.fixture
def staff_client(client, huu_lung):
    """Local staff of Hữu Lũng district, reading English."""
    return reading_english(client, huu_lung)


# --- the conflict page after an import ----------------------------------------------------------


def import_case_row(user, phase, **values):
    """Import one parcel row for case HS-0001, as staff do when the inventory list comes back."""
    row = parcel("HS-0001", 1, **{"Họ tên / tên tổ chức": "Hộ ông Vi Văn Hải", **values})
    import_file(user=user, phase=phase, file_name="Danh sách Hồ Sơn.xlsx", content=xlsx_bytes([row]))


def change_rows(html):
    """The (field, before, after) rows of the conflict page's table."""
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)


def test_a_form_made_stale_by_an_import_shows_the_fields_the_import_filled_in(client, huu_lung, vsip_phase, case):
    colleague = local_staff(legacy(HO_SON))
    stale = advance_data(case)  # the inventory form, opened at version 1
    import_case_row(huu_lung, vsip_phase, **{"Họ tên / tên tổ chức": "Hộ ông Vi Văn Hải (đã mất)"})
    before = snapshot(case)
    assert before["version"] == 2  # the import made the open form stale

    response = reading_english(client, colleague).post(url("case_advance", case), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this case first" in html
    assert "huulung" in html and "Import Danh sách Hồ Sơn.xlsx" in html
    rows = change_rows(html)
    # Blank before the import: shown as a dash, not as an empty cell.
    assert ("Village", "—", "Thôn Đồng Bụt") in rows
    assert ("Address", "—", "Thôn Đồng Bụt, xã Hồ Sơn") in rows
    assert ("ID number", "—", "020185001234") in rows
    assert ("Name", "Hộ ông Vi Văn Hải", "Hộ ông Vi Văn Hải (đã mất)") in rows
    assert snapshot(case) == before
    assert not case.events.filter(kind=Kind.INVENTORY).exists()


def test_the_conflict_page_names_the_commune_an_import_moved_the_case_to(client, huu_lung, vsip_phase, case):
    old, new = case.unit, AdminUnit.objects.get(code=XA_HUU_LUNG_2025, structure=AdminUnit.Structure.CURRENT)
    stale = advance_data(case)
    import_case_row(huu_lung, vsip_phase, **{"Mã xã": XA_HUU_LUNG_2025, "Cấp xã theo": "từ 2025"})
    assert Case.objects.get(pk=case.pk).unit == new

    response = reading_english(client, huu_lung).post(url("case_advance", case), stale)

    assert response.status_code == 409
    commune = [row for row in change_rows(response.content.decode()) if row[0] == "Commune"]
    assert commune == [("Commune", str(old), str(new))]


# --- the services, called outside a page --------------------------------------------------------


def test_a_write_from_version_0_lists_every_save_since_the_case_was_created(huu_lung, case):
    # The pages never send version 0 (the form's minimum is 1); a script calling the service may.
    colleague = local_staff(legacy(HO_SON))
    services.case_advance(
        case_id=case.pk,
        expected_version=1,
        stage=Stage.INVENTORY,
        happened_on=INVENTORY,
        **INVENTORY_MINUTES,
        user=colleague,
        reason="Kiểm đếm xong",
    )
    before = snapshot(case)

    with pytest.raises(services.CaseConflict) as conflict:
        services.complaint_open(
            case_id=case.pk,
            expected_version=0,
            received_on=D(2024, 5, 2),
            summary="Khiếu nại về giá đất",
            user=huu_lung,
            reason="Nhận đơn",
        )

    assert snapshot(case) == before
    with translation.override("en"):
        created, advanced = conflict.value.changes()
    # The case's creation has nothing before it to compare with: who and when only.
    assert (created.who, created.why, created.fields, created.rows) == (None, "", [], [])
    assert (advanced.who, advanced.why) == (colleague, "Kiểm đếm xong")
    assert advanced.fields == [("stage", "recovery notice", "inventory (survey count)")]
    # The notice entered without raising the version is not listed; the colleague's inventory is.
    assert advanced.rows == [("stage event", "inventory (survey count) 15/04/2024", "added")]


def test_the_event_service_refuses_a_main_line_stage_and_writes_nothing(huu_lung, case):
    before = snapshot(case)
    with pytest.raises(ValueError, match="'inventory' is not a side event"):
        services.case_record_event(
            case_id=case.pk,
            expected_version=1,
            kind="inventory",  # as a script would pass it
            happened_on=INVENTORY,
            **INVENTORY_MINUTES,
            user=huu_lung,
            reason="Kiểm đếm xong",
        )
    assert snapshot(case) == before


# --- rules for a case the admin moved ahead (pure functions) -----------------------------------


def advance(stage, day, *, current, recorded):
    return rules.check_advance(
        current=current, recorded=recorded, stage=stage, happened_on=day, today=TODAY, non_agricultural=False
    )


def test_a_handed_over_case_takes_no_further_stage_even_one_never_entered(in_english):
    # The admin moved the case to "handed over" and its handover was entered; the decision and payment never were.
    recorded = {
        Kind.NOTICE: NOTICE,
        Kind.INVENTORY: INVENTORY,
        Kind.PLAN_POSTED: POSTED,
        Kind.PLAN_APPROVED: APPROVED,
        Kind.HANDED_OVER: D(2024, 10, 1),
    }
    refusals = advance(Stage.RECOVERY_DECIDED, DECIDED, current=Stage.HANDED_OVER, recorded=recorded)
    assert refusals == [
        rules.Refusal("The land of this case has been handed over: there is no further stage.", "stage")
    ]


def test_a_recovery_decision_is_refused_while_the_plan_approval_is_not_recorded(in_english):
    # Land Law 2024 art. 87 cl. 5: the recovery decision follows the approval of the plan.
    # The notice is 192 days old, so only the missing approval stands in the way.
    refusals = advance(Stage.RECOVERY_DECIDED, DECIDED, current=Stage.RECOVERY_DECIDED, recorded={Kind.NOTICE: NOTICE})
    assert refusals == [rules.Refusal("The recovery decision comes after the plan approval, which is not recorded.")]


def test_a_handover_is_refused_while_the_payment_is_not_recorded(in_english):
    recorded = THROUGH_DECISION
    refusals = advance(Stage.HANDED_OVER, D(2024, 10, 1), current=Stage.HANDED_OVER, recorded=recorded)
    assert refusals == [rules.Refusal("The land is handed over after payment, which is not recorded.")]
    assert (
        advance(
            Stage.HANDED_OVER,
            D(2024, 10, 1),
            current=Stage.HANDED_OVER,
            recorded=recorded | {Kind.PAID: D(2024, 9, 20)},
        )
        == []
    )


# --- the hints of the advance form --------------------------------------------------------------


def test_without_a_notice_the_recovery_decision_hint_gives_only_its_deadline(in_english):
    # Art. 87 cl. 5: due 10 days after the approval; the notice period cannot be counted without the notice.
    recorded = {Kind.INVENTORY: INVENTORY, Kind.PLAN_POSTED: POSTED, Kind.PLAN_APPROVED: APPROVED}
    assert rules.advance_hints(stage=Stage.RECOVERY_DECIDED, recorded=recorded, non_agricultural=False) == [
        "On or after the compensation plan approved of 02/09/2024.",
        "Due by 12/09/2024, 10 days after the plan approval; a later decision is recorded as overdue.",
    ]


def test_without_the_approval_the_recovery_decision_hint_gives_only_the_notice_period(in_english):
    # Art. 85 cl. 1: 90 days after the notice on agricultural land; no approval, so no deadline yet.
    recorded = {Kind.NOTICE: NOTICE, Kind.INVENTORY: INVENTORY, Kind.PLAN_POSTED: POSTED}
    assert rules.advance_hints(stage=Stage.RECOVERY_DECIDED, recorded=recorded, non_agricultural=False) == [
        "On or after the compensation plan posted of 03/06/2024.",
        "Notice of 01/03/2024: the decision can be dated from 30/05/2024 (90 days).",
    ]


def test_the_payment_hint_gives_the_30_day_deadline(in_english):
    # Art. 94 cl. 3: payment within 30 days of the approval; a later one owes interest.
    recorded = THROUGH_DECISION
    assert rules.advance_hints(stage=Stage.PAID, recorded=recorded, non_agricultural=False) == [
        "On or after the recovery decision of 09/09/2024.",
        "Plan approved on 02/09/2024: payment is due by 02/10/2024; a later payment owes interest.",
    ]


# --- bad input on the forms ---------------------------------------------------------------------


def payment(amount):
    return {"paid_on": "20/09/2024", "amount_vnd": amount, "reason": "Chi trả", "version": 1}


@pytest.mark.parametrize("amount", ["", "   "])
def test_a_payment_without_an_amount_is_refused(staff_client, case, amount):
    reach(case, Stage.PLAN_APPROVED)
    before = snapshot(case)
    response = staff_client.post(url("case_payment", case), payment(amount))
    assert response.status_code == 200
    assert response.context["form"].errors["amount_vnd"] == ["This field is required."]
    assert snapshot(case) == before


def test_an_amount_larger_than_the_database_holds_is_refused_the_largest_is_recorded(staff_client, case):
    reach(case, Stage.PLAN_APPROVED)
    before = snapshot(case)
    response = staff_client.post(url("case_payment", case), payment("9.223.372.036.854.775.808"))  # 2**63
    assert response.status_code == 200
    assert response.context["form"].errors["amount_vnd"] == ["This amount is too large."]
    assert snapshot(case) == before
    largest = staff_client.post(url("case_payment", case), payment("9.223.372.036.854.775.807"))
    assert largest.status_code == 302
    assert list(Payment.objects.filter(case=case).values_list("amount_vnd", flat=True)) == [2**63 - 1]


def test_a_document_dated_in_the_future_is_refused_and_one_dated_today_accepted(staff_client, case):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    before = snapshot(case)
    response = staff_client.post(url("case_advance", case), advance_data(case, doc_date=f"{tomorrow:%d/%m/%Y}"))
    assert response.status_code == 200
    assert response.context["form"].errors["doc_date"] == [
        f"The document date ({tomorrow:%d/%m/%Y}) cannot be in the future: today is {today:%d/%m/%Y}."
    ]
    assert snapshot(case) == before

    assert (
        staff_client.post(url("case_advance", case), advance_data(case, doc_date=f"{today:%d/%m/%Y}")).status_code
        == 302
    )
    event = case.events.get(kind=Kind.INVENTORY)
    assert (event.happened_on, event.doc_date) == (INVENTORY, today)


def test_a_vietnamese_reader_is_told_the_amount_is_too_large(client, huu_lung, case):
    reach(case, Stage.PLAN_APPROVED)
    client.force_login(huu_lung)  # the site's language: Vietnamese
    response = client.post(url("case_payment", case), payment("99999999999999999999"))
    assert response.context["form"].errors["amount_vnd"] == ["Số tiền quá lớn."]
    assert not Payment.objects.filter(case=case).exists()


# --- parcel uses edited in the admin ------------------------------------------------------------


@pytest.fixture
def two_use_parcel(db):
    return LandParcelFactory.with_uses([("ONT", Decimal("400")), ("CLN", Decimal("600"))])


def test_changing_only_a_parcels_certificate_in_the_admin_leaves_its_uses_and_their_history(
    admin_client, admin_user, two_use_parcel
):
    uses = dict(two_use_parcel.uses.values_list("land_use_code", "pk"))
    address = _url(LandParcel, "change", two_use_parcel.pk)
    data = _form_data(admin_client.get(address))
    assert data["land_uses"] == "ONT 400; CLN 600"
    data["certificate_no"] = "CH 09999"

    assert admin_client.post(address, data).status_code == 302

    assert LandParcel.objects.get(pk=two_use_parcel.pk).certificate_no == "CH 09999"
    assert dict(two_use_parcel.uses.values_list("land_use_code", "pk")) == uses
    assert sorted(two_use_parcel.uses.values_list("land_use_code", "area_m2")) == [
        ("CLN", Decimal("600")),
        ("ONT", Decimal("400")),
    ]
    assert LandParcelUse.history.filter(history_user=admin_user).count() == 0  # nothing rewritten


def test_resizing_one_use_in_the_admin_keeps_the_unchanged_one_as_it_was(admin_client, admin_user, two_use_parcel):
    ont = two_use_parcel.uses.get(land_use_code="ONT")
    address = _url(LandParcel, "change", two_use_parcel.pk)
    data = _form_data(admin_client.get(address))
    data["land_uses"] = "ONT 400; CLN 350; LUC 250"

    assert admin_client.post(address, data).status_code == 302

    assert sorted(two_use_parcel.uses.values_list("land_use_code", "area_m2")) == [
        ("CLN", Decimal("350")),
        ("LUC", Decimal("250")),
        ("ONT", Decimal("400")),
    ]
    assert two_use_parcel.uses.get(land_use_code="ONT").pk == ont.pk
    assert ont.history.count() == 1  # only its creation
    written = LandParcelUse.history.filter(history_user=admin_user, history_change_reason="admin")
    assert sorted(written.values_list("land_use_code", "history_type")) == [("CLN", "~"), ("LUC", "+")]


# --- local staff given the whole province -------------------------------------------------------


def test_local_staff_given_the_province_record_steps_in_every_district(client, huu_lung, case):
    province = AdminUnit.objects.get(level=AdminUnit.Level.PROVINCE)
    cao_loc_case = CaseFactory(
        phase=case.phase, unit=legacy(CAO_LOC).children.order_by("code").first(), stage=Stage.NOTICE
    )
    StageEventFactory(case=cao_loc_case, kind=Kind.NOTICE, happened_on=NOTICE)
    before = snapshot(cao_loc_case)
    # Staff given Hữu Lũng district do not even see the Cao Lộc case.
    response = reading_english(client, huu_lung).post(url("case_advance", cao_loc_case), advance_data(cao_loc_case))
    assert response.status_code == 404
    assert snapshot(cao_loc_case) == before

    provincial_staff = reading_english(client, local_staff(province))
    for each in (case, cao_loc_case):
        assert provincial_staff.post(url("case_advance", each), advance_data(each)).status_code == 302
        each.refresh_from_db()
        assert (each.stage, each.version) == (Stage.INVENTORY, 2)
        assert each.events.get(kind=Kind.INVENTORY).doc_number == "12/BB-HĐBT"
