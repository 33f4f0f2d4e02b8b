import datetime
from decimal import Decimal

import pytest

from clearance.models import Case, ProgressReport
from clearance.read import ledger, overview, reported
from tests.factories import ProgressReportFactory, SourceFactory
from zones.access import covered_unit_ids, scope_for
from zones.models import Qualifier, Source

D = datetime.date
Status = ProgressReport.Status


@pytest.mark.parametrize(
    ("reported_value", "registered", "qualifier", "fits"),
    [
        (490, 495, Qualifier.MORE_THAN, True),
        (490, 490, Qualifier.MORE_THAN, False),
        (490, 490, Qualifier.EXACT, True),
        (490, 491, Qualifier.EXACT, False),
        (100, 105, Qualifier.ABOUT, True),
        (100, 106, Qualifier.ABOUT, False),
        (100, 95, Qualifier.NEARLY, True),
        (100, 94, Qualifier.NEARLY, False),
        (100, 101, Qualifier.NEARLY, False),
    ],
)
def test_a_registry_figure_fits_a_reported_one_as_the_report_states_it(reported_value, registered, qualifier, fits):
    assert reported.agrees(reported_value, registered, qualifier) is fits


def test_areas_agree_to_the_hundredth_of_a_hectare():
    assert reported.agrees(Decimal("58.35"), Decimal("58.3519"), ha=True)
    assert not reported.agrees(Decimal("58.35"), Decimal("58.3551"), ha=True)


@pytest.mark.parametrize(
    ("precision", "end"),
    [
        (Source.Precision.DAY, D(2024, 2, 10)),
        (Source.Precision.MONTH, D(2024, 2, 29)),
        (Source.Precision.YEAR, D(2024, 12, 31)),
    ],
)
def test_a_report_dated_to_a_month_or_year_is_compared_at_its_end(precision, end):
    assert reported.period_end(D(2024, 2, 10), precision) == end


def _report(world, unit, reported_on, status=Status.ACCEPTED, **figures):
    return ProgressReportFactory(
        phase=world.phase,
        unit=unit,
        reported_on=reported_on,
        source=SourceFactory(published_on=reported_on),
        status=status,
        **figures,
    )


def test_latest_reports_keep_each_units_newest_accepted_report(world):
    old = _report(world, world.huu_lung, D(2024, 5, 1))
    newest = _report(world, world.huu_lung, D(2024, 6, 1))
    _report(world, world.huu_lung, D(2024, 7, 1), status=Status.SUBMITTED)
    _report(world, world.huu_lung, D(2024, 7, 2), status=Status.RETURNED)
    commune = _report(world, world.new_huu_lung, D(2025, 8, 4))
    latest = reported.latest_reports(scope_for(world.officer))
    assert {report.pk for report in latest} == {newest.pk, commune.pk}
    assert old.pk not in {report.pk for report in latest}


def test_a_correction_accepted_later_replaces_the_report_it_corrects(world):
    first = _report(world, world.huu_lung, D(2024, 6, 1))
    correction = _report(world, world.huu_lung, D(2024, 6, 1), corrects=first)
    assert [r.pk for r in reported.latest_reports(scope_for(world.officer))] == [correction.pk]


def test_a_newer_report_of_the_same_ground_supersedes_an_older_one(world):
    district = _report(world, world.huu_lung, D(2024, 6, 1))
    commune = _report(world, world.new_huu_lung, D(2025, 8, 4))
    graph = reported.UnitGraph()
    kept = reported.without_overlaps([district, commune], graph)
    # The 2025 commune Hữu Lũng came from Hồ Sơn, in the old district: the old report is replaced.
    assert kept == [commune]


def test_reports_of_separate_ground_are_both_kept(world):
    tuan_son = _report(world, world.new_tuan_son, D(2025, 8, 4))
    huu_lung = _report(world, world.new_huu_lung, D(2025, 8, 11))
    assert set(reported.without_overlaps([tuan_son, huu_lung], reported.UnitGraph())) == {tuan_son, huu_lung}


def test_a_report_is_compared_with_the_registry_of_its_ground_up_to_its_date(world):
    # Up to 30/04/2024 the Hữu Lũng district ground had 5 cases counted (the notice-stage case is not).
    report = _report(world, world.huu_lung, D(2024, 4, 30), cases_counted=5, area_handed_over_ha=Decimal("1"))
    book = ledger.ledger(Case.objects.all())
    as_of, figures = reported.registry_for_report(report, book, reported.UnitGraph())
    assert as_of == D(2024, 4, 30)
    comparisons = {c.figure.report_field: c for c in reported.compare(report, figures)}
    assert set(comparisons) == {"cases_counted", "area_handed_over_ha"}  # what the report gives, no more
    assert comparisons["cases_counted"].registered == 5
    assert comparisons["cases_counted"].agrees
    assert comparisons["area_handed_over_ha"].registered == 0
    assert not comparisons["area_handed_over_ha"].agrees


def test_a_2025_communes_report_counts_the_cases_of_the_legacy_commune_it_came_from(world):
    report = _report(world, world.new_tuan_son, D(2025, 8, 4), cases_counted=2, area_handed_over_ha=None)
    _as_of, figures = reported.registry_for_report(report, ledger.ledger(Case.objects.all()), reported.UnitGraph())
    # Hòa Thắng's three cases, of which two were counted; Hồ Sơn's are another commune's.
    assert (figures.cases, figures.counted) == (3, 2)


def test_reported_totals_sum_the_reports_in_force_and_keep_the_weakest_qualifier(world):
    a = _report(world, world.new_huu_lung, D(2025, 8, 4), cases_counted=490, cases_counted_qualifier="more_than")
    b = _report(world, world.new_tuan_son, D(2025, 8, 4), cases_counted=20, area_handed_over_ha=None)
    totals = overview.reported_totals([a, b], [])
    assert totals["cases_counted"].value == 510
    assert totals["cases_counted"].qualifier == Qualifier.MORE_THAN
    assert totals["area_handed_over_ha"].value == Decimal("10")  # only a gives it
    assert len(totals["area_handed_over_ha"].reports) == 1
    assert totals["cases_paid"].value is None


def test_local_staff_compare_only_the_reports_of_their_area(world):
    _report(world, world.huu_lung, D(2024, 6, 1))
    assert reported.latest_reports(scope_for(world.cao_loc_staff)) == []
    assert len(reported.latest_reports(scope_for(world.huu_lung_staff))) == 1


def test_two_2025_communes_sharing_a_split_legacy_commune_are_separate_grounds(world):
    # Hòa Thắng was split between Tuấn Sơn and Thiện Tân: each reports its own part, both count.
    tuan_son = _report(world, world.new_tuan_son, D(2025, 8, 4))
    thien_tan = _report(world, world.new_thien_tan, D(2025, 8, 11))
    assert set(reported.without_overlaps([tuan_son, thien_tan], reported.UnitGraph())) == {tuan_son, thien_tan}


def test_a_2025_communes_ground_is_what_its_staff_may_see(world):
    graph = reported.UnitGraph()
    for unit in (world.new_tuan_son, world.new_huu_lung, world.huu_lung, world.ho_son, world.hoa_thang):
        assert graph.coverage(unit.pk) == covered_unit_ids([unit]), unit.name
