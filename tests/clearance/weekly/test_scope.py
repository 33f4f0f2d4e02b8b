"""The report holds what the user may see, narrowed by the filters and never widened by them."""

import re

import pytest
from django.test import Client

from tests.clearance.weekly.conftest import WEEK
from tests.clearance.weekly.helpers import URL, page_rows, sheet_rows, workbook_of
from tests.factories import UserFactory


def commune_keys(rows):
    return {key for key in rows if key[1] is not None}


def test_anonymous_users_are_sent_to_log_in(world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_cao_loc_staff_get_none_of_huu_lungs_rows(world, as_user):
    client = as_user(world.cao_loc_staff)
    html = client.get(URL, {"week": WEEK}).content.decode()
    assert commune_keys(page_rows(html)) == {(world.cluster.pk, world.hop_thanh.pk)}
    assert "VSIP" not in html
    assert "Chưa có đất tái định cư" not in html

    sheet = workbook_of(client.get(URL, {"week": WEEK, "_export": "xlsx"}))
    projects = [row["project"].value for row in sheet_rows(sheet)]
    assert len(projects) == 3  # the cluster's commune, its subtotal, the total
    assert not [value for row in sheet.iter_rows(values_only=True) for value in row if "VSIP" in str(value)]


def test_a_zone_outside_the_users_area_widens_nothing(world, as_user):
    client = as_user(world.cao_loc_staff, "en")
    response = client.get(URL, {"week": WEEK, "zone": world.p1.zone.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert commune_keys(page_rows(html)) == {(world.cluster.pk, world.hop_thanh.pk)}
    assert "This filter is not applied." in html
    sheet = workbook_of(client.get(URL, {"week": WEEK, "zone": world.p1.zone.pk, "_export": "xlsx"}))
    assert len(sheet_rows(sheet)) == 3


@pytest.mark.parametrize("name", ["phase", "unit"])
def test_a_phase_or_commune_outside_the_users_area_widens_nothing(world, as_user, name):
    value = world.p1.pk if name == "phase" else world.ho_son.pk
    html = as_user(world.cao_loc_staff).get(URL, {"week": WEEK, name: value}).content.decode()
    assert commune_keys(page_rows(html)) == {(world.cluster.pk, world.hop_thanh.pk)}


def test_staff_of_an_area_without_cases_get_an_empty_report(world, as_user):
    client = as_user(world.dinh_lap_staff, "en")
    response = client.get(URL, {"week": WEEK})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No case in this scope: the report has no rows." in html
    assert "Area of Huyện Đình Lập" in html
    rows = sheet_rows(workbook_of(client.get(URL, {"week": WEEK, "_export": "xlsx"})))
    assert len(rows) == 1
    assert rows[0]["cases"].value == 0


def test_a_user_without_a_profile_gets_an_empty_report(world):
    client = Client()
    client.force_login(UserFactory(username="nobody"))
    response = client.get(URL, {"week": WEEK})
    assert response.status_code == 200
    assert page_rows(response.content.decode()) == {}


def test_huu_lung_staff_see_their_district_only(world, as_user):
    html = as_user(world.huu_lung_staff, "en").get(URL, {"week": WEEK}).content.decode()
    assert commune_keys(page_rows(html)) == {
        (world.p1.pk, world.ho_son.pk),
        (world.p1.pk, world.hoa_thang.pk),
        (world.p2.pk, world.ho_son.pk),
    }
    assert "Area of Huyện Hữu Lũng" in html
    # Their zone list offers VSIP only: the cluster of Cao Lộc is not a choice.
    assert f'value="{world.cluster.zone.pk}"' not in re.search(r'<select name="zone".*?</select>', html, re.S).group()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"phase": "p2"}, {("p2", "ho_son")}),
        ({"zone": "vsip"}, {("p1", "ho_son"), ("p1", "hoa_thang"), ("p2", "ho_son")}),
        ({"unit": "ho_son"}, {("p1", "ho_son"), ("p2", "ho_son")}),
        ({"zone": "vsip", "unit": "hop_thanh"}, set()),
    ],
)
def test_the_filters_narrow_the_rows(world, as_user, filters, expected):
    ids = {
        "p1": world.p1.pk,
        "p2": world.p2.pk,
        "vsip": world.p1.zone_id,
        "ho_son": world.ho_son.pk,
        "hoa_thang": world.hoa_thang.pk,
        "hop_thanh": world.hop_thanh.pk,
    }
    params = {"week": WEEK, **{name: ids[value] for name, value in filters.items()}}
    html = as_user(world.officer).get(URL, params).content.decode()
    assert commune_keys(page_rows(html)) == {(ids[phase], ids[unit]) for phase, unit in expected}


@pytest.mark.parametrize(
    "params", [{"zone": "abc"}, {"phase": "-1"}, {"unit": "99999999999999999999"}, {"zone": "1.5", "unit": ""}]
)
def test_a_filter_value_that_is_no_choice_is_not_applied(world, as_user, params):
    response = as_user(world.huu_lung_staff).get(URL, {"week": WEEK, **params})
    assert response.status_code == 200
    assert len(commune_keys(page_rows(response.content.decode()))) == 3
