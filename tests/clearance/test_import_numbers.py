"""Numbers in imported sheets never change size: "10,000" is never stored as 10 without the user saying so.

A column's separators are settled by its unambiguous cells; a cell that reads two ways in an
unsettled column is refused with both readings; cells typed as numbers need no guessing.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from clearance.inventory.cells import CellError, decimal, whole_number
from clearance.models import Asset, InventoryImport, LandParcel
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_imports import (
    CSV_HEADERS,
    FILES,
    asset,
    counts,
    csv_bytes,
    dry_run,
    local_staff,
    parcel,
    read_and_validate,
    xlsx_bytes,
)

# A commune's list written with English separators: every area is "10,000"-shaped, nothing settles them.
C07C = FILES / "c07c_us_thousands_silent.csv"
AREA, RECOVERED = "Diện tích (m²)", "Diện tích thu hồi (m²)"

pytestmark = pytest.mark.usefixtures("in_english")


def errors(plan):
    return [(e.row, e.column, e.value, e.code) for e in plan.errors]


def message(plan, row, column):
    return next(e.message for e in plan.errors if (e.row, e.column) == (row, column))


def areas(**rows):
    """Parcel rows HS-1, HS-2… with these (area, recovered area) cells."""
    return [
        parcel(f"HS-{number}", number, **{AREA: area, RECOVERED: recovered})
        for number, (area, recovered) in enumerate(rows.values(), start=1)
    ]


def stored_areas():
    return list(LandParcel.objects.order_by("parcel_no").values_list("area_m2", "recovered_area_m2"))


# --- cells -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["10,000", "2.500", "1,500", "1.000", "999,999", "-2.500"])
def test_one_separator_before_exactly_three_digits_reads_two_ways_and_is_refused(raw):
    with pytest.raises(CellError) as error:
        decimal(raw, places=1)
    assert error.value.code == "ambiguous_number"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234.567", Decimal("1234567")),  # several dot groups: Vietnamese thousands
        ("1,234,567", Decimal("1234567")),  # several comma groups: English thousands
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1234,5", Decimal("1234.5")),
        ("0,500", Decimal("0.5")),  # no thousands group starts with 0
        ("1234.567", Decimal("1234.567")),  # a thousands group follows one to three digits only
        ("12,3456", Decimal("12.3456")),  # four decimals are not a thousands group
        ("10000", Decimal("10000")),
        (" 12 345,5 ", Decimal("12345.5")),
    ],
)
def test_unambiguous_shapes_have_one_reading(raw, expected):
    assert decimal(raw, places=4) == expected


def test_a_number_typed_in_a_workbook_needs_no_guessing():
    assert decimal(10000, places=1) == Decimal("10000")
    assert decimal(1234.5, places=1) == Decimal("1234.5")
    assert decimal(Decimal("2.5"), places=1) == Decimal("2.5")
    assert whole_number(Decimal("1000")) == 1000


def test_a_whole_number_never_has_a_decimal_mark():
    for raw in ("12,0", "12.5", "1,5"):
        with pytest.raises(CellError) as error:
            whole_number(raw)
        assert error.value.code == "not_whole"
    with pytest.raises(CellError) as error:
        whole_number("1.000")
    assert error.value.code == "ambiguous_number"
    assert "1 000" in error.value.message and "write 1000" in error.value.message.lower()


# --- c07c: a commune's list with English separators --------------------------------------------------


def test_c07c_every_ten_thousand_is_refused_with_both_readings_and_nothing_is_written(huu_lung, vsip_phase):
    content = C07C.read_bytes()
    plan = read_and_validate(huu_lung, vsip_phase, content, "csv")
    assert errors(plan) == [
        (2, AREA, "10,000", "ambiguous_number"),
        (2, RECOVERED, "3,000", "ambiguous_number"),
        (3, AREA, "2,500", "ambiguous_number"),
        (3, RECOVERED, "2,500", "ambiguous_number"),
        (4, AREA, "12,000", "ambiguous_number"),
        (4, RECOVERED, "8,000", "ambiguous_number"),
    ]
    assert message(plan, 2, AREA) == (
        "“10,000” reads 10 (Vietnamese: comma before the decimals) or 10 000 (English: comma between thousands), "
        "and no other cell of this column says which. Write 10000 if you mean 10 000, or 10 if you mean 10."
    )
    assert "2,5 (Vietnamese" in message(plan, 3, AREA) and "2 500 (English" in message(plan, 3, AREA)
    assert dict(plan.number_conventions)[AREA] == ("not settled: values such as “10,000” read two ways and are refused")
    before = counts()
    with pytest.raises(ImportRejected):
        import_file(user=huu_lung, phase=vsip_phase, file_name=C07C.name, content=content)
    assert counts() == before


def test_c07c_with_one_unambiguous_area_per_column_imports_ten_thousand(huu_lung, vsip_phase):
    """The officer adds ".0" to one area of each column: English is settled and every "10,000" is 10 000 m²."""
    content = C07C.read_bytes().decode("utf-8-sig").replace('"12,000","8,000"', '"12,000.0","8,000.0"')
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name=C07C.name, content=content.encode())
    assert plan.errors == []
    assert dict(plan.number_conventions)[AREA] == "English separators (1,234.5), as on row 4: “12,000.0”"
    assert stored_areas() == [
        (Decimal("10000"), Decimal("3000")),
        (Decimal("2500"), Decimal("2500")),
        (Decimal("12000"), Decimal("8000")),
    ]


# --- conventions settled by a column ----------------------------------------------------------------


def test_a_vietnamese_list_reads_its_thousands_by_its_decimals(huu_lung, vsip_phase):
    rows = areas(a=("1.234,5", "1.000,5"), b=("10.000", "10.000"), c=("2.500", "1.500 m²"))
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="vi.xlsx", content=xlsx_bytes(rows))
    assert plan.errors == []
    assert stored_areas() == [
        (Decimal("1234.5"), Decimal("1000.5")),
        (Decimal("10000"), Decimal("10000")),
        (Decimal("2500"), Decimal("1500")),
    ]
    conventions = dict(plan.number_conventions)
    assert conventions[AREA] == "Vietnamese separators (1.234,5), as on row 2: “1.234,5”"
    assert conventions["Số thửa"] == "typed as numbers"
    assert conventions["Mã xã"] == "typed as numbers"


def test_a_column_of_only_ten_thousands_is_refused_with_both_readings(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(a=("10,000", "800"), b=("10,000", "800")))
    assert errors(plan) == [(2, AREA, "10,000", "ambiguous_number"), (3, AREA, "10,000", "ambiguous_number")]
    assert "10 (Vietnamese" in plan.errors[0].message and "10 000 (English" in plan.errors[0].message
    assert dict(plan.number_conventions)[RECOVERED] == "no decimal or thousands mark seen"


def test_another_column_does_not_settle_this_one(huu_lung, vsip_phase):
    """The area column says Vietnamese; the recovered area is its own column, still unsettled."""
    plan = dry_run(huu_lung, vsip_phase, areas(a=("12.345,5", "2.500")))
    assert errors(plan) == [(2, RECOVERED, "2.500", "ambiguous_number")]


def test_mixed_conventions_in_one_column_refuse_the_odd_cells_and_the_ambiguous_ones(huu_lung, vsip_phase):
    rows = areas(a=("1.234,5", "800"), b=("2.345,5", "800"), c=("1,234.5", "800"), d=("2.500", "800"))
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(4, AREA, "1,234.5", "mixed_separators"), (5, AREA, "2.500", "ambiguous_number")]
    assert message(plan, 4, AREA) == (
        "“1,234.5” is written with English separators (1,234.5), but other cells of this column use Vietnamese "
        "ones (row 2: “1.234,5”). Write every number of a column the same way, here 1234,5."
    )
    assert "this column mixes Vietnamese and English separators" in message(plan, 5, AREA)
    assert dict(plan.number_conventions)[AREA].startswith("Vietnamese and English separators mixed")


def test_as_many_cells_each_way_refuse_both_ways(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(a=("1.234,5", "800"), b=("1,234.5", "800")))
    assert errors(plan) == [(2, AREA, "1.234,5", "mixed_separators"), (3, AREA, "1,234.5", "mixed_separators")]


def test_numbers_typed_as_numbers_do_not_vote(huu_lung, vsip_phase):
    rows = areas(a=(10000, 800), b=(1234.5, Decimal("800")), c=("2.500", 800))
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(4, AREA, "2.500", "ambiguous_number")]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="typed.xlsx", content=xlsx_bytes(rows[:2]))
    assert stored_areas() == [(Decimal("10000"), Decimal("800")), (Decimal("1234.5"), Decimal("800"))]
    assert dict(plan.number_conventions)[AREA] == "typed as numbers"


# --- units --------------------------------------------------------------------------------------------


def test_m2_written_in_an_area_cell_is_accepted(huu_lung, vsip_phase):
    rows = areas(a=("1.234,5", "1000m²"), b=("1.500 m2", "1500 M2"))
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="m2.xlsx", content=xlsx_bytes(rows))
    assert plan.errors == []
    assert stored_areas() == [(Decimal("1234.5"), Decimal("1000")), (Decimal("1500"), Decimal("1500"))]


def test_hectares_in_an_m2_column_are_refused_with_the_figure_in_m2(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(a=("0,15 ha", "800"), b=("1.234,5", "0,12345 ha")))
    assert errors(plan) == [(2, AREA, "0,15 ha", "hectares"), (3, RECOVERED, "0,12345 ha", "hectares")]
    assert plan.errors[0].message == "“0,15 ha”: this column is in m²; 0,15 ha is 1500 m², so write 1500."
    assert "1234,5 m², so write 1234,5" in plan.errors[1].message


def test_other_units_are_refused(huu_lung, vsip_phase):
    rows = [
        parcel("HS-1", 1, **{AREA: "3 sào"}),
        parcel("HS-2", 2, **{"Số tờ": "12 tờ"}),
    ]
    plan = dry_run(huu_lung, vsip_phase, rows, [asset("HS-1", **{"Số lượng": "10 cây"})])
    assert errors(plan) == [
        (2, AREA, "3 sào", "wrong_unit"),
        (3, "Số tờ", "12 tờ", "wrong_unit"),
        (2, "Số lượng", "10 cây", "wrong_unit"),
    ]
    assert "this column is in m²" in plan.errors[0].message
    assert plan.errors[1].message == "“12 tờ”: write the number alone, without “tờ”."


# --- whole numbers and quantities ---------------------------------------------------------------------


def test_a_parcel_number_of_one_thousand_is_ambiguous_unless_its_column_settles_it(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", "1.000"), parcel("HS-2", 7)])
    assert errors(plan) == [(2, "Số thửa", "1.000", "ambiguous_number")]
    assert "1 000 (Vietnamese" in plan.errors[0].message and "1 (English" in plan.errors[0].message
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", "1.000"), parcel("HS-2", "1.234.567")])
    assert plan.errors == []
    assert [row.parcel_no for row in plan.sample] == [1000, 1234567]


def test_asset_quantities_follow_the_same_rules(huu_lung, vsip_phase):
    assets = [asset("HS-1", **{"Số lượng": "1.500"})]
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", 1)], assets)
    assert errors(plan) == [(2, "Số lượng", "1.500", "ambiguous_number")]
    assets.append(asset("HS-1", **{"Mô tả": "Cây nhãn", "Số lượng": "2,5"}))
    import_file(
        user=huu_lung, phase=vsip_phase, file_name="assets.xlsx", content=xlsx_bytes([parcel("HS-1", 1)], assets)
    )
    assert sorted(Asset.objects.values_list("quantity", flat=True)) == [Decimal("2.5"), Decimal("1500")]


def test_csv_asset_quantities_are_one_column(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1, **{"Tài sản": "cây | Cây vải | 1.500 | cây"})]
    plan = read_and_validate(huu_lung, vsip_phase, csv_bytes(rows, headers=CSV_HEADERS, delimiter=";"), "csv")
    assert errors(plan) == [(2, "Tài sản", "cây | Cây vải | 1.500 | cây", "ambiguous_number")]
    assert plan.errors[0].message.startswith("Asset 1: “1.500” reads 1 500")
    rows = [parcel("HS-1", 1, **{"Tài sản": "cây | Cây vải | 1.500 | cây; hoa màu | Lúa | 2,5 | sào"})]
    plan = read_and_validate(huu_lung, vsip_phase, csv_bytes(rows, headers=CSV_HEADERS, delimiter=";"), "csv")
    assert plan.errors == []
    assert dict(plan.number_conventions)["Tài sản: Số lượng"].startswith("Vietnamese separators")
    assert sorted(asset.quantity for asset, _code in plan.new_assets) == [Decimal("2.5"), Decimal("1500")]


# --- the preview --------------------------------------------------------------------------------------


def upload_and_preview(client, phase, name, content):
    client.post(reverse("clearance:import_start"), {"phase": phase.pk, "file": SimpleUploadedFile(name, content)})
    record = InventoryImport.objects.get()
    return record, client.get(reverse("clearance:import_preview", args=[record.pk]))


def test_the_preview_says_how_each_numeric_column_was_read(as_user, huu_lung, vsip_phase, lang_son):
    client = as_user(huu_lung, "en")
    record, response = upload_and_preview(client, vsip_phase, C07C.name, C07C.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    assert "10 000 (English: comma between thousands)" in html  # the errors give both readings
    plan = response.context["plan"]
    assert plan.number_conventions == [
        ("Mã xã", "no decimal or thousands mark seen"),
        ("Số tờ", "no decimal or thousands mark seen"),
        ("Số thửa", "no decimal or thousands mark seen"),
        (AREA, "not settled: values such as “10,000” read two ways and are refused"),
        (RECOVERED, "not settled: values such as “3,000” read two ways and are refused"),
    ]
    partial = render_to_string("clearance/imports/_number_conventions.html", {"plan": plan})
    assert "<strong>Diện tích (m²)</strong>: not settled: values such as “10,000” read two ways" in partial
    assert counts()[:3] == (0, 0, 0)

    # Staff of another district do not see the import.
    other = as_user(local_staff("caoloc", 183), "en")
    assert other.get(reverse("clearance:import_preview", args=[record.pk])).status_code == 404


def test_the_preview_of_a_vietnamese_list_names_its_separators(as_user, huu_lung, vsip_phase):
    client = as_user(huu_lung, "en")
    rows = areas(a=("1.234,5", "1.000"), b=("10.000", "800,0"))
    _record, response = upload_and_preview(client, vsip_phase, "vi.csv", csv_bytes(rows))
    plan = response.context["plan"]
    assert plan.errors == []
    conventions = dict(plan.number_conventions)
    assert conventions[AREA] == "Vietnamese separators (1.234,5), as on row 2: “1.234,5”"
    assert conventions[RECOVERED] == "Vietnamese separators (1.234,5), as on row 3: “800,0”"
    assert f'action="{reverse("clearance:import_confirm", args=[_record.pk])}"' in response.content.decode()
    partial = render_to_string("clearance/imports/_number_conventions.html", {"plan": plan})
    assert "Vietnamese separators (1.234,5)" in partial
