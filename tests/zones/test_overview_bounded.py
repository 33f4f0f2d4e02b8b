"""The overview stays one bounded page however many zones the country has; the zone list has them all."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearance.read import overview
from tests.factories import CaseFactory, CommuneFactory, PhaseFactory, ZoneFactory, local_staff
from zones.models import Zone

OVERVIEW = reverse("clearance:overview")
ZONE_LIST = reverse("clearance:zone_list")


def _zones(count, *, kind=Zone.Kind.INDUSTRIAL_ZONE, prefix="Khu công nghiệp Thử", cases=1, unit=None):
    """`count` zones named prefix 01, 02…, each with one phase holding `cases` cases (in `unit` if given)."""
    zones = []
    for n in range(1, count + 1):
        zone = ZoneFactory(name=f"{prefix} {n:02d}", kind=kind)
        phase = PhaseFactory(zone=zone)
        for _ in range(cases):
            CaseFactory(phase=phase, **({"unit": unit} if unit else {}))
        zones.append(zone)
    return zones


def test_the_overview_lists_the_first_zones_and_counts_every_case(logged_in_client, monkeypatch):
    monkeypatch.setattr(overview, "OVERVIEW_ZONES", 3)
    _zones(5)
    response = logged_in_client.get(OVERVIEW)
    html = response.content.decode()
    section = next(s for s in response.context["sections"] if s.kind == Zone.Kind.INDUSTRIAL_ZONE)
    assert [zone.name for zone in section.zones] == [f"Khu công nghiệp Thử {n:02d}" for n in (1, 2, 3)]
    assert (section.count, section.more) == (5, 2)
    assert "Khu công nghiệp Thử 04" not in html
    assert f'{ZONE_LIST}?kind=kcn"' in html  # the link to the rest
    # The registry's totals are over every zone, listed or not.
    assert response.context["dashboard"].totals.cases == 5


def test_a_search_narrows_the_totals_to_the_matching_zones(logged_in_client, monkeypatch):
    monkeypatch.setattr(overview, "OVERVIEW_ZONES", 1)
    _zones(3, prefix="Khu Đồng Mỏ", cases=2)
    _zones(2, prefix="Khu Hồ Sơn", cases=1)
    response = logged_in_client.get(OVERVIEW, {"q": "dong mo"})
    assert response.context["dashboard"].totals.cases == 6
    section = response.context["sections"][0]
    assert (len(section.zones), section.count) == (1, 3)
    assert f"{ZONE_LIST}?kind=kcn&amp;q=dong%20mo" in response.content.decode()


def test_the_overviews_queries_and_size_do_not_grow_with_zones(logged_in_client):
    _zones(1)
    _zones(1, prefix="Cụm cũ", kind=Zone.Kind.INDUSTRIAL_CLUSTER)
    with CaptureQueriesContext(connection) as few:
        small = logged_in_client.get(OVERVIEW)
    _zones(overview.OVERVIEW_ZONES + 10, prefix="Cụm mới", kind=Zone.Kind.INDUSTRIAL_CLUSTER)
    _zones(overview.OVERVIEW_ZONES + 10, prefix="Khu mới")
    with CaptureQueriesContext(connection) as many:
        large = logged_in_client.get(OVERVIEW)
    assert len(many) == len(few)
    # Bounded: what 20 zones and 20 clusters take, not the 62 there are.
    assert large.content.count(b"<tr") < 2 * overview.OVERVIEW_ZONES * 3 + 40
    assert len(large.content) < 20 * len(small.content)


def test_the_zone_list_pages_searches_and_filters_by_kind(logged_in_client):
    _zones(55, cases=0)
    _zones(2, kind=Zone.Kind.INDUSTRIAL_CLUSTER, prefix="Cụm công nghiệp Thử", cases=0)
    first = logged_in_client.get(ZONE_LIST)
    assert len(first.context["table"].page.object_list) == 50
    assert first.context["table"].page.has_next()
    second = logged_in_client.get(ZONE_LIST, {"page": 2})
    assert len(second.context["table"].page.object_list) == 7
    clusters = logged_in_client.get(ZONE_LIST, {"kind": "ccn"})
    assert [row.record.name for row in clusters.context["table"].page.object_list] == [
        "Cụm công nghiệp Thử 01",
        "Cụm công nghiệp Thử 02",
    ]
    ZoneFactory(name="Khu công nghiệp Đồng Đăng")
    found = logged_in_client.get(ZONE_LIST, {"q": "dong dang"})
    assert [row.record.name for row in found.context["table"].page.object_list] == ["Khu công nghiệp Đồng Đăng"]
    # An unknown kind is not an error: the list is not narrowed by it.
    assert logged_in_client.get(ZONE_LIST, {"kind": "<script>"}).status_code == 200


def test_local_staff_list_only_the_zones_of_their_area(db, client):
    commune = CommuneFactory(name="Xã Yên Trạch")
    _zones(2, prefix="Khu của xã", unit=commune)
    _zones(3, prefix="Khu nơi khác")
    client.force_login(local_staff(commune))
    names = [row.record.name for row in client.get(ZONE_LIST).context["table"].page.object_list]
    assert names == ["Khu của xã 01", "Khu của xã 02"]
    download = client.get(ZONE_LIST, {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Khu của xã 01", "Khu của xã 02"]
