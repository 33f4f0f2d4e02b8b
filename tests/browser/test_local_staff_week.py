"""A week of site-clearance work in a real browser (Debian's Chromium driven by Playwright).

A Hữu Lũng staff member records the week's survey counts for VSIP phase 1 and imports a
1,000-row inventory sheet; Cao Lộc's case stays out of reach; a provincial officer signs the
report off. Skipped, with the reason, where Chromium or Playwright is not installed;
CI installs both.
"""

import csv
import datetime
import io

import pytest

from clearance.inventory.columns import PARCEL_COLUMNS
from clearance.models import Case, LandParcel, ProgressReport
from tests.browser.conftest import PASSWORD, log_in
from tests.factories import CaseFactory, StaffProfileFactory, UserFactory
from zones.models import AdminUnit, Phase, StaffProfile

ROWS = 1000

pytestmark = pytest.mark.django_db(transaction=True)


def _unit(structure, code):
    return AdminUnit.objects.get(structure=structure, code=code)


@pytest.fixture
def province(lang_son):
    legacy = AdminUnit.Structure.LEGACY
    staff = {}
    for username, role, units in (
        ("can_bo_huu_lung", StaffProfile.Role.LOCAL_STAFF, [_unit(legacy, 186)]),
        ("can_bo_cao_loc", StaffProfile.Role.LOCAL_STAFF, [_unit(legacy, 183)]),
        ("so_tai_chinh", StaffProfile.Role.PROVINCIAL_OFFICER, []),
    ):
        staff[username] = UserFactory(username=username, password=PASSWORD)
        StaffProfileFactory(user=staff[username], role=role, units=units)
    phase = Phase.objects.get(zone__name="Khu công nghiệp VSIP Lạng Sơn", number=1)
    cao_loc_commune = AdminUnit.objects.filter(parent=_unit(legacy, 183)).first()
    cao_loc_case = CaseFactory(phase=phase, unit=cao_loc_commune, code="CL-0001", name="Hộ ông Lộc Văn Cao")
    return {"staff": staff, "phase": phase, "cao_loc_case": cao_loc_case}


def _inventory_csv(rows):
    """A filled-in inventory sheet: one parcel a row, two parcels per case, in Xã Hồ Sơn (legacy 6451)."""
    values = {
        "kind": "hộ gia đình",
        "village": "Thôn Đồng Tiến",
        "unit_code": "6451",
        "unit_structure": "trước 2025",
        "land_use_code": "LUC",
        "land_origin": "Nhà nước giao đất",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.header for column in PARCEL_COLUMNS])
    for index in range(rows):
        case_no = index // 2 + 1
        row = values | {
            "code": f"HS-{case_no:04d}",
            "name": f"Hộ bà Nguyễn Thị Ngọc Ánh {case_no}",
            "map_sheet_no": str(40 + index // 500),
            "parcel_no": str(index % 500 + 1),
            "area_m2": "1.234,5",
            "recovered_area_m2": "1000",  # "1.000" alone reads two ways (issue 10)
        }
        writer.writerow([row.get(column.key, "") for column in PARCEL_COLUMNS])
    return out.getvalue().encode("utf-8")


def test_a_week_of_local_work_and_the_provincial_sign_off(browser, live_server, province, tmp_path):
    phase = province["phase"]
    # The reform made Xã Hữu Lũng (2025) out of communes of the Hữu Lũng district.
    commune_2025 = _unit(AdminUnit.Structure.CURRENT, 6385)
    today = datetime.date.today()

    page = browser.new_page(locale="en-US")
    log_in(page, live_server, "can_bo_huu_lung")
    assert '<html lang="vi">' in page.content()

    # 1. The week's survey counts, on the phone-friendly form.
    page.goto(f"{live_server.url}/reports/new/")
    page.select_option("select[name=phase]", str(phase.pk))
    page.select_option("select[name=unit]", str(commune_2025.pk))
    page.fill("input[name=reported_on]", today.strftime("%d/%m/%Y"))
    page.fill("input[name=cases_total]", "500")
    page.fill("input[name=cases_counted]", "495")
    page.fill("input[name=area_handed_over_ha]", "127,49")
    page.fill("textarea[name=obstacles]", "Còn 5 hộ chưa đồng ý kiểm đếm.")
    page.click("form.report-form button[type=submit]")
    page.wait_for_load_state()
    report = ProgressReport.objects.get(reported_by=province["staff"]["can_bo_huu_lung"])
    assert (report.status, report.cases_counted, str(report.area_handed_over_ha)) == ("submitted", 495, "127.49")
    assert report.unit == commune_2025 and report.reported_on == today

    # 2. A 1,000-row inventory sheet: upload, preview, confirm.
    sheet = tmp_path / "kiem_dem_ho_son.csv"
    sheet.write_bytes(_inventory_csv(ROWS))
    page.goto(f"{live_server.url}/imports/")
    page.select_option("select[name=phase]", str(phase.pk))
    page.set_input_files("input[name=file]", str(sheet))
    page.click("form.import-form button[type=submit]")
    page.wait_for_load_state()
    assert LandParcel.objects.count() == 0  # the preview writes nothing
    page.click("form.import-confirm button[type=submit]")
    page.wait_for_load_state()
    assert LandParcel.objects.filter(case__phase=phase).count() == ROWS
    assert Case.objects.filter(phase=phase, code__startswith="HS-").count() == ROWS // 2
    assert Case.objects.get(code="HS-0001").name == "Hộ bà Nguyễn Thị Ngọc Ánh 1"

    # 3. Cao Lộc's case is not there for Hữu Lũng.
    cao_loc_case = province["cao_loc_case"]
    assert page.goto(f"{live_server.url}/cases/{cao_loc_case.pk}/").status == 404
    assert page.goto(f"{live_server.url}/cases/{cao_loc_case.pk}/advance/").status == 404
    page.goto(f"{live_server.url}/cases/?q=cao")
    assert "CL-0001" not in page.content()

    # 4. The province signs the report off.
    officer = browser.new_page()
    log_in(officer, live_server, "so_tai_chinh")
    officer.goto(f"{live_server.url}/reports/{report.pk}/")
    officer.click("button[name=action][value=accept]")
    officer.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    assert report.reviewed_by == province["staff"]["so_tai_chinh"]
