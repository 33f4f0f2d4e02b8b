"""Signing off progress reports: accept, return with a reason, one review per report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext

from clearance.models import ProgressReport
from clearance.services.reports import report_accept, report_return, report_submit
from tests.clearance.reports.helpers import DAY, detail_url, html_of, review_url, snapshot, submitted, unescaped, vi
from tests.factories import UserFactory


def test_officer_accepts_a_report(as_user, world):
    report = submitted(world)
    client = as_user(world.officer)
    page = html_of(client.get(detail_url(report)))
    assert review_url(report) in page
    response = client.post(review_url(report), {"action": "accept", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == detail_url(report)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    assert report.reviewed_by == world.officer
    assert abs(timezone.now() - report.reviewed_at) < datetime.timedelta(minutes=1)
    latest = report.history.latest()
    assert latest.history_user == world.officer
    assert latest.history_change_reason == gettext("Accepted") or latest.history_change_reason == vi("Accepted")
    page = html_of(client.get(detail_url(report)))
    assert review_url(report) not in page
    assert "officer_a" in page


def test_returning_needs_a_reason(as_user, world):
    report = submitted(world)
    before = snapshot(report)
    client = as_user(world.officer)
    response = client.post(review_url(report), {"action": "return", "reason": "   "})
    assert response.status_code == 200
    assert vi("Say why the report is returned, so the unit knows what to correct.") in unescaped(html_of(response))
    assert snapshot(report) == before

    response = client.post(review_url(report), {"action": "return", "reason": "Số hộ đã chi trả chưa khớp bảng kê."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.review_note == "Số hộ đã chi trả chưa khớp bảng kê."
    assert report.reviewed_by == world.officer
    assert "Số hộ đã chi trả chưa khớp bảng kê." in report.history.latest().history_change_reason
    with pytest.raises(Exception):  # noqa: B017 - the service refuses a blank reason too
        report_return(user=world.second_officer, report=submitted(world), reason="")


def test_a_second_officer_reviewing_a_reviewed_report_gets_a_conflict(as_user, world):
    report = submitted(world)
    report_accept(user=world.officer, report=report)
    before = snapshot(report)
    response = as_user(world.second_officer).post(review_url(report), {"action": "return", "reason": "Sai số liệu."})
    assert response.status_code == 409
    html = unescaped(html_of(response))
    assert "officer_a" in html
    assert snapshot(report) == before
    assert report.history.count() == 2


def test_an_admin_cannot_sign_off_a_report_they_entered(world):
    admin = UserFactory(username="admin_x", is_superuser=True, is_staff=True)
    report = report_submit(user=admin, phase=world.vsip, unit=world.ho_son, reported_on=DAY, cases_counted=3)
    with pytest.raises(PermissionDenied):
        report_accept(user=admin, report=report)
    assert snapshot(report)[0] == ProgressReport.Status.SUBMITTED
