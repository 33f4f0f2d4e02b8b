"""Cases with dated steps in two areas, Hữu Lũng and Cao Lộc, and the people who read them."""

import csv
import datetime
import io
import re
from types import SimpleNamespace

import pytest

from clearance.models import Stage, StageEvent
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    PhaseFactory,
    StaffProfileFactory,
    StageEventFactory,
    UserFactory,
    ZoneFactory,
)
from zones.models import StaffProfile

Kind = StageEvent.Kind
# A Monday: the day most tests count from ("D" in the brief), and their "today" unless they say.
D = datetime.date(2024, 3, 4)


def days(n):
    return datetime.timedelta(days=n)


def make_case(*, steps=None, stage=None, **fields):
    """A case with a StageEvent for each (kind, date) in steps; its stage is the last main-line step."""
    steps = steps or {}
    if stage is None:
        reached = [kind for kind in Stage.values if kind in steps]
        stage = reached[-1] if reached else Stage.NOTICE
    case = CaseFactory(stage=stage, **fields)
    for kind, day in steps.items():
        StageEventFactory(case=case, kind=kind, happened_on=day, doc_date=day)
    return case


def approved(on, *, decided=None, paid=None, **fields):
    """A case whose plan was approved `on`, with its recovery decision and payment if given."""
    steps = {Kind.NOTICE: on - days(200), Kind.INVENTORY: on - days(150), Kind.PLAN_POSTED: on - days(40)}
    steps[Kind.PLAN_APPROVED] = on
    if decided:
        steps[Kind.RECOVERY_DECIDED] = decided
    if paid:
        steps[Kind.PAID] = paid
    return make_case(steps=steps, **fields)


@pytest.fixture
def areas(db):
    """Hữu Lũng (VSIP, commune Hồ Sơn) and Cao Lộc (a cluster, commune Hợp Thành), each with a phase."""
    huu_lung = DistrictFactory(name="Huyện Hữu Lũng", code=186)
    cao_loc = DistrictFactory(name="Huyện Cao Lộc", code=183)
    ho_son = CommuneFactory(name="Xã Hồ Sơn", code=6451, parent=huu_lung)
    hop_thanh = CommuneFactory(name="Xã Hợp Thành", code=6205, parent=cao_loc)
    vsip = PhaseFactory(zone=ZoneFactory(name="Khu công nghiệp VSIP Lạng Sơn", unit=huu_lung))
    cluster = PhaseFactory(zone=ZoneFactory(name="Cụm công nghiệp Hợp Thành 1", unit=cao_loc))
    return SimpleNamespace(
        huu_lung=huu_lung, cao_loc=cao_loc, ho_son=ho_son, hop_thanh=hop_thanh, vsip=vsip, cluster=cluster
    )


def local_staff(*units):
    user = UserFactory()
    StaffProfileFactory(user=user, role=StaffProfile.Role.LOCAL_STAFF, units=list(units))
    return user


@pytest.fixture
def cao_loc_client(client, areas):
    client.force_login(local_staff(areas.cao_loc))
    return client


@pytest.fixture
def huu_lung_client(client, areas):
    client.force_login(local_staff(areas.huu_lung))
    return client


@pytest.fixture
def fixed_today(monkeypatch):
    """Make the pages' "today" a chosen date: call it with the date."""

    def fix(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return fix


def case_codes(html):
    """The case codes linked from the rows of the page's table, in order."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S)
    return re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', tbody.group(1)) if tbody else []


def csv_rows(response):
    """The rows of a CSV download as dicts keyed by the header."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
