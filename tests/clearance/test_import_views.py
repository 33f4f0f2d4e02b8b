"""Import pages: template download, upload → preview → confirm, refusals, and who may see what."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearance.inventory.columns import ASSET_COLUMNS, CSV_ASSETS_COLUMN, PARCEL_COLUMNS
from clearance.models import Case, InventoryImport, LandParcel
from tests.clearance.test_import_files import BILLION_LAUGHS, with_member, without_declaration, zip_of
from tests.clearance.test_imports import (
    CAO_LOC_DONG_DANG,
    counts,
    local_staff,
    many,
    parcel,
    xlsx_bytes,
)
from tests.factories import CaseFactory, LandParcelFactory, StaffProfileFactory, UserFactory
from zones.models import AdminUnit, StaffProfile

START = reverse("clearance:import_start")
TEMPLATE = reverse("clearance:import_template")


def preview_url(record):
    return reverse("clearance:import_preview", args=[record.pk])


def confirm_url(record):
    return reverse("clearance:import_confirm", args=[record.pk])


@pytest.fixture
def cao_loc(lang_son):
    return local_staff("caoloc", 183)


@pytest.fixture
def staff_client(client, huu_lung):
    client.force_login(huu_lung)
    return client


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client, phase, name, content):
    return client.post(START, {"phase": phase.pk, "file": SimpleUploadedFile(name, content)})


def test_anonymous_users_go_to_the_login_page(client, db):
    for url in (START, TEMPLATE):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_roles_that_do_not_import_get_403(client, lang_son):
    officer = UserFactory(username="officer")
    StaffProfileFactory(user=officer, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    client.force_login(officer)
    assert client.get(START).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    assert client.post(START, {}).status_code == 403


def test_the_xlsx_template_has_the_vietnamese_headers_and_a_guide(staff_client):
    response = staff_client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Thửa đất", "Tài sản", "Hướng dẫn"]
    headers = [cell.value for cell in workbook["Thửa đất"][1]]
    assert headers[:4] == ["Mã hồ sơ", "Loại đối tượng", "Họ tên / tên tổ chức", "Số CCCD"]
    assert headers == [column.header for column in PARCEL_COLUMNS]
    assert [cell.value for cell in workbook["Tài sản"][1]] == [column.header for column in ASSET_COLUMNS]
    guide = "\n".join(str(cell.value) for row in workbook["Hướng dẫn"].iter_rows() for cell in row if cell.value)
    for column in [*PARCEL_COLUMNS, *ASSET_COLUMNS]:
        assert column.header in guide
    assert "1.234,5" in guide


def test_the_csv_template_has_the_headers(staff_client):
    response = staff_client.get(TEMPLATE, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.split(",") == [column.header for column in [*PARCEL_COLUMNS, CSV_ASSETS_COLUMN]]


def test_a_filled_template_imports_through_preview_and_confirm(staff_client, huu_lung, vsip_phase):
    workbook = openpyxl.load_workbook(io.BytesIO(staff_client.get(TEMPLATE).content))
    headers = [cell.value for cell in workbook["Thửa đất"][1]]
    for row in many(4):
        workbook["Thửa đất"].append([row.get(h) for h in headers])
    workbook["Tài sản"].append(["HS-0001", "mộ", "Mộ đất", 2, "ngôi"])
    filled = io.BytesIO()
    workbook.save(filled)

    response = upload(staff_client, vsip_phase, "Kiểm đếm Hồ Sơn.xlsx", filled.getvalue())
    record = InventoryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert (record.uploaded_by, record.file_name, record.status) == (huu_lung, "Kiểm đếm Hồ Sơn.xlsx", "previewed")
    assert counts()[:3] == (0, 0, 0)

    html = staff_client.get(preview_url(record)).content.decode()
    assert f'action="{confirm_url(record)}"' in html
    assert "Hộ ông Nguyễn Văn HS-0000" in html  # the sample of rows

    response = staff_client.post(confirm_url(record))
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert counts()[:3] == (2, 4, 1)
    record.refresh_from_db()
    assert record.status == "applied" and (record.rows_created, record.rows_updated) == (5, 0)
    assert {h.history_user for h in LandParcel.history.all()} == {huu_lung}
    html = staff_client.get(preview_url(record)).content.decode()
    assert f'action="{confirm_url(record)}"' not in html

    # Confirming again writes nothing more.
    staff_client.post(confirm_url(record))
    assert counts()[:3] == (2, 4, 1)


def test_preview_lists_errors_by_row_and_column_and_confirm_writes_nothing(staff_client, vsip_phase):
    rows = [*many(50), parcel("HS-LAST", 499, **{"Số tờ": 40, "Diện tích thu hồi (m²)": "99999"})]
    upload(staff_client, vsip_phase, "a.xlsx", xlsx_bytes(rows))
    record = InventoryImport.objects.get()
    in_english(staff_client)
    html = staff_client.get(preview_url(record)).content.decode()
    assert "1 error" in html
    assert 'data-code="recovered_exceeds_area"' in html
    assert '<td class="num">52</td><td>Diện tích thu hồi (m²)</td>' in html
    assert f'action="{confirm_url(record)}"' not in html
    before = counts()
    response = staff_client.post(confirm_url(record))
    assert response.status_code == 302
    assert counts() == before
    record.refresh_from_db()
    assert record.status == "previewed"
    assert "nothing was written" in staff_client.get(preview_url(record)).content.decode()


def test_another_users_import_is_a_404_but_an_administrator_sees_it(client, huu_lung, vsip_phase):
    client.force_login(huu_lung)
    upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(2)))
    record = InventoryImport.objects.get()
    colleague = local_staff("colleague", 186)  # same area, other person
    client.force_login(colleague)
    before = counts()
    assert client.get(preview_url(record)).status_code == 404
    assert client.post(confirm_url(record)).status_code == 404
    assert counts() == before

    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(preview_url(record)).status_code == 200


def test_staff_of_another_area_cannot_use_the_phase_nor_see_its_cases(client, cao_loc, vsip_phase):
    client.force_login(cao_loc)
    response = upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(2)))
    assert response.status_code == 200
    assert "phase" in response.context["form"].errors
    assert InventoryImport.objects.count() == 0
    assert client.get(TEMPLATE, {"phase": vsip_phase.pk}).status_code == 404


def test_a_cao_loc_row_from_hu_lung_staff_is_an_error_in_the_preview(staff_client, vsip_phase):
    upload(
        staff_client, vsip_phase, "a.xlsx", xlsx_bytes([parcel(), parcel("HS-2", 2, **{"Mã xã": CAO_LOC_DONG_DANG})])
    )
    record = InventoryImport.objects.get()
    html = staff_client.get(preview_url(record)).content.decode()
    assert 'data-code="out_of_scope"' in html and "Thị trấn Đồng Đăng" in html
    staff_client.post(confirm_url(record))
    assert Case.objects.count() == 0


def test_export_contains_only_the_users_area(staff_client, vsip_phase):
    ho_son = AdminUnit.objects.get(code=6451)
    dong_dang = AdminUnit.objects.get(code=CAO_LOC_DONG_DANG, structure="legacy")
    LandParcelFactory(case=CaseFactory(phase=vsip_phase, code="HS-MINE", unit=ho_son, name="Hộ bà Đỗ Thị Ữ"))
    LandParcelFactory(case=CaseFactory(phase=vsip_phase, code="CL-OTHER", unit=dong_dang))
    response = staff_client.get(TEMPLATE, {"phase": vsip_phase.pk, "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert "HS-MINE" in text and "Hộ bà Đỗ Thị Ữ" in text and "CL-OTHER" not in text
    workbook = openpyxl.load_workbook(io.BytesIO(staff_client.get(TEMPLATE, {"phase": vsip_phase.pk}).content))
    codes = [row[0] for row in workbook["Thửa đất"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["HS-MINE"]


def zip_bomb():
    return zip_of(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024),
        }
    )


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("anh.png", b"\x89PNG\r\n\x1a\n", "is not an inventory sheet"),
        ("danh-sach.xlsx", b"just text", "is not an Excel workbook"),
        ("danh-sach.csv", b"\xff\xfe\x00M\x00a", "not UTF-8 text"),
        ("bom.xlsx", "zip bomb", "zip bomb"),
        ("entities.xlsx", "entities", "entity expansion"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_not_stored(staff_client, vsip_phase, name, content, phrase):
    if content == "zip bomb":
        content = zip_bomb()
    elif content == "entities":
        content = with_member(
            xlsx_bytes([parcel()]), "xl/worksheets/sheet1.xml", lambda xml: BILLION_LAUGHS + without_declaration(xml)
        )
    response = upload(in_english(staff_client), vsip_phase, name, content)
    assert response.status_code == 200
    assert phrase in " ".join(response.context["form"].errors["file"])
    assert phrase in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert InventoryImport.objects.count() == 0


def test_too_large_files_are_refused_before_reading(staff_client, vsip_phase, settings):
    settings.LSIP_IMPORT_MAX_BYTES = 2048
    response = upload(in_english(staff_client), vsip_phase, "a.xlsx", xlsx_bytes(many(30)))
    assert response.status_code == 200
    assert "the limit is" in " ".join(response.context["form"].errors["file"])
    assert InventoryImport.objects.count() == 0


def test_confirm_answers_only_post(staff_client, vsip_phase):
    upload(staff_client, vsip_phase, "a.csv", "Mã hồ sơ\n".encode())
    assert InventoryImport.objects.count() == 0  # required columns missing: refused, not stored
    upload(staff_client, vsip_phase, "a.xlsx", xlsx_bytes(many(2)))
    record = InventoryImport.objects.get()
    assert staff_client.get(confirm_url(record)).status_code == 405
    assert Case.objects.count() == 0


def test_the_upload_page_lists_only_my_phases_and_imports(staff_client, vsip_phase, cao_loc):
    html = staff_client.get(START).content.decode()
    assert f'<option value="{vsip_phase.pk}"' in html
    assert 'enctype="multipart/form-data"' in html
