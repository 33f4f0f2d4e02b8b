import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clearance.models import Case, ProgressReport
from tests.clearance.progress.conftest import make_case
from tests.clearance.progress.expected import as_dict, expected_figures
from tests.factories import ProgressReportFactory, SourceFactory

D = datetime.date


def _csv(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _report(world, unit, reported_on, **figures):
    return ProgressReportFactory(
        phase=world.phase,
        unit=unit,
        reported_on=reported_on,
        source=SourceFactory(published_on=reported_on),
        status=ProgressReport.Status.ACCEPTED,
        **figures,
    )


# --- the overview --------------------------------------------------------------------------------


def test_overview_totals_equal_the_case_by_case_sum(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("clearance:overview"))
    assert response.status_code == 200
    totals = response.context["dashboard"].totals
    assert as_dict(totals) == expected_figures(Case.objects.all(), timezone.localdate())
    # 4 handed over of 8 cases; the paid VND as the province writes it.
    assert "450.000.000 ₫" in response.content.decode()


def test_overview_phase_rows_hold_each_phases_own_cases(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("clearance:overview"))
    by_phase = response.context["dashboard"].phase_figures
    today = timezone.localdate()
    for phase in (world.phase, world.cluster_phase):
        assert as_dict(by_phase[phase.pk]) == expected_figures(Case.objects.filter(phase=phase), today)


def test_local_staff_see_totals_of_their_area_only(client, world):
    client.force_login(world.cao_loc_staff)
    response = client.get(reverse("clearance:overview"))
    totals = response.context["dashboard"].totals
    assert as_dict(totals) == expected_figures(Case.objects.filter(unit=world.hop_thanh), timezone.localdate())
    assert world.zone.name not in response.content.decode()


def test_a_report_that_differs_from_the_registry_is_flagged_beside_it(english, world):
    # Up to 30/04/2024 Hữu Lũng's ground had 5 cases counted, not 7.
    _report(world, world.huu_lung, D(2024, 4, 30), cases_counted=7, area_handed_over_ha=None)
    english.force_login(world.officer)
    response = english.get(reverse("clearance:overview"))
    row = next(
        r
        for r in response.context["dashboard"].rows()
        if r.reported and r.reported.figure.report_field == "cases_counted"
    )
    assert (row.value, row.reported.value, row.reported.disagreeing) == (7, 7, 1)
    assert "differs from the registry in 1 report" in response.content.decode()


def test_overview_queries_stay_the_same_as_cases_and_reports_grow(client, world):
    client.force_login(world.officer)
    _report(world, world.huu_lung, D(2024, 4, 30))
    client.get(reverse("clearance:overview"))  # warm the per-user caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("clearance:overview")).status_code == 200
    for case in world.cases:
        make_case(phase=case.phase, unit=case.unit, stage=case.stage, start=D(2024, 8, 5), graves=1, plan_vnd=5)
    _report(world, world.new_huu_lung, D(2025, 8, 4))
    _report(world, world.new_tuan_son, D(2025, 8, 4))
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("clearance:overview")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the breakdowns ------------------------------------------------------------------------------


def test_breakdown_by_2025_commune_keeps_a_split_commune_undivided(english, world):
    english.force_login(world.officer)
    response = english.get(reverse("clearance:progress_breakdown"), {"by": "commune"})
    rows = {(row.phase.pk, row.label): row for row in response.context["table"].data.data}
    assert set(rows) == {
        (world.phase.pk, "Xã Hữu Lũng"),
        (world.phase.pk, "Xã Thiện Tân / Xã Tuấn Sơn"),
        (world.cluster_phase.pk, "Xã Cao Lộc"),
    }
    split = rows[(world.phase.pk, "Xã Thiện Tân / Xã Tuấn Sơn")]
    assert split.is_split
    today = timezone.localdate()
    assert as_dict(split.figures) == expected_figures(Case.objects.filter(unit=world.hoa_thang), today)
    assert "split in 2025" in response.content.decode()


def test_breakdown_by_legacy_district_and_its_drill_down_links(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("clearance:progress_breakdown"), {"by": "district"})
    rows = {row.label: row for row in response.context["table"].data.data}
    assert set(rows) == {"Huyện Hữu Lũng", "Huyện Cao Lộc"}
    assert rows["Huyện Hữu Lũng"].figures.cases == 6
    page = response.content.decode()
    assert f'?phase={world.phase.pk}&amp;unit={world.ho_son.pk}"' in page


def test_breakdown_export_holds_the_filtered_rows_of_the_users_area(client, world):
    client.force_login(world.huu_lung_staff)
    rows = _csv(client.get(reverse("clearance:progress_breakdown"), {"by": "district", "_export": "csv"}))
    assert len(rows) == 2  # header and Hữu Lũng: Cao Lộc's cluster is not theirs
    assert rows[1][1] == "Huyện Hữu Lũng"
    assert rows[1][3] == "6"
    client.force_login(world.officer)
    filtered = _csv(
        client.get(
            reverse("clearance:progress_breakdown"),
            {"by": "district", "phase": world.cluster_phase.pk, "_export": "csv"},
        )
    )
    assert [row[1] for row in filtered[1:]] == ["Huyện Cao Lộc"]


def test_breakdown_with_a_bad_grouping_or_filter_does_not_fail(client, world):
    client.force_login(world.officer)
    assert client.get(reverse("clearance:progress_breakdown"), {"by": "nonsense"}).context["by"] == "commune"
    response = client.get(reverse("clearance:progress_breakdown"), {"zone": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].errors


# --- reported beside registered ------------------------------------------------------------------


def test_report_checks_show_both_figures_and_flag_the_difference(english, world):
    _report(world, world.huu_lung, D(2024, 4, 30), cases_counted=5, area_handed_over_ha=Decimal("1"))
    english.force_login(world.officer)
    response = english.get(reverse("clearance:report_checks"))
    rows = [
        (
            row["comparison"].figure.report_field,
            row["comparison"].reported,
            row["comparison"].registered,
            row["comparison"].agrees,
        )
        for row in response.context["table"].data.data
    ]
    assert rows == [("cases_counted", 5, 5, True), ("area_handed_over_ha", Decimal("1.00"), 0, False)]
    differing = english.get(reverse("clearance:report_checks"), {"differs": "true", "_export": "csv"})
    exported = _csv(differing)
    assert len(exported) == 2
    assert exported[1][-1] == "differs"


def test_report_checks_of_another_area_are_not_shown_nor_exported(client, world):
    _report(world, world.huu_lung, D(2024, 4, 30))
    client.force_login(world.cao_loc_staff)
    assert client.get(reverse("clearance:report_checks")).context["table"].data.data == []
    assert len(_csv(client.get(reverse("clearance:report_checks"), {"_export": "csv"}))) == 1
    response = client.get(reverse("clearance:report_checks"), {"unit": world.huu_lung.pk})
    assert response.context["table"].data.data == []


def test_an_unknown_export_format_is_refused_with_a_message(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("clearance:progress_breakdown"), {"_export": "pdf"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("clearance:progress_breakdown", {"by": "commune"}),
        ("clearance:progress_breakdown", {"by": "district"}),
        ("clearance:report_checks", {}),
    ],
)
def test_dashboard_lists_read_the_same_number_of_queries_as_data_grow(client, world, name, params):
    client.force_login(world.officer)
    _report(world, world.huu_lung, D(2024, 4, 30))
    client.get(reverse(name), params)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name), params).status_code == 200
    for case in world.cases:
        make_case(phase=case.phase, unit=case.unit, stage=case.stage, start=D(2024, 8, 5), graves=1, plan_vnd=5)
    _report(world, world.new_huu_lung, D(2025, 8, 4))
    _report(world, world.hop_thanh, D(2024, 5, 6))
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name), params).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
