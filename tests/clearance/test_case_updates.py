"""Case updates through the pages: staff of the case's area only, rules enforced, nothing lost."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clearance.models import Case, Complaint, Payment, Stage, StageEvent
from clearance.services import cases as services
from tests.factories import (
    CaseFactory,
    InvestorFactory,
    LandParcelFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
)
from zones.models import AdminUnit, CalendarOverride, StaffProfile

Kind = StageEvent.Kind
Role = StaffProfile.Role
D = datetime.date

# A lawful timeline: the notice 90 days and more before the decision, 30 days of posting.
TIMELINE = {
    Kind.NOTICE: D(2024, 3, 1),
    Kind.INVENTORY: D(2024, 4, 15),
    Kind.PLAN_POSTED: D(2024, 6, 3),
    Kind.PLAN_APPROVED: D(2024, 9, 3),
    Kind.RECOVERY_DECIDED: D(2024, 9, 9),
    Kind.PAID: D(2024, 9, 20),
}


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def units(lang_son):
    legacy = AdminUnit.objects.filter(structure=AdminUnit.Structure.LEGACY)
    return SimpleNamespace(huu_lung=legacy.get(code=186), ho_son=legacy.get(code=6451), cao_loc=legacy.get(code=183))


def staff(username, role=Role.LOCAL_STAFF, units=(), investor=None):
    user = UserFactory(username=username)
    StaffProfileFactory(user=user, role=role, units=list(units), investor=investor)
    return user


@pytest.fixture
def huu_lung_staff(units):
    return staff("huulung", units=[units.huu_lung])


@pytest.fixture
def case(vsip_phase, units):
    """A Hồ Sơn household of VSIP phase 1 on rice land, its recovery notice served."""
    case = CaseFactory(
        phase=vsip_phase, unit=units.ho_son, stage=Stage.NOTICE, code="HS-0001", name="Hộ ông Vi Văn Hải"
    )
    LandParcelFactory(case=case, land_use_code="LUC")
    StageEventFactory(case=case, kind=Kind.NOTICE, happened_on=TIMELINE[Kind.NOTICE])
    return case


def reach(case, stage):
    """Record the lawful timeline up to this stage."""
    for kind in Stage.values[1 : Stage.order(stage) + 1]:
        StageEventFactory(case=case, kind=kind, happened_on=TIMELINE[kind], doc_date=TIMELINE[kind])
    case.refresh_from_db()
    case.stage = stage
    case.save(update_fields=["stage"])  # a save: the case's kept dates follow
    return case


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def staff_client(client, huu_lung_staff):
    client.force_login(huu_lung_staff)
    return english(client)


def url(name, case, *args):
    return reverse(f"clearance:{name}", args=[case.pk, *args])


def advance_data(case, **changes):
    data = {
        "stage": Stage.INVENTORY,
        "happened_on": "15/04/2024",
        "doc_type": StageEvent.DocType.MINUTES,
        "doc_number": "12/BB-HĐBT",
        "doc_date": "",
        "doc_issuer": "Hội đồng bồi thường huyện Hữu Lũng",
        "reason": "Kiểm đếm xong, chủ hộ ký biên bản",
        "version": case.version,
    }
    return {**data, **changes}


def snapshot(case):
    """Everything a case update could change."""
    case = Case.objects.get(pk=case.pk)
    return {
        "version": case.version,
        "stage": case.stage,
        "events": sorted(case.events.values_list("kind", "happened_on", "doc_number")),
        "payments": list(case.payments.values_list("paid_on", "amount_vnd")),
        "complaints": list(case.complaints.values_list("status", "resolved_on")),
        "history": case.history.count(),
    }


def errors_of(response):
    return response.content.decode()


# --- the happy path ---------------------------------------------------------------------------


def test_huu_lung_staff_advances_a_huu_lung_case(staff_client, huu_lung_staff, case):
    form = staff_client.get(url("case_advance", case))
    assert form.status_code == 200
    html = form.content.decode()
    assert '<option value="inventory" selected>' in html
    assert "On or after the recovery notice of 01/03/2024." in html
    assert f'name="version" value="{case.version}"' in html

    response = staff_client.post(url("case_advance", case), advance_data(case))

    assert response.status_code == 302
    assert response["Location"] == reverse("clearance:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.stage == Stage.INVENTORY
    assert case.version == 2
    event = case.events.get(kind=Kind.INVENTORY)
    assert (event.happened_on, event.doc_type, event.doc_number, event.doc_date, event.doc_issuer) == (
        D(2024, 4, 15),
        StageEvent.DocType.MINUTES,
        "12/BB-HĐBT",
        D(2024, 4, 15),
        "Hội đồng bồi thường huyện Hữu Lũng",
    )
    latest = case.history.latest()
    assert latest.history_user == huu_lung_staff
    assert latest.history_change_reason == "Kiểm đếm xong, chủ hộ ký biên bản"
    assert (latest.stage, latest.version) == (Stage.INVENTORY, 2)
    assert event.history.get().history_user == huu_lung_staff

    page = staff_client.get(response["Location"]).content.decode()
    assert "Recorded: inventory (survey count) 15/04/2024." in page
    assert "Kiểm đếm xong, chủ hộ ký biên bản" in page  # the history section, and the step's note
    assert "huulung" in page


def test_a_new_case_records_its_notice_first(staff_client, vsip_phase, units):
    fresh = CaseFactory(phase=vsip_phase, unit=units.ho_son, stage=Stage.NOTICE)
    assert '<option value="notice" selected>' in staff_client.get(url("case_advance", fresh)).content.decode()
    data = advance_data(fresh, stage=Stage.NOTICE, happened_on="01/03/2024", doc_type="notice", doc_number="45/TB-UBND")
    assert staff_client.post(url("case_advance", fresh), data).status_code == 302
    fresh.refresh_from_db()
    assert (fresh.stage, fresh.version) == (Stage.NOTICE, 2)
    assert fresh.events.get().doc_number == "45/TB-UBND"


def test_the_case_page_offers_the_updates_to_local_staff_only(staff_client, client, user, case):
    html = staff_client.get(url("case_detail", case)).content.decode()
    for name in ("case_advance", "case_event", "case_payment", "case_complaint"):
        assert f'href="{url(name, case)}"' in html
    client.force_login(user)  # a provincial officer
    html = client.get(url("case_detail", case)).content.decode()
    assert "/advance/" not in html and "/payment/" not in html and "/complaints/new/" not in html


# --- who may change what ----------------------------------------------------------------------


def update_requests(case):
    complaint = Complaint.objects.create(case=case, received_on=D(2024, 5, 2), summary="Khiếu nại về giá đất")
    Case.objects.filter(pk=case.pk).update(version=2)  # as complaint_open would have done
    case.refresh_from_db()
    good = {
        "case_advance": advance_data(case),
        "case_event": advance_data(case, kind=Kind.COMPULSORY_INVENTORY, happened_on="20/03/2024"),
        "case_payment": {"paid_on": "20/09/2024", "amount_vnd": "1000", "reason": "Chi trả", "version": 2},
        "case_complaint": {"received_on": "10/05/2024", "summary": "Khiếu nại", "reason": "Nhận đơn", "version": 2},
    }
    yield url("case_advance", case), good["case_advance"]
    yield url("case_event", case), good["case_event"]
    yield url("case_payment", case), good["case_payment"]
    yield url("case_complaint", case), good["case_complaint"]
    resolve = {"resolved_on": "20/05/2024", "resolution": "Đã giải thích", "reason": "Giải quyết", "version": 2}
    yield url("case_complaint_resolve", case, complaint.pk), resolve


def test_cao_loc_staff_gets_404_and_nothing_changes(client, units, case):
    client.force_login(staff("caoloc", units=[units.cao_loc]))
    requests = list(update_requests(case))
    before = snapshot(case)
    for address, data in requests:
        assert client.get(address).status_code == 404, address
        assert client.post(address, data).status_code == 404, address
    assert snapshot(case) == before
    assert client.get(url("case_advance", case)).status_code == 404


@pytest.mark.parametrize("role", [Role.PROVINCIAL_OFFICER, Role.INVESTOR])
def test_readers_get_403_and_no_form(client, case, role):
    investor = case.phase.zone.investor if role == Role.INVESTOR else None
    client.force_login(staff("reader", role=role, investor=investor))
    requests = list(update_requests(case))
    before = snapshot(case)
    for address, data in requests:
        response = client.get(address)
        assert response.status_code == 403, address
        assert b'name="version"' not in response.content
        assert client.post(address, data).status_code == 403, address
    assert snapshot(case) == before


def test_another_investors_account_gets_404(client, case):
    client.force_login(staff("other-investor", role=Role.INVESTOR, investor=InvestorFactory()))
    before = snapshot(case)
    assert client.get(url("case_advance", case)).status_code == 404
    assert client.post(url("case_advance", case), advance_data(case)).status_code == 404
    assert snapshot(case) == before


def test_anonymous_users_are_sent_to_log_in(client, case):
    before = snapshot(case)
    response = client.post(url("case_advance", case), advance_data(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(case) == before


def test_a_complaint_of_another_case_is_404(staff_client, case, vsip_phase, units):
    other = CaseFactory(phase=vsip_phase, unit=units.ho_son)
    complaint = Complaint.objects.create(case=other, received_on=D(2024, 5, 2), summary="Khác")
    data = {"resolved_on": "20/05/2024", "resolution": "x", "reason": "y", "version": case.version}
    assert staff_client.post(url("case_complaint_resolve", case, complaint.pk), data).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.OPEN


# --- no lost updates --------------------------------------------------------------------------


def test_a_stale_form_gets_the_conflict_page_and_nothing_is_saved(staff_client, client, units, case):
    stale = advance_data(case, doc_number="99/BB-HĐBT", reason="Bản của tôi")  # loaded at version 1
    colleague = staff("hoson", units=[units.ho_son])
    client.force_login(colleague)
    assert (
        client.post(url("case_advance", case), advance_data(case, reason="Đồng nghiệp nhập trước")).status_code == 302
    )
    before = snapshot(case)

    response = staff_client.post(url("case_advance", case), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this case first" in html
    assert "Nothing of yours was saved." in html
    assert "hoson" in html
    assert "Đồng nghiệp nhập trước" in html
    assert "<td>Stage</td><td>recovery notice</td><td>inventory (survey count)</td>" in html
    assert "Stage event added: inventory (survey count) 15/04/2024" in html
    assert "added: recovery notice" not in html  # recorded before the form was loaded
    assert "99/BB-HĐBT" in html  # what the user typed is shown back, so it is not lost either
    assert f'href="{url("case_advance", case)}"' in html
    assert snapshot(case) == before
    assert case.events.get(kind=Kind.INVENTORY).doc_number == "12/BB-HĐBT"


def test_a_stale_payment_after_a_colleagues_complaint_is_refused(staff_client, client, units, case):
    reach(case, Stage.RECOVERY_DECIDED)
    payment = {"paid_on": "20/09/2024", "amount_vnd": "150.000.000", "reason": "Chi trả đợt 1", "version": 1}
    client.force_login(staff("hoson", units=[units.ho_son]))
    complaint = {"received_on": "10/09/2024", "summary": "Khiếu nại giá cây", "reason": "Nhận đơn", "version": 1}
    assert client.post(url("case_complaint", case), complaint).status_code == 302
    before = snapshot(case)
    response = staff_client.post(url("case_payment", case), payment)
    assert response.status_code == 409
    assert "Complaint added: HS-0001 – 10/09/2024" in response.content.decode()
    assert snapshot(case) == before
    assert not Payment.objects.filter(case=case).exists()


def test_the_service_refuses_a_stale_version_itself(case, huu_lung_staff):
    before = snapshot(case)
    for version in (0, 2):
        with pytest.raises(services.CaseConflict):
            services.complaint_open(
                case_id=case.pk,
                expected_version=version,
                received_on=D(2024, 5, 1),
                summary="x",
                user=huu_lung_staff,
                reason="y",
            )
    assert snapshot(case) == before


def test_services_record_the_user_outside_a_request(case, huu_lung_staff):
    services.case_advance(
        case_id=case.pk,
        expected_version=1,
        stage=Stage.INVENTORY,
        happened_on=D(2024, 4, 15),
        doc_type="minutes",
        doc_number="1/BB",
        doc_issuer="HĐBT",
        user=huu_lung_staff,
        reason="Nhập từ lệnh",
    )
    record = Case.objects.get(pk=case.pk).history.latest()
    assert (record.history_user, record.history_change_reason, record.version) == (huu_lung_staff, "Nhập từ lệnh", 2)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"doc_number": ""}, "This field is required.", id="missing document number"),
        pytest.param(
            {"doc_number": "biên bản"},
            "Write the document number as number/symbol, for example 123/QĐ-UBND.",
            id="document number without its symbol",
        ),
        pytest.param(
            {"happened_on": "31/02/2024"}, "Write the date as dd/mm/yyyy, for example 15/03/2025.", id="no 31 Feb"
        ),
        pytest.param(
            {"happened_on": "15-04-2024"}, "Write the date as dd/mm/yyyy, for example 15/03/2025.", id="dashes"
        ),
        pytest.param({"reason": ""}, "This field is required.", id="missing reason"),
        pytest.param({"reason": "x" * 101}, "at most 100 characters (it has 101)", id="reason too long"),
        pytest.param({"doc_issuer": "  "}, "This field is required.", id="blank issuer"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(staff_client, case, changes, message):
    before = snapshot(case)
    response = staff_client.post(url("case_advance", case), advance_data(case, **changes))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert snapshot(case) == before


def test_the_iso_date_of_a_phone_date_picker_is_accepted(staff_client, case):
    assert staff_client.post(url("case_advance", case), advance_data(case, happened_on="2024-04-15")).status_code == 302
    assert case.events.get(kind=Kind.INVENTORY).happened_on == D(2024, 4, 15)


def test_a_future_date_is_refused_and_today_accepted(staff_client, case):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    before = snapshot(case)
    response = staff_client.post(url("case_advance", case), advance_data(case, happened_on=f"{tomorrow:%d/%m/%Y}"))
    assert f"({tomorrow:%d/%m/%Y}) cannot be in the future: today is {today:%d/%m/%Y}." in errors_of(response)
    assert snapshot(case) == before
    assert (
        staff_client.post(url("case_advance", case), advance_data(case, happened_on=f"{today:%d/%m/%Y}")).status_code
        == 302
    )


def test_a_skipped_stage_is_refused(staff_client, case):
    before = snapshot(case)
    response = staff_client.post(url("case_advance", case), advance_data(case, stage=Stage.PLAN_POSTED))
    assert "the next step is “inventory (survey count)”, not “compensation plan posted”" in errors_of(response)
    assert snapshot(case) == before


# --- the legal deadlines, through the page ----------------------------------------------------


def test_plan_approval_on_day_29_of_posting_is_refused_day_30_accepted(staff_client, case):
    reach(case, Stage.PLAN_POSTED)  # posted 03/06/2024
    data = advance_data(case, stage=Stage.PLAN_APPROVED, doc_type="decision", doc_number="1234/QĐ-UBND")
    before = snapshot(case)
    response = staff_client.post(url("case_advance", case), {**data, "happened_on": "02/07/2024"})
    assert response.status_code == 200
    assert "posted on 03/06/2024, it can be approved from 03/07/2024; 02/07/2024 is only day 29." in errors_of(response)
    assert snapshot(case) == before
    assert staff_client.post(url("case_advance", case), {**data, "happened_on": "03/07/2024"}).status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.events.get(kind=Kind.PLAN_APPROVED).happened_on) == (Stage.PLAN_APPROVED, D(2024, 7, 3))


def test_a_recovery_decision_needs_180_days_notice_on_residential_land(staff_client, case):
    LandParcelFactory(case=case, land_use_code="ONT")
    reach(case, Stage.PLAN_APPROVED)  # notice 01/03/2024: 180 days → 28/08/2024, approved 03/09/2024
    data = advance_data(case, stage=Stage.RECOVERY_DECIDED, doc_type="decision", doc_number="77/QĐ-UBND")
    form = staff_client.get(url("case_advance", case)).content.decode()
    assert "Due by 13/09/2024" in form
    response = staff_client.post(url("case_advance", case), {**data, "happened_on": "02/09/2024"})
    assert "it comes on or after the compensation plan approved of 03/09/2024" in errors_of(response)
    assert staff_client.post(url("case_advance", case), {**data, "happened_on": "03/09/2024"}).status_code == 302


def test_a_parcel_with_one_residential_use_takes_the_180_day_notice(staff_client, case):
    LandParcelFactory.with_uses([("CLN", Decimal("800")), ("ONT", Decimal("200"))], case=case)
    reach(case, Stage.PLAN_APPROVED)  # notice 01/03/2024
    form = staff_client.get(url("case_advance", case)).content.decode()
    assert "the decision can be dated from 28/08/2024 (180 days)" in form


def test_agricultural_uses_only_take_the_90_day_notice(staff_client, case):
    LandParcelFactory.with_uses([("LUA", Decimal("800")), ("CLN", Decimal("200"))], case=case)
    reach(case, Stage.PLAN_APPROVED)
    form = staff_client.get(url("case_advance", case)).content.decode()
    assert "the decision can be dated from 30/05/2024 (90 days)" in form


def test_no_payment_before_the_plan_approval(staff_client, case):
    reach(case, Stage.PLAN_POSTED)
    before = snapshot(case)
    data = {"paid_on": "20/07/2024", "amount_vnd": "150.000.000", "reason": "Chi trả", "version": 1}
    response = staff_client.post(url("case_payment", case), data)
    assert "No payment before the compensation plan is approved: the approval is not recorded." in errors_of(response)
    assert snapshot(case) == before


def test_a_payment_is_recorded_and_a_late_one_flagged(staff_client, case):
    reach(case, Stage.RECOVERY_DECIDED)  # approved 03/09/2024: due by 03/10/2024
    data = {"paid_on": "02/09/2024", "amount_vnd": "150.000.000", "reason": "Chi trả", "version": 1}
    response = staff_client.post(url("case_payment", case), data)
    assert "approved on 03/09/2024, paid on 02/09/2024" in errors_of(response)

    on_time = staff_client.post(url("case_payment", case), {**data, "paid_on": "03/10/2024"}, follow=True)
    assert "Payment recorded." in on_time.content.decode()
    assert "late" not in on_time.content.decode()
    late = staff_client.post(
        url("case_payment", case),
        {**data, "paid_on": "04/10/2024", "amount_vnd": "1,000,000", "version": 2},
        follow=True,
    )
    assert "This payment is late: it was due by 03/10/2024" in late.content.decode()
    assert list(case.payments.values_list("paid_on", "amount_vnd", "note")) == [
        (D(2024, 10, 3), 150_000_000, "Chi trả"),
        (D(2024, 10, 4), 1_000_000, "Chi trả"),
    ]
    case.refresh_from_db()
    assert (case.stage, case.version) == (Stage.RECOVERY_DECIDED, 3)


@pytest.mark.parametrize("amount", ["0", "-5", "150.000,50", "1.5", "abc", "12.34.567"])
def test_a_bad_amount_is_refused(staff_client, case, amount):
    reach(case, Stage.PLAN_APPROVED)
    before = snapshot(case)
    data = {"paid_on": "20/09/2024", "amount_vnd": amount, "reason": "Chi trả", "version": 1}
    response = staff_client.post(url("case_payment", case), data)
    assert response.status_code == 200
    assert "A payment must be greater than zero." in errors_of(response) or "in whole đồng" in errors_of(response)
    assert snapshot(case) == before


def test_compulsory_inventory_is_15_days_after_the_notice(staff_client, case):
    data = advance_data(case, kind=Kind.COMPULSORY_INVENTORY, doc_type="decision", doc_number="5/QĐ-UBND")
    before = snapshot(case)
    response = staff_client.post(url("case_event", case), {**data, "happened_on": "15/03/2024"})
    assert "from 16/03/2024, not 15/03/2024" in errors_of(response)
    assert snapshot(case) == before
    assert staff_client.post(url("case_event", case), {**data, "happened_on": "16/03/2024"}).status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.version) == (Stage.NOTICE, 2)
    assert case.events.get(kind=Kind.COMPULSORY_INVENTORY).happened_on == D(2024, 3, 16)


def test_enforcement_is_refused_on_a_sunday_and_before_the_recovery_decision(staff_client, case):
    data = advance_data(case, kind=Kind.ENFORCEMENT, doc_type="decision", doc_number="9/QĐ-CC")
    response = staff_client.post(url("case_event", case), {**data, "happened_on": "07/10/2024"})
    assert "Enforcement comes only after the recovery decision, which is not recorded." in errors_of(response)
    reach(case, Stage.PAID)
    before = snapshot(case)
    response = staff_client.post(url("case_event", case), {**data, "happened_on": "06/10/2024"})
    assert "06/10/2024 is a Sunday" in errors_of(response)
    assert snapshot(case) == before
    assert staff_client.post(url("case_event", case), {**data, "happened_on": "07/10/2024"}).status_code == 302
    assert case.events.filter(kind=Kind.ENFORCEMENT).count() == 1


def test_an_enforcement_keeps_its_start_time_and_the_refused_ones_write_nothing(staff_client, case):
    reach(case, Stage.PAID)
    CalendarOverride.objects.create(
        date=D(2024, 10, 8),
        kind=CalendarOverride.Kind.DAY_OFF,
        name="Nghỉ lễ hội truyền thống",
        notice="15/TB-UBND",
        notice_date=D(2024, 9, 20),
    )
    data = advance_data(case, kind=Kind.ENFORCEMENT, doc_type="decision", doc_number="9/QĐ-CC")
    data |= {"happened_on": "07/10/2024", "start_time": "08:30"}
    before = snapshot(case)
    refused = [
        ({"happened_on": "05/10/2024"}, "05/10/2024 is a Saturday, a weekly day off"),
        ({"happened_on": "08/10/2024"}, "Nghỉ lễ hội truyền thống (notice 15/TB-UBND of 20/09/2024)"),
        ({"start_time": "22:30"}, "never starts between 22:00 and 06:00 the next morning: 22:30 is at night."),
        ({"start_time": "25:00"}, "Write the time as hh:mm on the 24-hour clock, for example 08:30."),
    ]
    for changes, message in refused:
        response = staff_client.post(url("case_event", case), data | changes)
        assert response.status_code == 200
        assert message in errors_of(response)
        assert snapshot(case) == before

    assert staff_client.post(url("case_event", case), data | {"start_time": "8h30"}).status_code == 302

    case.refresh_from_db()
    event = case.events.get(kind=Kind.ENFORCEMENT)
    assert (event.happened_on, event.start_time, case.version) == (D(2024, 10, 7), datetime.time(8, 30), 2)
    assert "07/10/2024 08:30" in staff_client.get(reverse("clearance:case_detail", args=[case.pk])).content.decode()


def test_an_event_cannot_be_a_main_line_stage(staff_client, case):
    before = snapshot(case)
    response = staff_client.post(url("case_event", case), advance_data(case, kind=Kind.PAID))
    assert "Select a valid choice." in errors_of(response)
    assert snapshot(case) == before


# --- complaints -------------------------------------------------------------------------------


def test_a_complaint_is_recorded_shown_and_resolved(staff_client, huu_lung_staff, case):
    data = {"received_on": "10/05/2024", "summary": "Không đồng ý đơn giá cây vải", "reason": "Nhận đơn", "version": 1}
    assert staff_client.post(url("case_complaint", case), data).status_code == 302
    complaint = case.complaints.get()
    assert (complaint.status, complaint.received_on, complaint.summary) == ("open", D(2024, 5, 10), data["summary"])
    html = staff_client.get(url("case_detail", case)).content.decode()
    assert "Không đồng ý đơn giá cây vải" in html
    assert f'href="{url("case_complaint_resolve", case, complaint.pk)}"' in html

    resolve = {
        "resolved_on": "09/05/2024",
        "resolution": "Đã giải thích đơn giá",
        "reason": "Trả lời đơn",
        "version": 2,
    }
    response = staff_client.post(url("case_complaint_resolve", case, complaint.pk), resolve)
    assert "resolved on or after the day it was received (10/05/2024), not 09/05/2024" in errors_of(response)
    assert case.complaints.get().status == Complaint.Status.OPEN

    resolve["resolved_on"] = "10/05/2024"
    assert staff_client.post(url("case_complaint_resolve", case, complaint.pk), resolve).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_on, complaint.resolution) == (
        Complaint.Status.RESOLVED,
        D(2024, 5, 10),
        "Đã giải thích đơn giá",
    )
    assert complaint.history.latest().history_user == huu_lung_staff
    case.refresh_from_db()
    assert case.version == 3

    again = staff_client.post(url("case_complaint_resolve", case, complaint.pk), {**resolve, "version": 3})
    assert "This complaint was already resolved on 10/05/2024." in errors_of(again)
    assert Case.objects.get(pk=case.pk).version == 3


def test_a_case_saved_a_thousand_times_still_takes_its_form(staff_client, case):
    # Vietnamese formats group thousands: the form shows version 1234 as "1.234" and must read it back.
    Case.objects.filter(pk=case.pk).update(version=1234)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = staff_client.get(url("case_advance", case)).content.decode()
    assert 'name="version" value="1.234"' in html

    response = staff_client.post(url("case_advance", case), advance_data(case, version="1.234"))

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).version == 1235
