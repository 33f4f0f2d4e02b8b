"""Long lists page without a COUNT and never past LSIP_MAX_LIST_PAGE; bad page numbers are explained, not a 500."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clearance.models import Stage
from clearance.views.browse import CASES_PER_PAGE
from clearance.views.reports import REPORTS_PER_PAGE
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    PhaseFactory,
    ProgressReportFactory,
    StaffProfileFactory,
    UserFactory,
)
from zones.models import Qualifier, StaffProfile

CASES = reverse("clearance:case_list")
REPORTS = reverse("clearance:report_list")
LIMIT_NOTICE = "Only the first %s rows can be browsed page by page; narrow the filters or export the list."
INVALID_NOTICE = "The page number in the address is not valid; the first page is shown."


@pytest.fixture
def english(logged_in_client):
    logged_in_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return logged_in_client


@pytest.fixture
def many_cases(db):
    """120 cases: two full pages and a third of 20; stages alternate, so sorting by stage has ties."""
    phase = PhaseFactory()
    stages = [Stage.INVENTORY, Stage.PAID]
    return [CaseFactory(code=f"P-{number:03d}", phase=phase, stage=stages[number % 2]).code for number in range(120)]


def codes_on(html):
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    return re.findall(r">(P-\d{3})</a>", tbody)


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), [query["sql"].upper() for query in captured]


def offsets(queries):
    return [int(number) for sql in queries for number in re.findall(r"\bOFFSET (\d+)", sql)]


def pager(html):
    return re.search(r'<nav class="pager".*?</nav>', html, flags=re.S).group(0)


def test_the_case_list_pages_without_counting(english, many_cases):
    html, queries = get(english, CASES)
    assert not [sql for sql in queries if "COUNT(" in sql]
    assert codes_on(html) == many_cases[:CASES_PER_PAGE]
    assert "Cases 1 to 50; more on the next pages" in html


def test_next_and_previous_walk_the_whole_list_once(english, many_cases):
    first, _queries = get(english, CASES)
    assert 'href="?page=2"' in pager(first) and "Previous" not in pager(first)
    second, _queries = get(english, CASES, {"page": 2})
    assert 'href="?page=1"' in pager(second) and 'href="?page=3"' in pager(second)
    assert '<strong aria-current="page">Page 2</strong>' in second
    third, _queries = get(english, CASES, {"page": 3})
    assert 'href="?page=2"' in pager(third) and "Next" not in pager(third)
    assert codes_on(first) + codes_on(second) + codes_on(third) == many_cases
    # The last page knows how many there are: the rows before it plus its own.
    assert "120 cases" in third


def test_sorting_by_a_column_with_ties_still_shows_each_row_once(english, many_cases):
    seen = []
    for page in (1, 2, 3):
        html, queries = get(english, CASES, {"sort": "stage", "page": page})
        seen += codes_on(html)
        # Tied rows are ordered by their id: the database may not order them alike for every page.
        assert [sql for sql in queries if re.search(r'ORDER BY "CLEARANCE_CASE"."STAGE" ASC, .*"ID" ASC', sql)]
    assert sorted(seen) == many_cases
    assert len(set(seen)) == len(seen)


def test_the_pager_keeps_the_filters_and_sort(english, many_cases):
    html, _queries = get(english, CASES, {"stage": Stage.PAID, "sort": "-code"})
    assert 'href="?stage=paid&amp;sort=-code&amp;page=2"' in pager(html)
    assert codes_on(html)[0] == "P-119"


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5", ""])
def test_a_page_number_that_is_not_one_shows_the_first_page_and_says_why(english, many_cases, page):
    html, queries = get(english, CASES, {"page": page})
    assert codes_on(html) == many_cases[:CASES_PER_PAGE]
    assert INVALID_NOTICE in html
    assert offsets(queries) == []


def test_a_page_past_the_limit_runs_no_deep_offset_and_says_how_to_reach_the_rest(english, many_cases, settings):
    settings.LSIP_MAX_LIST_PAGE = 2
    html, queries = get(english, CASES, {"page": 99999})
    assert codes_on(html) == many_cases[:CASES_PER_PAGE]
    assert LIMIT_NOTICE % "100" in html
    assert offsets(queries) == []


def test_the_deepest_page_offers_no_next_page_but_the_notice(english, many_cases, settings):
    settings.LSIP_MAX_LIST_PAGE = 2
    html, queries = get(english, CASES, {"page": 2})
    assert codes_on(html) == many_cases[CASES_PER_PAGE : 2 * CASES_PER_PAGE]
    assert max(offsets(queries)) == CASES_PER_PAGE
    assert "page=3" not in pager(html) and 'href="?page=1"' in pager(html)
    assert LIMIT_NOTICE % "100" in html


def test_the_default_limit_is_forty_pages_and_is_not_offered_past_it(english, many_cases):
    assert settings.LSIP_MAX_LIST_PAGE == 40
    html, queries = get(english, CASES, {"page": 41})
    assert LIMIT_NOTICE % "2,000" in html
    assert offsets(queries) == []


def test_a_page_past_the_end_of_a_short_list_shows_its_start(english, many_cases):
    html, queries = get(english, CASES, {"page": 7})
    assert codes_on(html) == many_cases[:CASES_PER_PAGE]
    assert "There is no page 7 in this list; the first page is shown." in html
    assert max(offsets(queries)) == 6 * CASES_PER_PAGE


def test_the_page_size_cannot_be_raised_from_the_address(english, many_cases):
    html, _queries = get(english, CASES, {"per_page": 100000})
    assert len(codes_on(html)) == CASES_PER_PAGE


def test_a_short_list_has_no_pager_and_gives_its_total(english, db):
    CaseFactory(code="P-001")
    html, queries = get(english, CASES)
    assert codes_on(html) == ["P-001"]
    assert '<nav class="pager"' not in html
    assert "1 case" in html
    assert not [sql for sql in queries if "COUNT(" in sql]


def test_local_staff_page_only_through_their_own_cases(client, many_cases):
    district, phase = DistrictFactory(), PhaseFactory()  # one phase: the list orders by phase, then code
    mine = [
        CaseFactory(code=f"P-{900 + number}", phase=phase, unit=CommuneFactory(parent=district)).code
        for number in range(3)
    ]
    user = UserFactory()
    StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=[district])
    client.force_login(user)
    html, _queries = get(client, CASES)
    assert codes_on(html) == mine
    assert '<nav class="pager"' not in html
    html, _queries = get(client, CASES, {"page": 2})
    assert codes_on(html) == mine


# ---- the report list -------------------------------------------------------------------------


@pytest.fixture
def many_reports(db):
    phase = PhaseFactory()
    return [ProgressReportFactory(phase=phase, cases_counted=number) for number in range(REPORTS_PER_PAGE + 5)]


def report_ids(html):
    table = html.split('class="table-container"', 1)[1]  # below the sign-off queue
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, flags=re.S).group(1)
    return [int(number) for number in re.findall(r'href="/reports/(\d+)/"', tbody)]


def test_the_report_list_is_a_sortable_lazily_paged_table(client, many_reports):
    user = UserFactory()
    StaffProfileFactory(user=user, role=StaffProfile.Role.ADMIN)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first, queries = get(client, REPORTS, {"sort": "cases_counted"})
    # The one COUNT left is the sign-off queue's, bounded by the reports awaiting sign-off.
    assert len([sql for sql in queries if "COUNT(" in sql]) == 1
    ids = [report.pk for report in many_reports]
    assert report_ids(first) == ids[:REPORTS_PER_PAGE]
    assert 'href="?sort=cases_counted&amp;page=2"' in pager(first)
    second, _queries = get(client, REPORTS, {"sort": "cases_counted", "page": 2})
    assert report_ids(second) == ids[REPORTS_PER_PAGE:]
    assert f"{len(ids)} reports" in second
    descending, _queries = get(client, REPORTS, {"sort": "-cases_counted", "page": "x"})
    assert report_ids(descending)[0] == ids[-1]
    assert INVALID_NOTICE in descending


def test_the_report_table_shows_what_the_list_showed_before(client, db):
    old = ProgressReportFactory(cases_counted=490)
    new = ProgressReportFactory(
        phase=old.phase, unit=old.unit, corrects=old, cases_counted=491, cases_counted_qualifier=Qualifier.MORE_THAN
    )
    user = UserFactory()
    StaffProfileFactory(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html, _queries = get(client, REPORTS)
    table = html.split('class="table-container"', 1)[1]
    rows = {
        int(pk): row for pk, row in re.findall(r'<tr[^>]*>\s*<td ><a href="/reports/(\d+)/">(.*?)</tr>', table, re.S)
    }
    assert set(rows) == {old.pk, new.pk}
    assert rows[new.pk].startswith(f"#{new.pk}</a>")
    assert "more than 491" in rows[new.pk] and f"corrects #{old.pk}" in rows[new.pk]
    assert old.phase.zone.name in rows[new.pk] and old.unit.name in rows[new.pk]
    assert "published source" in rows[new.pk]
    assert timezone.localtime(new.created_at).strftime("%H:%M") in rows[new.pk]
    assert "corrected by a later version" in rows[old.pk] and "corrects #" not in rows[old.pk]
