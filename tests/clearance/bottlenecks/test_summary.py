"""The bottleneck summary: each count equals the list worked out from the raw rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearance.demo.vocabulary import DEMO_END
from clearance.models import Case, ProgressReport
from clearance.read.bottlenecks import bottleneck_summary, unreported_units, week_start
from tests.clearance.bottlenecks.conftest import TODAY, Expected, build_mixed
from tests.factories import ProgressReportFactory, UserFactory, local_staff
from zones.access import scope_for

SUMMARY = reverse("clearance:bottlenecks")


def expected_counts(expected, stuck_days):
    overdue = {kind: len(expected.overdue((kind,))) for kind in ("decision_now", "payment_now")}
    late = {kind: len(expected.overdue((kind,))) for kind in ("decision_late", "payment_late")}
    return {
        "decision_overdue": overdue["decision_now"],
        "payment_overdue": overdue["payment_now"],
        "decision_late": late["decision_late"],
        "payment_late": late["payment_late"],
        "stuck": len(expected.stuck(stuck_days)),
        "enforcement": len(expected.enforcement()),
        "complaints": len(expected.complaints()),
    }


def summary_counts(summary):
    names = ("decision_overdue", "payment_overdue", "decision_late", "payment_late", "stuck", "enforcement")
    return {name: getattr(summary, name) for name in (*names, "complaints")}


@pytest.fixture
def mixed(areas):
    build_mixed(areas, 60)
    return areas


def test_counts_equal_the_lists_worked_out_from_the_raw_rows(mixed, user):
    summary = bottleneck_summary(scope_for(user), today=TODAY, stuck_days=30)
    expected = Expected(TODAY)
    assert summary_counts(summary) == expected_counts(expected, 30)
    assert all(summary_counts(summary).values()), "the data must hold every kind"
    worst = sorted(expected.overdue(("decision_now", "payment_now")).items(), key=lambda item: (-item[1], item[0]))
    assert [(case.code, case.overdue_by.days) for case in summary.most_overdue] == worst[:10]
    assert summary.unreported == len(unreported_units(scope_for(user), monday=week_start(TODAY)))


def test_counts_follow_the_users_area(mixed):
    scope = scope_for(local_staff(mixed.cao_loc))
    summary = bottleneck_summary(scope, today=TODAY, stuck_days=30)
    expected = Expected(TODAY, Case.objects.filter(unit=mixed.hop_thanh))
    assert summary_counts(summary) == expected_counts(expected, 30)
    assert {case.unit for case in summary.most_overdue} == {mixed.hop_thanh}


def test_unreported_count_is_the_units_without_a_report_this_week(mixed, user):
    scope = scope_for(user)
    monday = week_start(TODAY)
    assert bottleneck_summary(scope, today=TODAY, stuck_days=30).unreported == 2  # both districts
    ProgressReportFactory(phase=mixed.vsip, unit=mixed.huu_lung, reported_on=monday)
    ProgressReportFactory(
        phase=mixed.cluster, unit=mixed.cao_loc, reported_on=monday, status=ProgressReport.Status.RETURNED
    )
    assert bottleneck_summary(scope, today=TODAY, stuck_days=30).unreported == 1


def test_summary_queries_do_not_grow_with_rows(areas, user, django_assert_num_queries):
    scope = scope_for(user)
    build_mixed(areas, 10, seed=2)
    with CaptureQueriesContext(connection) as small:
        bottleneck_summary(scope, today=TODAY, stuck_days=30)
    Case.objects.all().delete()
    build_mixed(areas, 50, seed=2)
    with django_assert_num_queries(len(small.captured_queries)):
        summary = bottleneck_summary(scope, today=TODAY, stuck_days=30)
        [case.unit.name for case in summary.most_overdue]


def test_page_shows_each_count_linking_to_its_list(logged_in_client, mixed, fixed_today):
    fixed_today(TODAY)
    html = logged_in_client.get(SUMMARY, {"stuck_days": "30"}).content.decode()
    expected = expected_counts(Expected(TODAY), 30)
    links = {
        "decision_overdue": "/bottlenecks/overdue/?overdue=decision_now",
        "payment_overdue": "/bottlenecks/overdue/?overdue=payment_now",
        "decision_late": "/bottlenecks/overdue/?overdue=decision_late",
        "payment_late": "/bottlenecks/overdue/?overdue=payment_late",
        "stuck": "/bottlenecks/stuck/?stuck_days=30",
        "enforcement": "/bottlenecks/enforcement/",
        "complaints": "/bottlenecks/complaints/",
    }
    for kind, link in links.items():
        item = re.search(rf'<li data-kind="{kind}"><a href="([^"]+)"><strong>(\d+)</strong>', html)
        assert item.groups() == (link.replace("&", "&amp;"), str(expected[kind])), kind
    assert re.search(r'data-kind="unreported"><a href="/bottlenecks/unreported/\?week=2024-W38">', html)
    top = Expected(TODAY).overdue(("decision_now", "payment_now"))
    worst = sorted(top.items(), key=lambda item: (-item[1], item[0]))[:10]
    for code, _days in worst:
        case = Case.objects.get(code=code)
        assert f'<a href="/cases/{case.pk}/">{code}</a>' in html


def test_summary_is_empty_for_a_user_without_a_profile(client, mixed, fixed_today):
    fixed_today(TODAY)
    client.force_login(UserFactory())
    html = client.get(SUMMARY).content.decode()
    assert re.findall(r"<strong>(\d+)</strong>", html) == ["0"] * 8
    assert not re.search(r"/cases/\d+/", html)


def test_demo_data_shows_its_bottlenecks(demo, user):
    """The synthetic VSIP cases, a year after they end: the open approvals are overdue."""
    today = DEMO_END + datetime.timedelta(days=365)
    summary = bottleneck_summary(scope_for(user), today=today, stuck_days=60)
    expected = Expected(today)
    assert summary_counts(summary) == expected_counts(expected, 60)
    assert summary.decision_overdue > 0 and summary.payment_overdue > 0 and summary.enforcement > 0
    assert all(case.is_synthetic for case in summary.most_overdue)
