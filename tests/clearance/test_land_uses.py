"""Land-use codes as the records carry them, and parcels of several uses: reading, import, admin, rules, filters."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clearance.inventory.template import build_xlsx, export_rows
from clearance.land_use import (
    DATA_FILE,
    Group,
    format_uses,
    is_non_agricultural,
    nomenclature,
    parse_land_uses,
    uses_with_areas,
)
from clearance.models import Case, LandParcel, LandParcelUse
from clearance.services.cases import has_non_agricultural_land
from clearance.services.imports import ImportRejected, import_file
from tests.clearance.test_imports import FILES, dry_run, error_codes, parcel, read_and_validate, xlsx_bytes
from tests.factories import CaseFactory, LandParcelFactory
from tests.test_admin import _form_data, _url

D = Decimal
# Codes from real certificates, one row each; T15-01 "ONT+CLN" and T15-02 "ONT, CLN" have two uses.
C15 = FILES / "c15_land_use_codes.xlsx"
LAND_USE = "Loại đất"


pytestmark = pytest.mark.usefixtures("in_english")


# --- the nomenclature --------------------------------------------------------------------------


def test_the_nomenclature_is_data_with_its_sources():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    keys = {source["key"] for source in data["sources"]}
    assert {"TT08-2024", "TT25-2014", "TT28-2014"} <= keys
    codes = [row["code"] for row in data["codes"]]
    assert len(codes) == len(set(codes))
    table = nomenclature()
    for row in data["codes"]:
        assert len(row["code"]) == 3 and row["code"].isascii() and row["code"].isupper()
        assert row["group"] in Group.values
        assert set(row["sources"]) <= keys, row["code"]
        if row["current"]:
            assert row["maps_to"] is None
        else:
            # An old code names the current code of the same group.
            assert table[row["maps_to"]].current and table[row["maps_to"]].group == row["group"], row["code"]


@pytest.mark.parametrize(
    "code",
    # The codes that real certificates showed and the first list refused.
    ["RDD", "TIN", "TON", "NKH", "LUA", "CNT", "BHK", "LUN", "LNQ", "ONT", "SKK", "SKN", "BCS"],
)
def test_codes_seen_on_certificates_are_listed(code):
    assert code in nomenclature()


def test_old_codes_name_the_current_one():
    assert nomenclature()["BHK"].maps_to == "HNK"
    assert nomenclature()["LUN"].maps_to == "LUK"
    assert nomenclature()["BHK"].label == "BHK – Flat land for other annual crops (now HNK)"


@pytest.mark.parametrize(
    ("text", "uses"),
    [
        ("LUC", [("LUC", None)]),
        (" luc ", [("LUC", None)]),
        ("ONT+CLN", [("ONT", None), ("CLN", None)]),
        ("ONT, CLN", [("ONT", None), ("CLN", None)]),
        ("ONT 200; CLN 250", [("ONT", D("200")), ("CLN", D("250"))]),
        ("ONT: 1.234,5 + CLN: 250", [("ONT", D("1234.5")), ("CLN", D("250"))]),
        ("ONT 200,5, CLN 250", [("ONT", D("200.5")), ("CLN", D("250"))]),
        ("ONT=150/CLN=230.5", [("ONT", D("150")), ("CLN", D("230.5"))]),
    ],
)
def test_uses_are_read_as_certificates_and_sheets_write_them(text, uses):
    assert parse_land_uses(text) == uses


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("XYZ", "unknown_code"),
        ("ONT+ABC", "unknown_code"),
        ("ONT 200; ONT 100", "repeated_code"),
        ("ONT 0; CLN 100", "unreadable"),
        ("ONT 20,55", "unreadable"),
        ("đất ở", "unreadable"),
        ("ONT ???", "unreadable"),
    ],
)
def test_what_is_not_a_use_is_refused_with_a_reason(text, code):
    with pytest.raises(ValidationError) as error:
        parse_land_uses(text)
    assert error.value.code == code


def test_an_area_that_reads_two_ways_is_refused_with_both():
    with pytest.raises(ValidationError) as error:
        parse_land_uses("ONT 1.500; CLN 200")
    assert error.value.code == "ambiguous_number"
    assert "“1.500” reads 1 500" in error.value.messages[0] and "or 1.5" in error.value.messages[0]
    assert parse_land_uses("ONT 1.500,5; CLN 200") == [("ONT", Decimal("1500.5")), ("CLN", Decimal("200"))]


def test_a_made_up_code_is_named_in_the_message():
    with pytest.raises(ValidationError) as error:
        parse_land_uses("ONT+QQQ")
    assert "QQQ: not a land-use code" in error.value.messages[0]


def test_a_single_use_takes_the_whole_parcel():
    assert uses_with_areas([("LUC", None)], parcel_area_m2=D("812.5")) == [("LUC", D("812.5"))]


def test_several_uses_need_their_areas_and_must_add_up():
    assert uses_with_areas([("ONT", D("200")), ("CLN", D("250"))], parcel_area_m2=D("450")) == [
        ("ONT", D("200")),
        ("CLN", D("250")),
    ]
    with pytest.raises(ValidationError) as missing:
        uses_with_areas([("ONT", None), ("CLN", None)], parcel_area_m2=D("450"))
    assert missing.value.code == "areas_missing"
    assert "ONT …; CLN …" in missing.value.messages[0]
    with pytest.raises(ValidationError) as wrong_sum:
        uses_with_areas([("ONT", D("200")), ("CLN", D("200"))], parcel_area_m2=D("450"))
    assert wrong_sum.value.code == "areas_sum"
    assert "400" in wrong_sum.value.messages[0] and "450" in wrong_sum.value.messages[0]


def test_uses_are_written_back_as_they_are_read():
    assert format_uses([("LUC", D("812.5"))]) == "LUC"
    written = format_uses([("ONT", D("200.0")), ("CLN", D("250.5"))])
    assert written == "ONT 200; CLN 250.5"
    assert parse_land_uses(written) == [("ONT", D("200")), ("CLN", D("250.5"))]


def test_one_non_agricultural_use_makes_the_longer_notice_apply():
    assert is_non_agricultural(["CLN", "ONT"])
    assert is_non_agricultural(["SKN"])
    assert not is_non_agricultural(["LUA", "CLN", "RDD"])
    # Unused land counts with agricultural land (docs/decisions/0006).
    assert not is_non_agricultural(["LUC", "RSX", "CLN", "BCS", "DCS"])
    assert not is_non_agricultural([])


# --- import ------------------------------------------------------------------------------------


def test_every_code_of_the_list_imports(huu_lung, vsip_phase):
    rows = [
        parcel(f"HS-{i:03d}", i + 1, **{LAND_USE: code, "Loại đối tượng": "hộ gia đình"})
        for i, code in enumerate(nomenclature())
    ]
    plan = dry_run(huu_lung, vsip_phase, rows)
    assert plan.errors == []
    assert plan.parcels.create == len(nomenclature())


def test_a_two_use_parcel_is_recorded_with_each_area(huu_lung, vsip_phase):
    content = xlsx_bytes([parcel("HS-1", 7, **{"Diện tích (m²)": "450", "Diện tích thu hồi (m²)": "450",
                                                LAND_USE: "ONT 200; CLN 250"})])  # fmt: skip
    import_file(user=huu_lung, phase=vsip_phase, file_name="hai_loai.xlsx", content=content)

    stored = LandParcel.objects.get(parcel_no=7)
    assert sorted(stored.uses.values_list("land_use_code", "area_m2")) == [("CLN", D("250")), ("ONT", D("200"))]
    assert LandParcelUse.history.filter(history_user=huu_lung).count() == 2
    assert has_non_agricultural_land(stored.case)

    # The same parcel again with another split: the uses follow the file, nothing is duplicated.
    content = xlsx_bytes([parcel("HS-1", 7, **{"Diện tích (m²)": "450", "Diện tích thu hồi (m²)": "450",
                                                LAND_USE: "ONT 150; CLN 300"})])  # fmt: skip
    plan, _record = import_file(user=huu_lung, phase=vsip_phase, file_name="hai_loai_sua.xlsx", content=content)
    assert plan.parcels.update == 1
    assert sorted(stored.uses.values_list("land_use_code", "area_m2")) == [("CLN", D("300")), ("ONT", D("150"))]

    # And back to one use: the other one is removed, with history.
    content = xlsx_bytes([parcel("HS-1", 7, **{"Diện tích (m²)": "450", "Diện tích thu hồi (m²)": "450",
                                                LAND_USE: "LUC"})])  # fmt: skip
    import_file(user=huu_lung, phase=vsip_phase, file_name="mot_loai.xlsx", content=content)
    assert list(stored.uses.values_list("land_use_code", "area_m2")) == [("LUC", D("450"))]
    assert not has_non_agricultural_land(stored.case)
    assert LandParcelUse.history.filter(history_type="-").count() == 2


def test_uses_that_do_not_add_up_write_nothing(huu_lung, vsip_phase):
    content = xlsx_bytes(
        [
            parcel("HS-1", 1),
            parcel(
                "HS-2", 2, **{"Diện tích (m²)": "450", "Diện tích thu hồi (m²)": "450", LAND_USE: "ONT 200; CLN 200"}
            ),
        ]
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file(user=huu_lung, phase=vsip_phase, file_name="sai.xlsx", content=content)
    assert error_codes(rejected.value.plan) == [(3, LAND_USE, "areas_sum")]
    assert not LandParcel.objects.exists() and not LandParcelUse.objects.exists()


def test_the_commune_sheet_of_certificate_codes(huu_lung, vsip_phase):
    """c15: every code reads; the two-use rows need each use's area; the organisation carries a person's ID."""
    content = C15.read_bytes()
    plan = read_and_validate(huu_lung, vsip_phase, content, "xlsx")

    assert [(e.row, e.column, e.code) for e in plan.errors if e.column == LAND_USE] == [
        (2, LAND_USE, "areas_missing"),
        (3, LAND_USE, "areas_missing"),
    ]
    assert "ONT …; CLN …" in plan.errors[0].message
    # T15-08 is a commune People's Committee: an organisation is identified by its tax code.
    assert [(e.row, e.column) for e in plan.errors if e.column != LAND_USE] == [(9, "Số CCCD")]

    # The commune corrects the sheet as the messages say; then every row imports.
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Thửa đất"]
    sheet["M2"] = "ONT 200; CLN 250"
    sheet["M3"] = "ONT 150, CLN 150"
    sheet["D9"] = None
    fixed = io.BytesIO()
    workbook.save(fixed)
    import_file(user=huu_lung, phase=vsip_phase, file_name="c15_sua.xlsx", content=fixed.getvalue())

    uses = {
        case: sorted(LandParcelUse.objects.filter(parcel__case__code=case).values_list("land_use_code", "area_m2"))
        for case in Case.objects.values_list("code", flat=True)
    }
    assert uses == {
        "T15-01": [("CLN", D("250")), ("ONT", D("200"))],
        "T15-02": [("CLN", D("150")), ("ONT", D("150"))],
        "T15-03": [("RDD", D("5000"))],
        "T15-04": [("TIN", D("120"))],
        "T15-05": [("LUA", D("700"))],
        "T15-06": [("NKH", D("200"))],
        "T15-07": [("CNT", D("900"))],
        "T15-08": [("LUK", D("1500"))],
    }
    non_agricultural = {case.code: has_non_agricultural_land(case) for case in Case.objects.all()}
    assert {code for code, value in non_agricultural.items() if value} == {"T15-01", "T15-02", "T15-04"}


def test_the_export_writes_the_uses_and_imports_back_unchanged(huu_lung, vsip_phase):
    content = xlsx_bytes([parcel("HS-1", 7, **{"Diện tích (m²)": "450,5", "Diện tích thu hồi (m²)": "450",
                                                LAND_USE: "ONT 200; CLN 250,5"})])  # fmt: skip
    import_file(user=huu_lung, phase=vsip_phase, file_name="hai_loai.xlsx", content=content)

    parcel_rows, asset_rows = export_rows(Case.objects.all())
    assert parcel_rows[0]["land_use_code"] == "ONT 200; CLN 250.5"
    exported = build_xlsx(parcel_rows, asset_rows)
    guide = openpyxl.load_workbook(io.BytesIO(exported))["Hướng dẫn"]
    listed = {row[0] for row in guide.iter_rows(values_only=True)}
    assert {"RDD", "CNT", "BHK"} <= listed

    plan = read_and_validate(huu_lung, vsip_phase, exported, "xlsx")
    assert plan.errors == []
    assert (plan.parcels.create, plan.parcels.update, plan.parcels.unchanged) == (0, 0, 1)


# --- admin, the case page, filters --------------------------------------------------------------


def test_the_admin_records_a_two_use_parcel_and_refuses_areas_that_do_not_add_up(admin_client, admin_user):
    parcel_ = LandParcelFactory(area_m2=D("1000.0"), recovered_area_m2=D("800.0"), land_use_code="LUC")
    url = _url(LandParcel, "change", parcel_.pk)
    data = _form_data(admin_client.get(url))
    assert data["land_uses"] == "LUC"

    data["land_uses"] = "ONT 300; CLN 600"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "1,000" in str(response.context["adminform"].form.errors["land_uses"]) or "1.000" in str(
        response.context["adminform"].form.errors["land_uses"]
    )
    assert list(parcel_.uses.values_list("land_use_code", flat=True)) == ["LUC"]

    data["land_uses"] = "ONT 400; CLN 600"
    assert admin_client.post(url, data).status_code == 302
    assert sorted(parcel_.uses.values_list("land_use_code", "area_m2")) == [("CLN", D("600")), ("ONT", D("400"))]
    assert LandParcelUse.history.filter(history_user=admin_user, land_use_code="ONT").exists()
    assert not LandParcelUse.objects.filter(land_use_code="LUC").exists()


def test_the_case_page_lists_each_use_with_its_area(client, admin_user):
    case = CaseFactory()
    LandParcelFactory.with_uses([("ONT", D("200")), ("CLN", D("250"))], case=case)
    client.force_login(admin_user)
    html = client.get(reverse("clearance:case_detail", args=[case.pk])).content.decode()
    # The site speaks Vietnamese, and the official names are Vietnamese.
    assert "ONT – Đất ở tại nông thôn: 200 m²" in html
    assert "CLN – Đất trồng cây lâu năm: 250 m²" in html


def test_the_case_list_filters_by_land_group_and_use(client, admin_user):
    two_uses = CaseFactory(code="HAI-LOAI")
    LandParcelFactory.with_uses([("ONT", D("200")), ("CLN", D("250"))], case=two_uses)
    old_code = CaseFactory(code="MA-CU", phase=two_uses.phase)
    LandParcelFactory(case=old_code, land_use_code="BHK")
    client.force_login(admin_user)

    def listed(**params):
        html = client.get(reverse("clearance:case_list"), params).content.decode()
        return {code for code in ("HAI-LOAI", "MA-CU") if code in html}

    assert listed(land_group=Group.NON_AGRICULTURAL) == {"HAI-LOAI"}
    assert listed(land_group=Group.AGRICULTURAL) == {"HAI-LOAI", "MA-CU"}
    assert listed(land_use="HNK") == {"MA-CU"}  # BHK is an old code of HNK
    assert listed(land_use="ONT") == {"HAI-LOAI"}
    assert listed(land_use="LUC") == set()
