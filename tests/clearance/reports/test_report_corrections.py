"""Correcting progress reports as new versions that keep and link the old ones."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clearance.models import ProgressReport
from clearance.services.reports import ConflictError, report_accept, report_correct, report_return
from tests.clearance.reports.helpers import (
    DAY,
    LIST,
    correct_url,
    detail_url,
    form_data,
    html_of,
    snapshot,
    submitted,
    unescaped,
    vi,
)
from tests.factories import ProgressReportFactory, SourceFactory


def test_correcting_keeps_the_old_version_and_links_both(as_user, world):
    old = submitted(world)
    client = as_user(world.huu_lung_colleague)
    form = client.get(correct_url(old))
    assert form.status_code == 200
    assert 'value="490"' in html_of(form)  # prefilled with the current figures
    response = client.post(correct_url(old), form_data(world, cases_counted="493", area_handed_over_ha="60"))
    new = ProgressReport.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(new)
    assert new.corrects == old
    assert new.status == ProgressReport.Status.SUBMITTED
    assert new.reported_by == world.huu_lung_colleague
    assert (new.phase, new.unit, new.cases_counted, new.area_handed_over_ha) == (
        world.vsip,
        world.ho_son,
        493,
        Decimal("60"),
    )
    old.refresh_from_db()
    assert (old.cases_counted, old.status, old.history.count()) == (490, ProgressReport.Status.SUBMITTED, 1)

    old_page = html_of(client.get(detail_url(old)))
    assert detail_url(new) in old_page
    new_page = html_of(client.get(detail_url(new)))
    assert detail_url(old) in new_page
    assert "493" in new_page and "490" in new_page  # this version beside the previous one


def test_a_corrected_version_leaves_the_sign_off_queue(as_user, world):
    old = submitted(world)
    new = report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=491)
    html = html_of(as_user(world.officer).get(LIST))
    queue = html.split(vi("All reports"))[0]
    assert detail_url(new) in queue
    assert detail_url(old) not in queue
    with pytest.raises(ConflictError) as refused:
        report_accept(user=world.officer, report=old)
    assert refused.value.current == new
    assert snapshot(old)[0] == ProgressReport.Status.SUBMITTED


def test_a_returned_report_is_corrected_by_a_new_submitted_version(as_user, world):
    old = submitted(world)
    report_return(user=world.officer, report=old, reason="Kiểm tra lại số hộ.")
    client = as_user(world.huu_lung_staff)
    form = html_of(client.get(correct_url(old)))
    assert "Kiểm tra lại số hộ." in form
    client.post(correct_url(old), form_data(world, cases_counted="480"))
    new = ProgressReport.objects.get(corrects=old)
    assert new.status == ProgressReport.Status.SUBMITTED
    assert snapshot(old)[0] == ProgressReport.Status.RETURNED
    report_accept(user=world.officer, report=new)
    assert snapshot(new)[0] == ProgressReport.Status.ACCEPTED


def test_a_second_correction_of_the_same_version_gets_the_conflict_page(as_user, world):
    old = submitted(world)
    theirs = report_correct(user=world.huu_lung_colleague, previous=old, reported_on=DAY, cases_counted=491)
    response = as_user(world.huu_lung_staff).post(correct_url(old), form_data(world, cases_counted="477"))
    assert response.status_code == 409
    html = unescaped(html_of(response))
    assert "hl_colleague" in html
    assert "491" in html and "477" in html  # their figures beside mine
    assert reverse("clearance:report_correct", args=[theirs.pk]) in html  # offer to correct theirs instead
    assert ProgressReport.objects.count() == 2
    assert ProgressReport.objects.get(corrects=old) == theirs
    with pytest.raises(ConflictError) as refused:
        report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=1)
    assert refused.value.current == theirs
    assert ProgressReport.objects.count() == 2


def test_opening_the_correction_of_a_corrected_version_leads_to_the_latest(as_user, world):
    old = submitted(world)
    middle = report_correct(user=world.huu_lung_staff, previous=old, reported_on=DAY, cases_counted=491)
    latest = report_correct(user=world.huu_lung_staff, previous=middle, reported_on=DAY, cases_counted=492)
    response = as_user(world.huu_lung_staff).get(correct_url(old))
    assert response.status_code == 302
    assert response["Location"] == detail_url(latest)
    page = html_of(as_user(world.huu_lung_staff).get(detail_url(middle)))
    for version in (old, middle, latest):
        assert f"#{version.pk}" in page


def test_figures_of_a_published_source_are_not_corrected_here(as_user, world):
    article = ProgressReportFactory(
        phase=world.vsip, unit=world.huu_lung, source=SourceFactory(), status=ProgressReport.Status.ACCEPTED
    )
    client = as_user(world.huu_lung_staff)
    response = client.post(correct_url(article), form_data(world, cases_counted="1"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(article)
    assert ProgressReport.objects.count() == 1
    assert correct_url(article) not in html_of(client.get(detail_url(article)))


def test_a_correction_with_bad_figures_writes_nothing(as_user, world):
    old = submitted(world)
    response = as_user(world.huu_lung_staff).post(correct_url(old), form_data(world, cases_counted="-3"))
    assert response.status_code == 200
    assert vi("Enter zero or more.") in response.context["form"].errors["cases_counted"]
    assert ProgressReport.objects.count() == 1
