"""Long imports: the preview is read once, at upload, and kept; the forms that start long work say so.

Viewing a preview renders the summary kept on the import and never reads the file again;
confirming still re-reads and re-validates it, and is the authority.
"""

import re
from dataclasses import replace

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from clearance.models import InventoryImport
from clearance.services import imports as import_services
from tests.clearance.test_imports import counts, csv_bytes, local_staff, many, parcel, xlsx_bytes
from tests.factories import UserFactory

START = reverse("clearance:import_start")
SCRIPT = "js/working_forms.js"


def preview_url(record):
    return reverse("clearance:import_preview", args=[record.pk])


def confirm_url(record):
    return reverse("clearance:import_confirm", args=[record.pk])


def upload(client, phase, name, content):
    response = client.post(START, {"phase": phase.pk, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return InventoryImport.objects.latest("pk")


@pytest.fixture
def reader_calls(monkeypatch):
    """Every read of a stored file by the import services, counted."""
    calls = []
    read_table = import_services.read_table

    def counting(data, file_format):
        calls.append(file_format)
        return read_table(data, file_format)

    monkeypatch.setattr(import_services, "read_table", counting)
    return calls


def test_the_upload_keeps_the_preview_and_viewing_it_reads_no_file(as_user, huu_lung, vsip_phase, reader_calls):
    client = as_user(huu_lung, "en")
    record = upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(10)))
    assert reader_calls == ["xlsx"]  # the upload's one read
    assert record.preview["language"] == "en"
    assert (record.preview["rows_total"], record.preview["parcel_rows"], record.preview["errors_total"]) == (10, 10, 0)
    assert record.preview["cases"] == {"create": 5, "update": 0, "unchanged": 0}
    assert record.preview["parcels"]["create"] == 10
    assert record.preview["sample"][0]["area_m2"] == "1234.5"

    # The kept file is no longer a spreadsheet: the page shows the preview all the same.
    InventoryImport.objects.filter(pk=record.pk).update(content=b"garbage")
    for _ in range(2):
        response = client.get(preview_url(record))
        assert response.status_code == 200
    assert reader_calls == ["xlsx"]
    html = response.content.decode()
    assert re.search(r'<th scope="row">Land parcels</th><td class="num">10</td>', html)
    assert "Hộ ông Nguyễn Văn HS-0000" in html and "1,234.5 m²" in html  # the sample
    assert f'action="{confirm_url(record)}"' in html
    assert "confirming checks every row again" in html

    # Confirming reads the file again, and refuses what it finds.
    before = counts()
    response = client.post(confirm_url(record))
    assert response.status_code == 302 and response["Location"] == preview_url(record)
    assert reader_calls == ["xlsx", "xlsx"]
    assert counts() == before
    record.refresh_from_db()
    assert record.status == "previewed"
    assert "The workbook cannot be read" in client.get(preview_url(record)).content.decode()


def test_the_preview_kept_with_errors_counts_them_all_and_lists_the_first_500(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    rows = [
        parcel(f"HS-{i:04d}", i % 500 + 1, **{"Số tờ": 12 + i // 500, "Diện tích thu hồi (m²)": "99999"})
        for i in range(503)
    ]
    record = upload(client, vsip_phase, "a.csv", csv_bytes(rows))
    assert record.preview["errors_total"] == 503 and len(record.preview["errors"]) == 500
    assert record.preview["errors"][0] | {"message": ""} == {
        "sheet": "CSV",
        "row": 2,
        "column": "Diện tích thu hồi (m²)",
        "value": "99999",
        "message": "",
        "code": "recovered_exceeds_area",
        "position": 13,
    }
    html = client.get(preview_url(record)).content.decode()
    assert "503 errors: nothing can be written" in html
    assert html.count('data-code="recovered_exceeds_area"') == 500
    assert "…and 3 more errors." in html
    assert f'action="{confirm_url(record)}"' not in html
    before = counts()
    client.post(confirm_url(record))
    assert counts() == before


def test_an_import_kept_without_a_preview_gets_one_on_its_first_view(as_user, huu_lung, vsip_phase, reader_calls):
    client = as_user(huu_lung, "en")
    record = upload(client, vsip_phase, "a.csv", csv_bytes(many(6)))
    InventoryImport.objects.filter(pk=record.pk).update(preview=None)  # as stored before previews were kept
    first = client.get(preview_url(record))
    assert first.status_code == 200
    record.refresh_from_db()
    assert record.preview["parcels"]["create"] == 6 and record.preview["language"] == "en"
    assert parse_datetime(record.preview["checked_at"]) > record.uploaded_at  # checked now, not at upload
    again = client.get(preview_url(record))
    assert replace(again.context["plan"], checked_at=None) == replace(first.context["plan"], checked_at=None)
    assert reader_calls == ["csv", "csv"]  # the upload's, then the first view's; none after
    client.post(confirm_url(record))
    record.refresh_from_db()
    assert record.status == "applied" and record.rows_created == 6


def test_an_old_import_that_no_longer_reads_keeps_the_refusal(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    record = upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(2)))
    InventoryImport.objects.filter(pk=record.pk).update(preview=None, content=b"garbage")
    html = client.get(preview_url(record)).content.decode()
    assert 'role="alert">The workbook cannot be read' in html
    assert f'action="{confirm_url(record)}"' not in html
    record.refresh_from_db()
    assert record.preview["refusal"].startswith("The workbook cannot be read")


def test_others_get_404_and_nothing_is_computed_for_them(client, huu_lung, vsip_phase, reader_calls):
    client.force_login(huu_lung)
    record = upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(2)))
    InventoryImport.objects.filter(pk=record.pk).update(preview=None)
    before = counts()
    for other in (local_staff("caoloc", 183), local_staff("colleague", 186)):
        client.force_login(other)
        assert client.get(preview_url(record)).status_code == 404
        assert client.post(confirm_url(record)).status_code == 404
    record.refresh_from_db()
    assert record.preview is None and reader_calls == ["xlsx"]
    assert counts() == before


def test_an_administrator_first_view_checks_the_file_as_its_uploader_would(client, huu_lung, vsip_phase):
    client.force_login(huu_lung)
    record = upload(client, vsip_phase, "a.xlsx", xlsx_bytes([parcel(), parcel("HS-2", 2, **{"Mã xã": 6184})]))
    InventoryImport.objects.filter(pk=record.pk).update(preview=None)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    html = client.get(preview_url(record)).content.decode()
    assert 'data-code="out_of_scope"' in html  # Cao Lộc's commune is outside Hữu Lũng's area
    record.refresh_from_db()
    assert [error["code"] for error in record.preview["errors"]] == ["out_of_scope"]


def test_the_preview_page_makes_as_many_queries_for_1000_rows_as_for_10(client, huu_lung, vsip_phase):
    client.force_login(huu_lung)
    small = upload(client, vsip_phase, "small.csv", csv_bytes(many(10)))
    large = upload(client, vsip_phase, "large.csv", csv_bytes(many(1000)))
    queries = []
    for record in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(preview_url(record)).status_code == 200
        queries.append(len(captured))
    assert queries[0] == queries[1]
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"content"' not in sql  # the uploaded bytes are not even loaded


def test_the_sentences_kept_in_the_uploaders_language_are_marked_with_it(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    record = upload(client, vsip_phase, "a.csv", csv_bytes(many(2)))
    english = client.get(preview_url(record)).content.decode()
    assert 'class="import-reading">' in english and "Header found on row 1." in english
    client.cookies["django_language"] = "vi"
    vietnamese = client.get(preview_url(record)).content.decode()
    assert '<html lang="vi">' in vietnamese
    assert '<ul class="import-reading" lang="en">' in vietnamese and "Header found on row 1." in vietnamese
    assert '<ul lang="en">' in vietnamese  # how the numbers were read


# --- the forms that start long work ------------------------------------------------------------------


def _form(html, css_class):
    match = re.search(rf'<form class="{css_class}"[^>]*>.*?</form>', html, re.S)
    assert match, css_class
    return match.group(0)


def _assert_no_inline_code(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file
    assert not re.search(r"\son[a-z]+=", html)  # no onclick, onsubmit…
    assert not re.search(r"javascript:", html, re.I)


def test_the_upload_and_confirm_forms_say_they_are_working(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    start = client.get(START).content.decode()
    form = _form(start, "import-form")
    assert "data-working-form" in form
    assert re.search(
        r'<span class="import-working" role="status" data-working-status data-working-text="Reading and checking '
        r'the file… a list of 20,000 rows can take a minute."></span>',
        form,
    )
    record = upload(client, vsip_phase, "a.xlsx", xlsx_bytes(many(1200)))
    preview = client.get(preview_url(record)).content.decode()
    form = _form(preview, "import-confirm")
    assert "data-working-form" in form
    assert 'role="status" data-working-status data-working-text="Writing 1,200 rows… keep this page open;' in form
    for html in (start, preview):
        assert f'<script src="/static/{SCRIPT}" defer></script>' in html
        _assert_no_inline_code(html)


def test_the_working_script_is_a_static_file_that_marks_the_form_and_disables_its_buttons():
    path = finders.find(SCRIPT)
    assert path
    with open(path, encoding="utf-8") as script:
        source = script.read()
    for part in ("data-working-form", "[data-working-status]", "button.disabled = true", "workingText", "pageshow"):
        assert part in source
