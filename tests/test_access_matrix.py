"""Every URL of the portal, opened by every role: a new URL without an access rule fails the suite.

The test walks the URL resolver (the admin, i18n and static files have their own rules and are
skipped), so adding a path() means adding its row to EXPECTED: how to build its arguments from
the objects of `world` and what each role gets on GET. Objects are in Hữu Lũng, so the Cao Lộc
staff must get 404 wherever an object is named.
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clearance.models import Complaint, InventoryImport, ProgressReport
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    InvestorFactory,
    PhaseFactory,
    ProgressReportFactory,
    StaffProfileFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import StaffProfile, Zone

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")
ROLES = ("anonymous", "no_profile", "provincial", "huu_lung", "cao_loc", "investor", "admin")
LOGIN = "login"  # a redirect to the login page
OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


def statuses(anonymous, no_profile, provincial, huu_lung, cao_loc, investor, admin):
    """One row of the matrix, in the order of ROLES."""
    return dict(zip(ROLES, (anonymous, no_profile, provincial, huu_lung, cao_loc, investor, admin), strict=True))


@dataclass(frozen=True)
class Rule:
    expected: dict
    kwargs: object = None  # world -> the URL's keyword arguments
    # "post" for a URL that only accepts POST: an empty form is sent, and a refused role must get
    # its 403/404 before the form is even read.
    method: str = "get"


# URL name -> what each role gets (on GET unless the rule says POST). Write the row with the path().
EXPECTED = {
    "login": Rule(statuses(OK, OK, OK, OK, OK, OK, OK)),
    # Logging out is a POST (Django 5); a GET is refused for everyone.
    "logout": Rule(statuses(*[NOT_ALLOWED] * 7)),
    "clearance:overview": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    "clearance:zone_list": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    "clearance:zone_detail": Rule(
        statuses(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK),
        kwargs=lambda world: {"pk": world.zone.pk},
    ),
    "clearance:case_list": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    "clearance:case_detail": Rule(
        statuses(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK),
        kwargs=lambda world: {"pk": world.case.pk},
    ),
    # Case updates: local staff of the case's area and admins; readers of the area get 403.
    **{
        f"clearance:{name}": Rule(
            statuses(LOGIN, NOT_FOUND, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, OK),
            kwargs=lambda world: {"pk": world.case.pk},
        )
        for name in ("case_advance", "case_event", "case_payment", "case_complaint")
    },
    "clearance:case_complaint_resolve": Rule(
        statuses(LOGIN, NOT_FOUND, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, OK),
        kwargs=lambda world: {"pk": world.case.pk, "complaint_pk": world.complaint.pk},
    ),
    # Dashboard lists: every role reads them, each within its own area (empty without a profile).
    "clearance:progress_breakdown": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    "clearance:report_checks": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    # Bottlenecks: every role reads them, each within its own area (an empty list without a profile).
    **{
        f"clearance:{name}": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK))
        for name in (
            "bottlenecks",
            "bottleneck_overdue",
            "bottleneck_stuck",
            "bottleneck_enforcement",
            "bottleneck_complaints",
            "bottleneck_unreported",
        )
    },
    # Reports: everyone with a role lists what they may see; local staff submit, the province signs off.
    "clearance:report_list": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    "clearance:report_new": Rule(statuses(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK)),
    "clearance:report_detail": Rule(
        statuses(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK),
        kwargs=lambda world: {"pk": world.report.pk},
    ),
    "clearance:report_correct": Rule(
        statuses(LOGIN, NOT_FOUND, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, OK),
        kwargs=lambda world: {"pk": world.report.pk},
    ),
    # An empty decision is shown back with its error (200) to those who may sign off.
    "clearance:report_review": Rule(
        statuses(LOGIN, NOT_FOUND, OK, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK),
        kwargs=lambda world: {"pk": world.report.pk},
        method="post",
    ),
    # The weekly report: everyone with an account reads it over their own area (empty without one).
    "clearance:weekly_report": Rule(statuses(LOGIN, OK, OK, OK, OK, OK, OK)),
    # Imports: local staff and admins; an upload is seen only by its uploader and admins.
    "clearance:import_start": Rule(statuses(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK)),
    "clearance:import_template": Rule(statuses(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK)),
    "clearance:import_preview": Rule(
        statuses(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
        kwargs=lambda world: {"pk": world.upload.pk},
    ),
    # A sheet with errors is never applied: the uploader is sent back to its preview (302).
    "clearance:import_confirm": Rule(
        statuses(LOGIN, NOT_FOUND, NOT_FOUND, FOUND, NOT_FOUND, NOT_FOUND, FOUND),
        kwargs=lambda world: {"pk": world.upload.pk},
        method="post",
    ),
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def portal_urls():
    """(URL name, route) of every URL the portal serves outside the admin, i18n and static files."""
    return list(_walk(get_resolver().url_patterns))


def test_every_url_is_named():
    unnamed = [route for name, route in portal_urls() if name is None]
    assert not unnamed, f"name these URLs so they can have an access rule: {unnamed}"


def test_every_url_has_an_access_rule():
    names = {name for name, _route in portal_urls() if name}
    missing = sorted(names - set(EXPECTED))
    assert not missing, "add an access rule to EXPECTED in tests/test_access_matrix.py for " + ", ".join(missing)
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"these rules name URLs that no longer exist: {stale}"


@pytest.fixture
def world(db):
    """VSIP in Hữu Lũng with a case, a report, an import and a complaint; Cao Lộc with a cluster and a case."""
    huu_lung = DistrictFactory(name="Huyện Hữu Lũng", code=186)
    ho_son = CommuneFactory(name="Xã Hồ Sơn", code=6451, parent=huu_lung)
    cao_loc = DistrictFactory(name="Huyện Cao Lộc", code=183)
    vsip = InvestorFactory(name="Công ty VSIP Lạng Sơn", short_name="VSIP")
    zone = ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=huu_lung, investor=vsip)
    phase = PhaseFactory(zone=zone)
    case = CaseFactory(phase=phase, unit=ho_son, code="HS-001")
    cluster = ZoneFactory(name="Cụm công nghiệp Hợp Thành 1", kind=Zone.Kind.INDUSTRIAL_CLUSTER, unit=cao_loc)
    CaseFactory(phase=PhaseFactory(zone=cluster), unit=CommuneFactory(parent=cao_loc), code="CL-001")

    def person(role=None, units=(), **profile):
        user = UserFactory()
        if role:
            StaffProfileFactory(user=user, role=role, units=list(units), **profile)
        return user

    Role = StaffProfile.Role
    users = {
        "anonymous": None,
        "no_profile": person(),
        "provincial": person(Role.PROVINCIAL_OFFICER),
        "huu_lung": person(Role.LOCAL_STAFF, [huu_lung]),
        "cao_loc": person(Role.LOCAL_STAFF, [cao_loc]),
        "investor": person(Role.INVESTOR, investor=vsip),
        "admin": person(Role.ADMIN),
    }
    report = ProgressReportFactory(phase=phase, unit=ho_son, reported_by=users["huu_lung"], cases_counted=1)
    accepted = ProgressReportFactory(
        phase=phase,
        unit=ho_son,
        reported_on=datetime.date(2024, 9, 1),
        reported_by=users["huu_lung"],
        status=ProgressReport.Status.ACCEPTED,
        reviewed_by=users["provincial"],
    )
    upload = InventoryImport.objects.create(
        phase=phase,
        uploaded_by=users["huu_lung"],
        file_name="kiem_dem.csv",
        file_format=InventoryImport.Format.CSV,
        content="Mã hồ sơ\n".encode(),
        sha256="0" * 64,
    )
    complaint = Complaint.objects.create(case=case, received_on=datetime.date(2024, 10, 1), summary="Khiếu nại")
    return SimpleNamespace(
        users=users,
        zone=zone,
        phase=phase,
        case=case,
        report=report,
        accepted_report=accepted,
        upload=upload,
        complaint=complaint,
    )


def _status(client, user, url, method="get"):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_what_the_matrix_says(client, world, name):
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)

    got = {role: _status(client, world.users[role], url, rule.method) for role in ROLES}

    assert got == rule.expected, f"{name} ({url})"
