# The fixtures of test_exports (area, injected, reports) are imported, so tests naming them redefine them.
# ruff: noqa: F811
"""The lists' "CSV (Vietnamese Excel)" download: ";" between cells, decimal comma, dd/mm/yyyy, UTF-8 with BOM.

Vietnamese Excel reads "1500.5" as text (or as a date) and a ","-separated file as one column;
this download is for it, the standard CSV for other programs (clearance/exports.py).
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clearance.exports import CSV_VIETNAMESE, csv_value, plain_number
from tests.clearance.test_exports import (  # noqa: F401 (area, injected and reports are fixtures)
    CASE_HEADER,
    CASES,
    REPORTS,
    area,
    download,
    injected,
    reports,
)
from tests.factories import CaseFactory, LandParcelFactory, PaymentFactory, UserFactory, local_staff

# One separator then exactly three digits ("1.234", "10,000"): a number that reads two ways.
AMBIGUOUS = re.compile(r"^-?\d+[.,]\d{3}$")


def vi_content(client, url, params=None):
    response, content = download(client, url, params or {}, "csv_vi")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response, content


def vi_rows(client, url, params=None):
    _response, content = vi_content(client, url, params)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def vi_codes(client, url=CASES, params=None):
    return [row[0] for row in vi_rows(client, url, params)[1:]]


# --- the page offers it --------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "params", "query"), [(CASES, {"stage": "paid"}, "stage=paid&amp;"), (REPORTS, {}, "")])
def test_a_list_page_offers_both_csvs_and_says_which_to_pick(as_user, user, reports, url, params, query):
    html = as_user(user, "en").get(url, params).content.decode()
    vietnamese = re.search(rf'<a href="\?{query}_export=csv_vi" download\s+title="([^"]+)">([^<]+)</a>', html)
    standard = re.search(rf'<a href="\?{query}_export=csv" download\s+title="([^"]+)">([^<]+)</a>', html)
    assert vietnamese and standard, html
    assert vietnamese.group(2) == "CSV (Vietnamese Excel)" and "Excel set to Vietnamese" in vietnamese.group(1)
    assert standard.group(2) == "CSV (standard)" and "other programs" in standard.group(1)


def test_the_link_reads_vietnamese_by_default(as_user, user, area):
    html = as_user(user).get(CASES).content.decode()
    assert ">CSV (Excel tiếng Việt)</a>" in html


# --- what the file holds ------------------------------------------------------------------------


def test_the_file_has_semicolons_a_decimal_comma_and_no_thousands_separator(as_user, user, area):
    response, content = vi_content(as_user(user, "en"), CASES, {"q": "HS-1"})
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[0] == ";".join(CASE_HEADER)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="lsip-cases-{today}-excel-vi.csv"'
    rows = vi_rows(as_user(user, "en"), CASES, {"q": "HS-1"})
    assert rows[1] == [
        "HS-1",
        "Hộ bà Hoàng Thị Mai",
        "Household",
        "Xã Hồ Sơn, Huyện Hữu Lũng",
        "Thôn Đồng Bụt",
        "Paid",
        "1500,5",
        "291290000001",
        "Real",
    ]


def test_report_dates_are_dd_mm_yyyy_and_figures_have_a_decimal_comma(as_user, user, reports):
    rows = vi_rows(as_user(user, "en"), REPORTS, {"phase": reports.vsip.phase.pk})
    by_id = {row[0]: row for row in rows[1:]}
    vsip = by_id[str(reports.vsip.pk)]
    assert vsip[1] == "10/03/2025"
    assert vsip[4] == "490" and vsip[7] == "57,25"
    created = timezone.localtime(reports.vsip.created_at)
    assert vsip[11] == created.strftime("%d/%m/%Y %H:%M")
    assert by_id[str(reports.monthly.pk)][1] == "02/2025"  # stated to the month, kept so
    assert not [cell for row in rows[1:] for cell in row if AMBIGUOUS.match(cell)]


def test_formulas_in_names_come_out_quoted(as_user, user, injected):
    rows = vi_rows(as_user(user), CASES, {"q": "inj"})
    names = {row[0]: row[1] for row in rows[1:]}
    assert set(names) == set(injected)
    for code, name in injected.items():
        assert names[code].startswith("'")
        assert names[code][1:].replace("\n", "\r") == name
    assert {row[0]: row[7] for row in rows[1:]}["INJ-2"] == "1002"


# --- who sees what ------------------------------------------------------------------------------


def test_staff_of_another_area_download_only_their_rows(as_user, area):
    assert vi_codes(as_user(local_staff(area.cao_loc))) == ["CL-1"]
    assert vi_codes(as_user(local_staff(area.cao_loc)), params={"unit": area.ho_son.pk}) == ["CL-1"]
    assert sorted(vi_codes(as_user(local_staff(area.huu_lung)))) == ["HS-1", "HS-2", "HT-1"]
    assert vi_codes(as_user(UserFactory())) == []


def test_staff_of_another_area_download_only_their_reports(as_user, reports, area):
    assert [int(pk) for pk in vi_codes(as_user(local_staff(area.cao_loc)), REPORTS)] == [reports.cluster.pk]


def test_anonymous_users_are_sent_to_log_in(client, area):
    response = client.get(CASES, {"_export": "csv_vi"})
    assert response.status_code == 302


def test_the_query_count_does_not_grow_with_cases(as_user, user, area):
    client = as_user(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            _response, content = vi_content(client, CASES, {"unit": area.hoa_thang.pk})
        return len(captured), content

    few, _content = queries()
    for _ in range(20):
        case = CaseFactory(phase=area.vsip, unit=area.hoa_thang)
        LandParcelFactory(case=case)
        PaymentFactory(case=case)
    many, content = queries()
    assert many == few
    assert len(content.decode("utf-8-sig").splitlines()) == 1 + 21


# --- numbers and dates, one cell ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "standard", "vietnamese"),
    [
        (Decimal("1234.5"), "1234.5", "1234,5"),
        (Decimal("1234.500"), "1234.5", "1234,5"),
        (Decimal("57.00"), "57", "57"),
        (Decimal("1E+3"), "1000", "1000"),
        (Decimal("-1.5"), "-1.5", "-1,5"),
        (291_290_000_001, "291290000001", "291290000001"),
        (1500.5, "1500.5", "1500,5"),
        (0.00001, "0.00001", "0,00001"),
        (10_000.0, "10000", "10000"),
    ],
)
def test_numbers_are_plain_with_the_dialects_decimal_mark(value, standard, vietnamese):
    assert plain_number(value) == standard
    assert plain_number(value, ",") == vietnamese
    assert csv_value(value, CSV_VIETNAMESE) == vietnamese


def test_dates_and_times_are_dd_mm_yyyy_in_local_time():
    assert csv_value(datetime.date(2025, 3, 10), CSV_VIETNAMESE) == "10/03/2025"
    moment = datetime.datetime(2025, 3, 10, 1, 30, tzinfo=datetime.UTC)
    assert csv_value(moment, CSV_VIETNAMESE) == "10/03/2025 08:30"  # Asia/Ho_Chi_Minh
    assert csv_value("'=1+1", CSV_VIETNAMESE) == "'=1+1" and csv_value(True, CSV_VIETNAMESE) is True
