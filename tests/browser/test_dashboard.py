"""The provincial officer's morning in a real browser, on the demo data `make run` loads.

The overview shows VSIP and every cluster with their totals, a trend chart and the bottleneck
list; the weekly report downloads as an XLSX that opens with the expected columns and figures.
"""

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from clearance.models import Case
from clearance.weekly.columns import COLUMNS
from tests.browser.conftest import log_in
from tests.clearance.progress.expected import expected_figures
from tests.factories import StaffProfileFactory, UserFactory
from zones.models import StaffProfile, Zone
from zones.units import m2_to_ha

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_province(demo):
    officer = UserFactory(username="so_cong_thuong", password="mat-khau-thu-nghiem-2025")
    StaffProfileFactory(user=officer, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    return officer


def test_the_officer_sees_where_clearance_stands_and_downloads_the_weekly_report(
    browser, live_server, demo_province, tmp_path
):
    page = browser.new_page(locale="vi-VN")
    log_in(page, live_server, "so_cong_thuong")
    page.goto(f"{live_server.url}/")

    # VSIP and every cluster, by name.
    text = page.inner_text("main")
    for zone in Zone.objects.all():
        assert zone.name in text, zone.name

    # The registry's totals, written the Vietnamese way: 495 cases, the hectares handed over
    # (the article's "more than 57 ha") with a decimal comma.
    totals = page.locator("#province-totals")
    assert "495" in totals.inner_text()
    expected = expected_figures(Case.objects.all(), timezone.localdate())
    handed_over_ha = m2_to_ha(expected["handed_over_m2"])
    assert handed_over_ha > 57
    assert f"{handed_over_ha} ha".replace(".", ",") in totals.inner_text()
    paid = f"{expected['paid_vnd']:,}".replace(",", ".") + " ₫"
    assert paid in totals.inner_text()

    # A trend chart drawn for VSIP phase 1, and the bottleneck list with its most overdue cases.
    assert page.locator("#trend svg.chart").count() >= 3
    assert page.locator(".bottleneck-summary table.most-overdue tbody tr").count() > 0

    # The weekly report, as a file: the usual columns, and this week's grand total in its last row.
    page.goto(f"{live_server.url}/reports/weekly/")
    with page.expect_download() as download_info:
        page.click("a[href*='_export=xlsx']")
    path = tmp_path / "weekly.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    with translation.override("vi"):
        headings = [str(column.group or column.label) for column in COLUMNS]
    heading_row = next(row for row in rows if row[0] == headings[0])
    assert [cell for cell in heading_row if cell] == list(dict.fromkeys(h for h in headings))
    total = dict(zip([column.key for column in COLUMNS], rows[-1], strict=True))
    assert (total["cases"], total["counted"], total["handed_over"]) == (495, 495, expected["handed_over"])
    assert total["handed_over_ha"] == float(handed_over_ha)
    assert total["paid_vnd"] == expected["paid_vnd"]
