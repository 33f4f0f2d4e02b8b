"""Cases with dated steps in two areas, Hữu Lũng and Cao Lộc, and the people who read them."""

import csv
import datetime
import io
import random
import re
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.utils import timezone

from clearance import rules
from clearance.models import Case, Complaint, Stage, StageEvent
from tests.factories import (
    CaseFactory,
    CommuneFactory,
    DistrictFactory,
    PhaseFactory,
    StageEventFactory,
    ZoneFactory,
    local_staff,
)

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


def body_rows(html):
    """The HTML of each row of the page's table."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S).group(1)
    return re.findall(r"<tr[^>]*>.*?</tr>", tbody, flags=re.S)


def row_of(html, code):
    (row,) = [row for row in body_rows(html) if f">{code}</a>" in row]
    return row


def csv_rows(response):
    """The rows of a CSV download, the header row first."""
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def csv_dicts(response):
    """The rows of a CSV download keyed by the header's words (English with the `english` client)."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


# --- a mixed set of cases, and what each list should hold, worked out from the raw rows ----------

TODAY = datetime.date(2024, 9, 16)


def build_mixed(areas, count, *, seed=4):
    """`count` cases spread over both areas, with steps around every deadline, some without events."""
    rng = random.Random(seed)
    places = [(areas.vsip, areas.ho_son), (areas.cluster, areas.hop_thanh)]
    for number in range(count):
        phase, unit = places[number % 2]
        fields = {"phase": phase, "unit": unit, "code": f"M-{number:03d}", "is_synthetic": rng.random() < 0.5}
        shape = rng.random()
        if shape < 0.15:
            # No dated step at all: counted from the day it was recorded (today, for the factory).
            CaseFactory(stage=rng.choice(Stage.values[:4]), **fields)
        elif shape < 0.35:
            notice = TODAY - days(rng.randint(10, 200))
            steps = {Kind.NOTICE: notice}
            if rng.random() < 0.5:
                steps[Kind.INVENTORY] = notice + days(rng.randint(15, 40))
            if rng.random() < 0.3:
                steps[Kind.COMPULSORY_INVENTORY] = notice + days(rng.randint(16, 30))
            make_case(steps=steps, **fields)
        else:
            approved_on = TODAY - days(rng.randint(0, 90))
            decided = rng.choice([None, 3, 10, 11, 25])
            paid = rng.choice([None, 20, 30, 31, 50]) if decided else None
            if paid is not None and paid <= decided:
                paid = decided + 1
            case = approved(
                approved_on,
                decided=approved_on + days(decided) if decided is not None else None,
                paid=approved_on + days(paid) if paid is not None else None,
                **fields,
            )
            if paid and rng.random() < 0.4:
                handed = approved_on + days(paid + rng.randint(30, 60))
                kinds = [Kind.HANDED_OVER] + ([Kind.ENFORCEMENT] if rng.random() < 0.5 else [])
                for kind in kinds:
                    StageEventFactory(case=case, kind=kind, happened_on=handed, doc_date=handed)
                case.stage = Stage.HANDED_OVER
                case.save(update_fields=["stage"])  # a save: the case's kept dates follow
        if rng.random() < 0.3:
            case = Case.objects.get(code=fields["code"])
            received = TODAY - days(rng.randint(0, 100))
            if rng.random() < 0.6:
                Complaint.objects.create(case=case, received_on=received, summary=f"Khiếu nại {number}")
            else:
                Complaint.objects.create(
                    case=case,
                    received_on=received,
                    summary="Đã giải quyết",
                    status=Complaint.Status.RESOLVED,
                    resolved_on=received,
                )


class Expected:
    """Each bottleneck list worked out in Python from the raw rows, with the rules' own date functions."""

    def __init__(self, today, cases=None):
        self.today = today
        self.cases = list(cases if cases is not None else Case.objects.all())
        self.steps = defaultdict(dict)
        for case_id, kind, day in StageEvent.objects.values_list("case_id", "kind", "happened_on"):
            self.steps[case_id][kind] = day

    def missed(self, case):
        """{kind of miss: days past the deadline} for one case."""
        steps = self.steps[case.pk]
        approved_on = steps.get(Kind.PLAN_APPROVED)
        if approved_on is None:
            return {}
        missed = {}
        for kind, deadline, now_key, late_key in (
            (Kind.RECOVERY_DECIDED, rules.recovery_decision_deadline(approved_on), "decision_now", "decision_late"),
            (Kind.PAID, rules.payment_deadline(approved_on), "payment_now", "payment_late"),
        ):
            done = steps.get(kind)
            if rules.is_overdue(deadline, done_on=done, today=self.today):
                missed[late_key if done else now_key] = ((done or self.today) - deadline).days
        return missed

    def overdue(self, kinds=("decision_now", "payment_now", "decision_late", "payment_late")):
        """{code: worst days past a deadline} of the cases that missed one of `kinds`."""
        rows = {}
        for case in self.cases:
            missed = self.missed(case)
            if set(missed) & set(kinds):
                rows[case.code] = max(missed.values())
        return rows

    def stage_began(self, case):
        day = self.steps[case.pk].get(case.stage)
        return (day, True) if day else (timezone.localtime(case.created_at).date(), False)

    def stuck(self, stuck_days):
        """{code: days in the stage} of the cases not handed over, in their stage more than stuck_days days."""
        rows = {}
        for case in self.cases:
            began, _dated = self.stage_began(case)
            if case.stage != Stage.HANDED_OVER and (self.today - began).days > stuck_days:
                rows[case.code] = (self.today - began).days
        return rows

    def enforcement(self):
        return {
            case.code for case in self.cases if {Kind.COMPULSORY_INVENTORY, Kind.ENFORCEMENT} & set(self.steps[case.pk])
        }

    def complaints(self):
        """{(code, received on): days open} of the open complaints."""
        codes = {case.pk: case.code for case in self.cases}
        return {
            (codes[complaint.case_id], complaint.received_on): (self.today - complaint.received_on).days
            for complaint in Complaint.objects.filter(status=Complaint.Status.OPEN)
            if complaint.case_id in codes
        }
