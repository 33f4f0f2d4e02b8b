"""Other files of the kinds c07c (thousands separators), c12 (ID numbers typed as numbers) and c15 (land-use codes).

Each test is a way a land-fund centre or a commune office writes its list; none may change a
number's size, and what is refused says why and how to write it.
"""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from clearance.identity import normalize_id_number
from clearance.inventory.cells import CellError, decimal
from clearance.land_use import closest_codes, parse_land_uses
from clearance.models import Case, LandParcel, LandParcelUse
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_imports import (
    FILES,
    PARCEL_HEADERS,
    counts,
    csv_bytes,
    dry_run,
    parcel,
    read_and_validate,
    xlsx_bytes,
)

AREA, RECOVERED, LAND_USE, ID = "Diện tích (m²)", "Diện tích thu hồi (m²)", "Loại đất", "Số CCCD"
# A land-fund centre's list typed in English-locale Excel: thousands with commas, one area with decimals.
ENGLISH_SETTLED = FILES / "v_num_english_settled_by_one.csv"

pytestmark = pytest.mark.usefixtures("in_english")


def errors(plan):
    return [(e.row, e.column, e.value, e.code) for e in plan.errors]


def message(plan, row, column):
    return next(e.message for e in plan.errors if (e.row, e.column) == (row, column))


def areas(*pairs):
    """Parcel rows HS-1, HS-2… with these (area, recovered area) cells."""
    return [
        parcel(f"HS-{number}", number, **{AREA: area, RECOVERED: recovered})
        for number, (area, recovered) in enumerate(pairs, start=1)
    ]


def stored_areas():
    return list(LandParcel.objects.order_by("parcel_no").values_list("area_m2", "recovered_area_m2"))


# --- c07c: thousands separators ----------------------------------------------------------------------


def test_a_column_of_english_thousands_is_settled_by_one_area_with_decimals(huu_lung, vsip_phase):
    content = ENGLISH_SETTLED.read_bytes()
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name=ENGLISH_SETTLED.name, content=content)
    assert plan.errors == []
    assert stored_areas() == [
        (Decimal("1500"), Decimal("1500")),
        (Decimal("2750"), Decimal("2000")),
        (Decimal("1234.5"), Decimal("1234.5")),
    ]


def test_without_that_area_every_thousand_is_refused_with_both_readings(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(("1,500", "800"), ("2,750", "800")), fmt="csv")
    assert errors(plan) == [(2, AREA, "1,500", "ambiguous_number"), (3, AREA, "2,750", "ambiguous_number")]
    assert message(plan, 3, AREA) == (
        "“2,750” reads 2,75 (Vietnamese: comma before the decimals) or 2 750 (English: comma between thousands), "
        "and no other cell of this column says which. Write 2750 if you mean 2 750, or 2,75 if you mean 2,75."
    )


def test_an_english_thousand_among_vietnamese_areas_is_refused_not_read_as_one_and_a_half(huu_lung, vsip_phase):
    """Before: "1,500" in a column of "1.234,5" was stored as 1,5 m², a thousandth of the parcel."""
    rows = areas(("1.234,5", "800"), ("1,500", "800"), ("2.500", "800"))
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(3, AREA, "1,500", "ambiguous_number")]
    assert "reads 1,5 (Vietnamese" in message(plan, 3, AREA) and "1 500 (English" in message(plan, 3, AREA)
    assert "use Vietnamese separators, its numbers have at most 1 decimal(s), not three" in message(plan, 3, AREA)
    assert "Write 1500 if you mean 1 500" in message(plan, 3, AREA)


def test_a_vietnamese_thousand_among_english_areas_is_refused_too(huu_lung, vsip_phase):
    rows = areas(("1,234.5", "800"), ("1.500", "800"), ("2,500", "800"))
    plan = dry_run(huu_lung, vsip_phase, rows, fmt="csv")
    assert errors(plan) == [(3, AREA, "1.500", "ambiguous_number")]
    assert "use English separators" in message(plan, 3, AREA)


def test_mixed_conventions_in_one_column_are_refused_not_guessed(huu_lung, vsip_phase):
    rows = areas(("1.234,5", "800"), ("2.345,5", "800"), ("1,234.5", "800"), ("1,500", "800"))
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(4, AREA, "1,234.5", "mixed_separators"), (5, AREA, "1,500", "ambiguous_number")]
    assert "here 1234,5" in message(plan, 4, AREA)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.000,5", Decimal("10000.5")),
        ("1 500", Decimal("1500")),
        ("1\u00a0500", Decimal("1500")),  # non-breaking space, as Vietnamese Excel groups thousands
        ("1\u202f500", Decimal("1500")),  # narrow non-breaking space, as LibreOffice and Word do
        ("12 345 678,5", Decimal("12345678.5")),
        ("１５００", Decimal("1500")),  # full-width digits from a Vietnamese input method
        ("\u22121500", Decimal("-1500")),  # a minus sign: read, for the area check to refuse
    ],
)
def test_unambiguous_spellings(raw, expected):
    assert decimal(raw, places=1) == expected


@pytest.mark.parametrize("raw", ["120 80", "1 5", "12 3456", "1 234.567,5"])
def test_a_space_that_does_not_group_thousands_is_refused_not_joined(raw):
    """Before: "120 80" (two numbers typed in one cell) was stored as 12080."""
    with pytest.raises(CellError) as error:
        decimal(raw, places=1)
    assert error.value.code == "not_number"
    assert "may only separate thousands" in error.value.message and "its own cell" in error.value.message


def test_units_in_area_cells(huu_lung, vsip_phase):
    rows = areas(
        ("1.500m²", "1500 m2"), ("1.500 M2", "1 500 ㎡"), ("2.500 mét vuông", "1,5ha"), ("0,15 ha", "1.234,5 m^2")
    )
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(4, RECOVERED, "1,5ha", "hectares"), (5, AREA, "0,15 ha", "hectares")]
    assert message(plan, 4, RECOVERED) == "“1,5ha”: this column is in m²; 1,5ha is 15000 m², so write 15000."
    assert message(plan, 5, AREA) == "“0,15 ha”: this column is in m²; 0,15 ha is 1500 m², so write 1500."
    # Without "0,15 ha" nothing says the area column is Vietnamese: its "1.500 m2" read two ways.
    unsettled = areas(("1.500m²", "1500 m2"), ("2.500 mét vuông", "1.234,5 m^2"))
    assert errors(dry_run(huu_lung, vsip_phase, unsettled))[0] == (2, AREA, "1.500m²", "ambiguous_number")
    good = areas(
        ("1.500m²", "1500 m2"), ("1.500 M2", "1 500 ㎡"), ("2.500 mét vuông", "1.234,5 m^2"), ("150,5 m2", "150")
    )
    import_file(user=huu_lung, phase=vsip_phase, file_name="m2.xlsx", content=xlsx_bytes(good))
    assert stored_areas() == [
        (Decimal("1500"), Decimal("1500")),
        (Decimal("1500"), Decimal("1500")),
        (Decimal("2500"), Decimal("1234.5")),
        (Decimal("150.5"), Decimal("150")),
    ]


def test_negative_and_zero_areas_are_refused(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(("-1.234,5", "800"), ("0", "0"), ("1.234,5", "−800")))
    assert [(row, column, code) for row, column, _value, code in errors(plan)] == [
        (2, AREA, "not_positive"),
        (3, AREA, "not_positive"),
        (3, RECOVERED, "not_positive"),
        (4, RECOVERED, "not_positive"),
    ]


def test_percentages_and_money_are_not_areas(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, areas(("15%", "800"), ("1.500.000 đồng", "800")))
    assert errors(plan) == [(2, AREA, "15%", "not_number"), (3, AREA, "1.500.000 đồng", "wrong_unit")]


def test_numbers_typed_as_numbers_with_a_thousands_format_need_no_guessing(huu_lung, vsip_phase):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(areas((1500, 1500), (2750.5, 2000)))))
    for row in workbook["Thửa đất"].iter_rows(min_row=2):
        for cell in row[12:14]:
            cell.number_format = "#,##0.0"  # shown "1,500.0" or "1.500,0" by the locale; stored 1500
    content = io.BytesIO()
    workbook.save(content)
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="typed.xlsx", content=content.getvalue())
    assert dict(plan.number_conventions)[AREA] == "typed as numbers"
    assert stored_areas() == [(Decimal("1500"), Decimal("1500")), (Decimal("2750.5"), Decimal("2000"))]


def test_a_parcel_number_of_one_thousand_five_hundred_is_never_one_and_a_half(huu_lung, vsip_phase):
    plan = dry_run(huu_lung, vsip_phase, [parcel("HS-1", "1.234.567"), parcel("HS-2", "1,500")])
    assert errors(plan) == [(3, "Số thửa", "1,500", "ambiguous_number")]
    assert "this column holds whole numbers" in plan.errors[0].message


# --- c12: ID numbers typed as numbers -------------------------------------------------------------------


def test_a_cccd_typed_as_a_number_names_the_probable_number():
    with pytest.raises(ValidationError) as error:
        normalize_id_number(1234567890, kind="household")
    assert error.value.code == "lost_leading_zero"
    assert "probably 001234567890" in error.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "probable"),
    [("20185009901.0", "020185009901"), ("12345678.0", "012345678"), ("101234567,00", None)],
)
def test_a_number_written_with_a_decimal_point_is_not_given_an_extra_digit(raw, probable):
    """Before: "20185009901.0" was read as 201850099010 and "12345678.0" stored as the CMND 123456780."""
    kind = "organization" if probable is None else "household"
    with pytest.raises(ValidationError) as error:
        normalize_id_number(raw, kind=kind)
    assert error.value.code == "lost_leading_zero"
    assert f"probably {probable or '0101234567'}" in error.value.messages[0]


@pytest.mark.parametrize("raw", ["'001234567890", "\u2019001234567890", "001 234 567 890", "001.234.567.890"])
def test_a_cccd_kept_as_text_in_the_usual_ways_is_read(raw):
    assert normalize_id_number(raw, kind="household") == "001234567890"


def test_scientific_notation_text_is_refused():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("1.23457E+11", kind="household")
    assert error.value.code == "scientific_notation" and "Format the column as Text" in error.value.messages[0]


def test_a_tax_code_and_a_cccd_in_the_wrong_kind_of_case_say_which_column_to_correct():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("020185009901", kind="organization")
    assert error.value.code == "wrong_length"
    assert (
        "length of a person's CCCD or CMND" in error.value.messages[0] and "Loại đối tượng" in error.value.messages[0]
    )
    with pytest.raises(ValidationError) as error:
        normalize_id_number("0101234567-001", kind="household")
    assert "length of an organisation's tax code" in error.value.messages[0] and "tổ chức" in error.value.messages[0]


def test_a_commune_list_of_id_numbers_in_every_shape(huu_lung, vsip_phase):
    rows = [
        parcel("HS-1", 1, **{ID: "'020185009901"}),
        parcel("HS-2", 2, **{ID: "123456789"}),
        parcel("HS-3", 3, **{"Loại đối tượng": "tổ chức", ID: "0101234567-001"}),
        parcel("HS-4", 4, **{ID: 20185009901}),
        parcel("HS-5", 5, **{ID: "20185009901.0"}),
        parcel("HS-6", 6, **{ID: "2.01851E+10"}),
    ]
    before = counts()
    with pytest.raises(ImportRejected) as rejected:
        import_file(user=huu_lung, phase=vsip_phase, file_name="cccd.xlsx", content=xlsx_bytes(rows))
    plan = rejected.value.plan
    assert [(e.row, e.column, e.code) for e in plan.errors] == [
        (5, ID, "lost_leading_zero"),
        (6, ID, "lost_leading_zero"),
        (7, ID, "scientific_notation"),
    ]
    assert "probably 020185009901" in message(plan, 6, ID)
    assert counts() == before
    import_file(user=huu_lung, phase=vsip_phase, file_name="cccd.xlsx", content=xlsx_bytes(rows[:3]))
    assert dict(Case.objects.values_list("code", "id_number")) == {
        "HS-1": "020185009901",
        "HS-2": "123456789",
        "HS-3": "0101234567-001",
    }


# --- c15: land-use codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "uses"),
    [
        ("ont", [("ONT", None)]),
        ("ONT – CLN", [("ONT", None), ("CLN", None)]),
        ("ONT - CLN", [("ONT", None), ("CLN", None)]),
        ("ONT và CLN", [("ONT", None), ("CLN", None)]),
        ("ĐTL", [("DTL", None)]),
        ("ONT 200m2; CLN 250 m²", [("ONT", Decimal("200")), ("CLN", Decimal("250"))]),
        ("ONT (200); CLN (250,5)", [("ONT", Decimal("200")), ("CLN", Decimal("250.5"))]),
        ("ONT 200 - CLN 250", [("ONT", Decimal("200")), ("CLN", Decimal("250"))]),
    ],
)
def test_uses_as_commune_offices_write_them(text, uses):
    assert parse_land_uses(text) == uses


def test_an_unknown_code_names_the_closest_known_codes():
    assert closest_codes("OTN")[0] == "ONT"  # two letters swapped
    assert closest_codes("ONX")[0] == "ONT"
    with pytest.raises(ValidationError) as error:
        parse_land_uses("ONX + CLN")
    assert error.value.code == "unknown_code"
    assert "Closest to ONX: ONT – Rural residential land" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        parse_land_uses("XYZ")
    assert "No known code is close to XYZ" in error.value.messages[0] and "Hướng dẫn" in error.value.messages[0]


def test_a_name_written_where_the_code_goes_names_the_code():
    with pytest.raises(ValidationError) as error:
        parse_land_uses("Đất ở nông thôn")
    assert error.value.code == "unreadable"
    assert "write the code: ONT – Rural residential land" in error.value.messages[0]


def test_areas_in_the_uses_column_are_read_by_that_column(huu_lung, vsip_phase):
    """Before: "ONT 1.234,5; CLN 2.500" was refused although its own cell says the areas are Vietnamese."""
    rows = [
        parcel("HS-1", 1, **{AREA: "3.734,5", RECOVERED: "3.734,5", LAND_USE: "ONT 1.234,5; CLN 2.500"}),
        parcel("HS-2", 2, **{AREA: "2.000", RECOVERED: "2.000", LAND_USE: "ont 1.500 + bhk 500"}),
    ]
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="uses.xlsx", content=xlsx_bytes(rows))
    assert dict(plan.number_conventions)["Loại đất: Diện tích"].startswith("Vietnamese separators")
    assert sorted(LandParcelUse.objects.values_list("land_use_code", "area_m2")) == [
        ("BHK", Decimal("500")),
        ("CLN", Decimal("2500")),
        ("ONT", Decimal("1234.5")),
        ("ONT", Decimal("1500")),
    ]


def test_areas_in_the_uses_column_that_nothing_settles_are_refused(huu_lung, vsip_phase):
    rows = [parcel("HS-1", 1, **{AREA: "3000", RECOVERED: "3000", LAND_USE: "ONT 1.500; CLN 1.500"})]
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert errors(plan) == [(2, LAND_USE, "ONT 1.500; CLN 1.500", "ambiguous_number")]
    assert "“1.500” reads 1 500" in plan.errors[0].message


def test_a_commune_sheet_of_codes_written_every_way(huu_lung, vsip_phase):
    rows = [
        parcel("HS-1", 1, **{AREA: "450", RECOVERED: "450", LAND_USE: "ONT 200 – CLN 250"}),
        parcel("HS-2", 2, **{LAND_USE: "luc"}),
        parcel("HS-3", 3, **{LAND_USE: "ONT/CLN"}),
        parcel("HS-4", 4, **{LAND_USE: "LUK"}),
        parcel("HS-5", 5, **{LAND_USE: "OTN"}),
    ]
    content = csv_bytes(rows, headers=PARCEL_HEADERS, delimiter=";")
    plan = read_and_validate(huu_lung, vsip_phase, content, "csv")
    assert [(e.row, e.column, e.code) for e in plan.errors] == [
        (4, LAND_USE, "areas_missing"),
        (6, LAND_USE, "unknown_code"),
    ]
    assert "Closest to OTN: ONT" in message(plan, 6, LAND_USE)
    assert [row.land_use_code for row in plan.sample] == ["ONT 200; CLN 250", "LUC", "LUK"]
