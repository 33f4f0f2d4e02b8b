import copy
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clearance.models import ProgressReport
from zones.loaders import UnitsFileError, load_admin_units, read_units_file
from zones.models import REFORM_DATE, AdminUnit, Investor, Phase, Qualifier, Source, SummaryFigure, UnitSuccession, Zone

LEGACY = AdminUnit.Structure.LEGACY
CURRENT = AdminUnit.Structure.CURRENT
ARTICLE_TITLE = "Bài báo: UBND tỉnh Lạng Sơn làm việc về phát triển khu, cụm công nghiệp"


def run_loader(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_lang_son", *args, stdout=out)
    return out.getvalue()


def legacy_district(code):
    return AdminUnit.objects.get(structure=LEGACY, level=AdminUnit.Level.DISTRICT, code=code)


def article_source():
    return Source.objects.get(title=ARTICLE_TITLE)


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (AdminUnit, UnitSuccession, Source, Investor, Zone, Phase, ProgressReport, SummaryFigure)
    }


def test_loads_both_structures_of_the_province(lang_son):
    units = AdminUnit.objects
    assert units.filter(level=AdminUnit.Level.PROVINCE).count() == 1
    assert units.legacy().districts().count() == 11
    assert units.legacy().communes().count() == 194
    assert units.current().communes().count() == 65
    assert units.current().communes().filter(unit_type="xã").count() == 61
    assert units.current().communes().filter(unit_type="phường").count() == 4
    assert units.count() == 271


def test_units_have_the_right_parents_and_validity(lang_son):
    province = AdminUnit.objects.get(level=AdminUnit.Level.PROVINCE)
    assert (province.code, province.name, province.unit_type) == (20, "Tỉnh Lạng Sơn", "tỉnh")
    assert province.parent is None and province.valid_from is None and province.valid_to is None

    huu_lung = legacy_district(186)
    assert huu_lung.name == "Huyện Hữu Lũng"
    assert huu_lung.parent == province
    ho_son = AdminUnit.objects.get(structure=LEGACY, code=6451)
    assert (ho_son.name, ho_son.parent) == ("Xã Hồ Sơn", huu_lung)

    assert not AdminUnit.objects.legacy().districts().exclude(parent=province).exists()
    assert not AdminUnit.objects.legacy().communes().exclude(parent__level=AdminUnit.Level.DISTRICT).exists()
    assert not AdminUnit.objects.legacy().communes().exclude(parent__structure=LEGACY).exists()
    assert not AdminUnit.objects.current().communes().exclude(parent=province).exists()

    last_legacy_day = REFORM_DATE - datetime.timedelta(days=1)
    assert set(AdminUnit.objects.legacy().values_list("valid_to", flat=True)) == {last_legacy_day}
    assert set(AdminUnit.objects.current().communes().values_list("valid_from", flat=True)) == {REFORM_DATE}
    assert ho_son.is_valid_on(last_legacy_day) and not ho_son.is_valid_on(REFORM_DATE)
    assert AdminUnit.objects.valid_on(REFORM_DATE).communes().count() == 65


def test_a_reused_code_gives_two_distinct_units(lang_son):
    legacy = AdminUnit.objects.get(structure=LEGACY, code=5977)
    current = AdminUnit.objects.get(structure=CURRENT, code=5977)
    assert legacy.pk != current.pk
    assert legacy.name == "Phường Vĩnh Trại"
    assert current.name == "Phường Đông Kinh"
    found = AdminUnit.objects.search("phuong dong kinh")
    assert current in found and legacy not in found
    assert current in legacy.successors.all()


def test_conversion_follows_the_file_and_marks_the_split_communes(lang_son):
    assert UnitSuccession.objects.count() == 196
    for code in (6622, 6625):
        successions = UnitSuccession.objects.filter(old__structure=LEGACY, old__code=code)
        assert successions.count() == 2
        assert all(s.partial for s in successions)
    assert UnitSuccession.objects.filter(partial=True).count() == 4

    ho_son = AdminUnit.objects.get(structure=LEGACY, code=6451)
    assert [(u.structure, u.code, u.name) for u in ho_son.successors.all()] == [(CURRENT, 6385, "Xã Hữu Lũng")]
    assert not ho_son.successions_to.get().partial
    # Legacy 6625 went partly to the 2025 unit that reuses its code, not to itself.
    kien_moc = AdminUnit.objects.get(structure=LEGACY, code=6625)
    assert set(kien_moc.successors.values_list("structure", "code")) == {(CURRENT, 6625), (CURRENT, 6637)}


def test_article_source_is_dated_as_the_copy_allows(lang_son):
    source = article_source()
    assert source.published_on == datetime.date(2024, 1, 1)
    assert source.date_precision == Source.Precision.YEAR
    assert source.is_synthetic is False
    assert source.publisher
    assert "6/2024" in source.note


def test_vsip_zone_as_the_article_states_it(lang_son):
    vsip = Zone.objects.get(kind=Zone.Kind.INDUSTRIAL_ZONE, name="Khu công nghiệp VSIP Lạng Sơn")
    assert vsip.status == Zone.Status.SITE_CLEARANCE
    assert vsip.unit == legacy_district(186)
    assert vsip.location == "huyện Hữu Lũng"
    assert (vsip.planned_area_ha, vsip.planned_area_qualifier) == (Decimal("600"), Qualifier.NEARLY)
    assert vsip.construction_started_month == datetime.date(2024, 6, 1)
    assert vsip.investor.short_name == "VSIP"
    assert vsip.investor.name == "Công ty Cổ phần Phát triển Đô thị và Khu công nghiệp Việt Nam – Singapore"
    assert vsip.source == article_source()
    assert "bàn giao" in vsip.notes
    assert list(Zone.objects.search("vsip huu lung")) == [vsip]

    phase = vsip.phases.get()
    assert (phase.number, phase.area_ha, phase.area_qualifier) == (1, Decimal("200"), Qualifier.EXACT)
    assert phase.source == article_source()


def test_vsip_report_keeps_what_the_article_did_not_say_empty(lang_son):
    report = ProgressReport.objects.get()
    source = article_source()
    assert report.phase.zone.name == "Khu công nghiệp VSIP Lạng Sơn"
    assert report.unit == legacy_district(186)
    assert report.source == source
    assert report.reported_on == source.published_on
    assert (report.cases_counted, report.cases_counted_qualifier) == (490, Qualifier.MORE_THAN)
    assert (report.area_handed_over_ha, report.area_handed_over_qualifier) == (Decimal("57"), Qualifier.MORE_THAN)
    assert report.obstacles
    not_reported = [
        report.cases_total,
        report.area_counted_ha,
        report.plans_approved_cases,
        report.plans_approved_vnd,
        report.cases_paid,
        report.amount_paid_vnd,
        report.graves_relocated,
        report.resettlement_plots_allocated,
        report.reported_by,
    ]
    assert not_reported == [None] * len(not_reported)


def test_nine_clusters_in_their_districts(lang_son):
    expected = {
        "Cụm công nghiệp Hợp Thành 1": 183,
        "Cụm công nghiệp Hợp Thành 2": 183,
        "Cụm công nghiệp Bắc Sơn 2": 185,
        "Cụm công nghiệp Đình Lập": 189,
        "Cụm công nghiệp Hồ Sơn 1": 186,
        "Cụm công nghiệp Hoà Sơn 1": 186,
        "Cụm công nghiệp Na Dương 1": 188,
        "Cụm công nghiệp Na Dương 3": 188,
        "Cụm công nghiệp địa phương số 2": 183,
    }
    clusters = Zone.objects.industrial_clusters().select_related("unit", "source")
    assert {c.name: c.unit.code for c in clusters} == expected
    source = article_source()
    for cluster in clusters:
        assert cluster.unit.structure == LEGACY and cluster.unit.level == AdminUnit.Level.DISTRICT
        assert cluster.location == "h" + cluster.unit.name[1:]
        assert cluster.source == source

    operating = clusters.get(name="Cụm công nghiệp địa phương số 2")
    assert operating.status == Zone.Status.OPERATING
    assert (operating.planned_area_ha, operating.planned_area_qualifier) == (Decimal("8.5"), Qualifier.EXACT)
    assert operating.occupancy_pct() == Decimal("100")

    in_procedures = clusters.exclude(pk=operating.pk)
    assert {c.status for c in in_procedures} == {Zone.Status.ESTABLISHED}
    # The article gives no area per cluster: unknown, not zero.
    assert {c.planned_area_ha for c in in_procedures} == {None}
    assert {c.occupancy_pct() for c in in_procedures} == {None}
    assert Zone.objects.count() == 10


def test_summary_figures_keep_their_qualifiers(lang_son):
    source = article_source()
    figures = {f.metric: f for f in SummaryFigure.objects.filter(source=source)}
    established = figures[SummaryFigure.Metric.CLUSTERS_ESTABLISHED]
    area = figures[SummaryFigure.Metric.CLUSTERS_ESTABLISHED_AREA]
    assert (established.value, established.qualifier) == (Decimal("9"), Qualifier.EXACT)
    assert (area.value, area.qualifier) == (Decimal("372"), Qualifier.ABOUT)
    assert len(figures) == 2


def test_summary_line_counts_what_was_loaded(db):
    out = run_loader()
    assert out.strip().startswith("Lạng Sơn: 271 units (271 new")
    assert "196 conversions (196 new)" in out
    assert "10 zones (10 new)" in out


def test_second_run_duplicates_nothing_and_keeps_admin_edits(lang_son):
    before = row_counts()
    history_before = AdminUnit.history.count()
    cluster = Zone.objects.get(name="Cụm công nghiệp Hợp Thành 1")
    cluster.status = Zone.Status.CONSTRUCTION
    cluster.planned_area_ha = Decimal("50")
    cluster.save()
    report = ProgressReport.objects.get()
    report.cases_total = 1006
    report.save()

    out = run_loader()

    assert row_counts() == before
    # Unchanged units are not saved again, so their history stays readable.
    assert AdminUnit.history.count() == history_before
    cluster.refresh_from_db()
    assert (cluster.status, cluster.planned_area_ha) == (Zone.Status.CONSTRUCTION, Decimal("50"))
    assert ProgressReport.objects.get().cases_total == 1006
    assert "271 units (0 new, 0 updated)" in out
    assert "10 zones (0 new)" in out


def test_second_run_corrects_official_unit_names(lang_son):
    unit = AdminUnit.objects.get(structure=LEGACY, code=6451)
    unit.name = "Xa Ho Son sai chinh ta"
    unit.valid_to = None
    unit.save()

    out = run_loader()

    unit.refresh_from_db()
    assert unit.name == "Xã Hồ Sơn"
    assert unit.valid_to == REFORM_DATE - datetime.timedelta(days=1)
    assert unit in AdminUnit.objects.search("xã hồ sơn")
    assert not AdminUnit.objects.search("chinh ta").exists()
    assert "(0 new, 1 updated)" in out


def test_dry_run_writes_nothing(db):
    out = run_loader("--dry-run")
    assert "Dry run, nothing saved" in out
    assert "271 units (271 new" in out
    assert set(row_counts().values()) == {0}
    assert AdminUnit.history.count() == 0


def test_an_inconsistent_units_file_loads_nothing(db):
    data = copy.deepcopy(read_units_file())
    data["legacy_communes"][-1]["became"] = [99999]
    with pytest.raises(UnitsFileError, match="99999"):
        load_admin_units(data=data)
    assert AdminUnit.objects.count() == 0 and UnitSuccession.objects.count() == 0

    data = copy.deepcopy(read_units_file())
    data["legacy_communes"][0]["district_code"] = 999
    with pytest.raises(UnitsFileError, match="999"):
        load_admin_units(data=data)
    assert AdminUnit.objects.count() == 0


def test_command_reports_an_inconsistent_file_clearly(db, monkeypatch):
    data = copy.deepcopy(read_units_file())
    data["legacy_communes"][0]["district_code"] = 999
    monkeypatch.setattr("zones.loaders.read_units_file", lambda: data)
    with translation.override("en"), pytest.raises(CommandError, match="999, which is not in the file"):
        call_command("load_lang_son", stdout=io.StringIO())
    assert AdminUnit.objects.count() == 0
