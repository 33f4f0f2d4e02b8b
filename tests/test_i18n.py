from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ZoneFactory
from zones.models import Qualifier

OVERVIEW = reverse("clearance:overview")


@pytest.fixture
def zone(db):
    return ZoneFactory(
        name="Khu công nghiệp VSIP Lạng Sơn",
        planned_area_ha=Decimal("1234.5"),
        planned_area_qualifier=Qualifier.NEARLY,
    )


def switch(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": OVERVIEW})
    assert response.status_code == 302
    assert response["Location"] == OVERVIEW


def test_vietnamese_by_default_english_on_request_and_back(logged_in_client, zone):
    html = logged_in_client.get(OVERVIEW).content.decode()
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html
    assert "<h2>Khu công nghiệp <small" in html
    assert "gần 1.234,5 ha" in html

    switch(logged_in_client, "en")
    html = logged_in_client.get(OVERVIEW).content.decode()
    assert '<html lang="en">' in html
    assert "Overview" in html and "Tổng quan" not in html
    assert "<h2>Industrial zones <small" in html
    assert "nearly 1,234.5 ha" in html
    # Data keep their own language.
    assert "Khu công nghiệp VSIP Lạng Sơn" in html

    switch(logged_in_client, "vi")
    html = logged_in_client.get(OVERVIEW).content.decode()
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html and "Overview" not in html


def test_language_switcher_is_a_post_form_on_every_page(logged_in_client, zone):
    html = logged_in_client.get(reverse("clearance:zone_detail", args=[zone.pk])).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="en"' in html
    assert f'action="{reverse("logout")}" method="post"' in html


def test_unknown_language_keeps_vietnamese(logged_in_client, zone):
    logged_in_client.post(reverse("set_language"), {"language": "xx", "next": OVERVIEW})
    html = logged_in_client.get(OVERVIEW).content.decode()
    assert "Tổng quan" in html


def test_staff_see_the_admin_link_and_others_do_not(client, zone, user):
    client.force_login(user)
    assert "Quản trị</a>" not in client.get(OVERVIEW).content.decode()
    user.is_staff = True
    user.save()
    assert "Quản trị</a>" in client.get(OVERVIEW).content.decode()


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(logged_in_client, zone):
    html = logged_in_client.get(OVERVIEW, headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in html and "Tổng quan" in html

    switch(logged_in_client, "en")
    html = logged_in_client.get(OVERVIEW, headers={"accept-language": "vi"}).content.decode()
    assert '<html lang="en">' in html and "Overview" in html
