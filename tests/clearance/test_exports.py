"""Downloads of the case and report lists: every filtered, scoped row, typed, and safe to open in a spreadsheet."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from clearance.exports import neutralise
from clearance.models import ProgressReport, Stage
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    LandParcelFactory,
    PaymentFactory,
    PhaseFactory,
    ProgressReportFactory,
    SourceFactory,
    UserFactory,
    ZoneFactory,
    local_staff,
)
from zones.models import Qualifier, Source

CASES = reverse("clearance:case_list")
REPORTS = reverse("clearance:report_list")
CASE_HEADER = ["Code", "Name", "Kind", "Commune", "Village", "Stage", "Recovered area", "Paid", "Data"]
INJECTIONS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def area(db):
    """Hữu Lũng (VSIP, two communes) and Cao Lộc (a cluster, one commune), with one case or more in each."""
    a = SimpleNamespace()
    a.huu_lung = DistrictFactory(name="Huyện Hữu Lũng")
    a.ho_son = CommuneFactory(name="Xã Hồ Sơn", parent=a.huu_lung)
    a.hoa_thang = CommuneFactory(name="Xã Hòa Thắng", parent=a.huu_lung)
    a.cao_loc = DistrictFactory(name="Huyện Cao Lộc")
    a.hop_thanh = CommuneFactory(name="Xã Hợp Thành", parent=a.cao_loc)
    a.vsip = PhaseFactory(zone=ZoneFactory(name="KCN VSIP Lạng Sơn", unit=a.huu_lung))
    a.cluster = PhaseFactory(zone=ZoneFactory(name="CCN Hợp Thành 1", kind="ccn", unit=a.cao_loc))
    a.paid = CaseFactory(code="HS-1", phase=a.vsip, unit=a.ho_son, stage=Stage.PAID, name="Hộ bà Hoàng Thị Mai")
    LandParcelFactory(case=a.paid, area_m2=Decimal("1000"), recovered_area_m2=Decimal("800.5"))
    LandParcelFactory(case=a.paid, area_m2=Decimal("900"), recovered_area_m2=Decimal("700"))
    PaymentFactory(case=a.paid, amount_vnd=291_290_000_000)
    PaymentFactory(case=a.paid, amount_vnd=1)
    CaseFactory(code="HS-2", phase=a.vsip, unit=a.ho_son, stage=Stage.INVENTORY)
    CaseFactory(code="HT-1", phase=a.vsip, unit=a.hoa_thang, stage=Stage.PAID)
    CaseFactory(code="CL-1", phase=a.cluster, unit=a.hop_thanh, stage=Stage.PAID)
    return a


def download(client, url, params, kind):
    response = client.get(url, {**params, "_export": kind})
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def csv_rows(client, url, params=None):
    response, content = download(client, url, params or {}, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheet(client, url, params=None):
    response, content = download(client, url, params or {}, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(content)).active


def xlsx_rows(client, url, params=None):
    return [list(row) for row in xlsx_sheet(client, url, params).iter_rows(values_only=True)]


def exported_codes(client, kind, params=None, url=CASES):
    rows = csv_rows(client, url, params) if kind == "csv" else xlsx_rows(client, url, params)
    return [row[0] for row in rows[1:]]


# ---- what the files hold -----------------------------------------------------------------------


def test_csv_holds_the_header_as_shown_and_one_typed_row_per_case(as_user, user, area):
    rows = csv_rows(as_user(user, "en"), CASES, {"q": "HS-1"})
    assert rows == [
        CASE_HEADER,
        ["HS-1", "Hộ bà Hoàng Thị Mai", "Household", "Xã Hồ Sơn, Huyện Hữu Lũng", "Thôn Đồng Bụt", "Paid"]
        + ["1500.5", "291290000001", "Real"],
    ]


def test_xlsx_holds_numbers_as_numbers_with_a_bold_frozen_header(as_user, user, area):
    sheet = xlsx_sheet(as_user(user, "en"), CASES, {"q": "HS-1"})
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == CASE_HEADER
    assert rows[1][:6] == ["HS-1", "Hộ bà Hoàng Thị Mai", "Household", "Xã Hồ Sơn, Huyện Hữu Lũng", "Thôn Đồng Bụt"] + [
        "Paid"
    ]
    recovered, paid = rows[1][6], rows[1][7]
    assert recovered == pytest.approx(1500.5) and not isinstance(recovered, str)
    assert paid == 291_290_000_001 and isinstance(paid, int)
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_the_header_is_in_the_users_language(as_user, user, area):
    header = csv_rows(as_user(user), CASES)[0]
    with translation.override("vi"):
        assert header == [gettext(text) for text in CASE_HEADER]
    assert header[:2] == ["Mã", "Tên"]


def test_a_case_without_parcels_or_payments_has_empty_number_cells(as_user, user, area):
    rows = xlsx_rows(as_user(user), CASES, {"q": "HS-2"})
    assert rows[1][0] == "HS-2"
    assert rows[1][6:8] == [None, None]
    assert csv_rows(as_user(user), CASES, {"q": "HS-2"})[1][6:8] == ["", ""]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"HS-1", "HS-2", "HT-1", "CL-1"}),
        ({"stage": Stage.PAID}, {"HS-1", "HT-1", "CL-1"}),
        ({"stage": Stage.INVENTORY}, {"HS-2"}),
        ({"q": "no such case"}, set()),
    ],
)
def test_the_export_holds_exactly_the_filtered_rows(as_user, user, area, kind, params, expected):
    codes = exported_codes(as_user(user), kind, params)
    assert sorted(codes) == sorted(expected)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_filters_by_commune_zone_and_phase(as_user, user, area, kind):
    client = as_user(user)
    assert sorted(exported_codes(client, kind, {"unit": area.ho_son.pk})) == ["HS-1", "HS-2"]
    assert sorted(exported_codes(client, kind, {"zone": area.cluster.zone.pk})) == ["CL-1"]
    assert sorted(exported_codes(client, kind, {"phase": area.vsip.pk, "stage": Stage.PAID})) == ["HS-1", "HT-1"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_holds_every_page_in_the_order_chosen(as_user, user, area, kind):
    for number in range(60):
        PaymentFactory(
            case=CaseFactory(code=f"BULK-{number:02d}", phase=area.vsip, unit=area.ho_son), amount_vnd=number + 1
        )
    codes = exported_codes(as_user(user), kind, {"q": "bulk", "sort": "-paid_vnd", "page": "2"})
    assert codes == [f"BULK-{number:02d}" for number in reversed(range(60))]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_local_staff_export_only_their_own_area(as_user, area, kind):
    cao_loc = as_user(local_staff(area.cao_loc))
    assert exported_codes(cao_loc, kind) == ["CL-1"]
    # Asking for another area's commune does not reach its cases: the filter refuses the choice.
    assert exported_codes(cao_loc, kind, {"unit": area.ho_son.pk}) == ["CL-1"]
    huu_lung = as_user(local_staff(area.huu_lung))
    assert sorted(exported_codes(huu_lung, kind)) == ["HS-1", "HS-2", "HT-1"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_user_without_a_profile_exports_a_header_and_no_rows(as_user, area, kind):
    client = as_user(UserFactory(), "en")
    rows = csv_rows(client, CASES) if kind == "csv" else xlsx_rows(client, CASES)
    assert rows == [CASE_HEADER]


def test_anonymous_users_are_sent_to_log_in(client, area):
    response = client.get(CASES, {"_export": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("kind", "extension"), [("csv", "csv"), ("xlsx", "xlsx")])
def test_the_file_is_named_after_the_list_and_today(as_user, user, area, kind, extension):
    response, _content = download(as_user(user), CASES, {}, kind)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="lsip-cases-{today}.{extension}"'


@pytest.mark.parametrize("value", ["pdf", "", "XLSX", "csv;xlsx"])
def test_an_unknown_format_is_a_clear_400(as_user, user, area, value):
    response = as_user(user, "en").get(CASES, {"_export": value})
    assert response.status_code == 400
    assert response.content.decode() == "This list can be downloaded as XLSX or CSV only."


def test_the_page_offers_downloads_that_keep_the_filters_and_order(as_user, user, area):
    html = as_user(user).get(CASES, {"stage": Stage.PAID, "sort": "-paid_vnd", "page": "1"}).content.decode()
    assert 'href="?stage=paid&amp;sort=-paid_vnd&amp;_export=xlsx"' in html
    assert 'href="?stage=paid&amp;sort=-paid_vnd&amp;_export=csv"' in html


# ---- formula injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(text, "'" + text) for text in INJECTIONS],
        ("Hộ bà Hoàng Thị Mai", "Hộ bà Hoàng Thị Mai"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (Decimal("-1.5"), Decimal("-1.5")),
        (datetime.date(2025, 3, 10), datetime.date(2025, 3, 10)),
        (None, None),
    ],
)
def test_neutralise_quotes_text_a_spreadsheet_would_run_and_keeps_the_rest(value, expected):
    assert neutralise(value) == expected
    assert type(neutralise(value)) is type(expected)


@pytest.fixture
def injected(area):
    for number, name in enumerate(INJECTIONS):
        case = CaseFactory(code=f"INJ-{number}", name=name, phase=area.vsip, unit=area.ho_son)
        PaymentFactory(case=case, amount_vnd=1000 + number)
    return {f"INJ-{number}": name for number, name in enumerate(INJECTIONS)}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formulas_in_names_come_out_as_quoted_text(as_user, user, injected, kind):
    client = as_user(user)
    rows = csv_rows(client, CASES, {"q": "inj"}) if kind == "csv" else xlsx_rows(client, CASES, {"q": "inj"})
    names = {row[0]: row[1] for row in rows[1:]}
    assert set(names) == set(injected)
    for code, name in injected.items():
        assert names[code].startswith("'"), names[code]
        # XML turns a lone carriage return into a line feed; the quote in front is what matters.
        assert names[code][1:].replace("\n", "\r") == name
    paid = {row[0]: row[7] for row in rows[1:]}
    if kind == "xlsx":
        assert paid["INJ-2"] == 1002 and isinstance(paid["INJ-2"], int)
    else:
        assert paid["INJ-2"] == "1002"


def test_control_characters_do_not_break_the_xlsx(as_user, user, area):
    CaseFactory(code="CTRL", name="Hộ ông A\x0b\x01", phase=area.vsip, unit=area.ho_son)
    rows = xlsx_rows(as_user(user), CASES, {"q": "ctrl"})
    assert rows[1][:2] == ["CTRL", "Hộ ông A"]


# ---- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_query_count_does_not_grow_with_cases(as_user, user, area, kind):
    client = as_user(user)

    def add(count):
        for _ in range(count):
            case = CaseFactory(phase=area.vsip, unit=area.hoa_thang)
            LandParcelFactory(case=case)
            PaymentFactory(case=case)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _response, content = download(client, CASES, {"unit": area.hoa_thang.pk}, kind)
        return len(captured), content

    add(4)  # with HT-1: 5 cases
    few, _content = queries()
    add(45)
    many, content = queries()
    assert many == few
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"))) if kind == "csv" else None
    if rows is not None:
        assert len(list(rows)) == 1 + 50
    else:
        assert openpyxl.load_workbook(io.BytesIO(content)).active.max_row == 1 + 50


# ---- the report list -------------------------------------------------------------------------

REPORT_HEADER = [
    "Report",
    "Figures as of",
    "Project",
    "Reporting unit",
    "Cases counted",
    "Cases counted stated as",
    "Cases paid",
    "Area handed over",
    "Area handed over stated as",
    "Status",
    "Entered by",
    "Entered on",
]


@pytest.fixture
def reports(area):
    vsip = ProgressReportFactory(
        phase=area.vsip,
        unit=area.ho_son,
        reported_on=datetime.date(2025, 3, 10),
        cases_counted=490,
        cases_counted_qualifier=Qualifier.MORE_THAN,
        cases_paid=433,
        area_handed_over_ha=Decimal("57.25"),
        status=ProgressReport.Status.ACCEPTED,
    )
    monthly = ProgressReportFactory(
        phase=area.vsip,
        unit=area.hoa_thang,
        reported_on=datetime.date(2025, 2, 1),
        source=SourceFactory(date_precision=Source.Precision.MONTH),
        cases_counted=5,
        cases_paid=None,
        area_handed_over_ha=None,
    )
    cluster = ProgressReportFactory(
        phase=area.cluster, unit=area.hop_thanh, cases_counted=3, reported_by=local_staff(area.cao_loc)
    )
    return SimpleNamespace(vsip=vsip, monthly=monthly, cluster=cluster)


def test_the_report_export_types_figures_and_keeps_how_they_were_stated(as_user, user, reports):
    sheet = xlsx_sheet(as_user(user, "en"), REPORTS, {"phase": reports.vsip.phase.pk})
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == REPORT_HEADER
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {reports.vsip.pk, reports.monthly.pk}
    vsip = by_id[reports.vsip.pk]
    assert vsip[1] == datetime.datetime(2025, 3, 10)
    assert vsip[3:10] == ["Xã Hồ Sơn, Huyện Hữu Lũng", 490, "more than", 433, 57.25, None, "Accepted"]
    assert vsip[10] == "published source"
    created = timezone.localtime(reports.vsip.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert vsip[11].replace(second=0, microsecond=0) == created
    date_cell = next(sheet.iter_rows(min_row=2, max_row=3))[1]
    assert date_cell.number_format == "DD/MM/YYYY"
    # A date the source gives only to the month stays that precise.
    monthly = by_id[reports.monthly.pk]
    assert monthly[1] == "02/2025"
    assert monthly[6] is None and monthly[8] is None


def test_the_report_export_csv_writes_iso_dates(as_user, user, reports):
    rows = csv_rows(as_user(user, "en"), REPORTS, {"phase": reports.vsip.phase.pk, "status": "accepted"})
    assert [row[:5] for row in rows[1:]] == [[str(reports.vsip.pk), "2025-03-10", rows[1][2], rows[1][3], "490"]]
    assert rows[1][2].startswith("KCN VSIP Lạng Sơn")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_report_export_is_scoped_to_the_users_area(as_user, reports, area, kind):
    ids = exported_codes(as_user(local_staff(area.cao_loc)), kind, url=REPORTS)
    assert [int(value) for value in ids] == [reports.cluster.pk]
    ids = exported_codes(as_user(local_staff(area.huu_lung)), kind, url=REPORTS)
    assert sorted(int(value) for value in ids) == sorted([reports.vsip.pk, reports.monthly.pk])
    assert exported_codes(as_user(UserFactory()), kind, url=REPORTS) == []


def test_the_report_list_offers_downloads_and_refuses_unknown_formats(as_user, user, reports):
    client = as_user(user, "en")
    html = client.get(REPORTS, {"status": "accepted"}).content.decode()
    assert 'href="?status=accepted&amp;_export=xlsx"' in html
    response = client.get(REPORTS, {"_export": "pdf"})
    assert response.status_code == 400
    assert "XLSX or CSV" in response.content.decode()
