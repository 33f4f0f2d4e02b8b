import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

ENV_PASSWORD = "Lang-Son-VSIP-2024-mat-khau"


@pytest.fixture(autouse=True)
def no_env_password(monkeypatch):
    monkeypatch.delenv("LSIP_ADMIN_PASSWORD", raising=False)


def ensure_admin():
    out = io.StringIO()
    with translation.override("en"):
        call_command("ensure_admin", stdout=out)
    return out.getvalue()


def admin():
    return get_user_model().objects.get(username="admin")


def test_creates_admin_with_the_password_from_the_environment(db, client, monkeypatch):
    monkeypatch.setenv("LSIP_ADMIN_PASSWORD", ENV_PASSWORD)
    out = ensure_admin()
    assert "Created" in out
    assert ENV_PASSWORD not in out
    user = admin()
    assert user.is_superuser and user.is_staff and user.is_active
    assert client.login(username="admin", password=ENV_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_generated_password_is_printed_once_and_works(db, client):
    out = ensure_admin()
    match = re.search(r"password: (\S+)", out)
    assert match, out
    password = match.group(1)
    assert len(password) >= 20
    assert client.login(username="admin", password=password)

    again = ensure_admin()
    assert password not in again
    assert "password:" not in again
    assert "kept" in again
    assert admin().check_password(password)


def test_each_new_admin_gets_a_different_generated_password(db):
    first = re.search(r"password: (\S+)", ensure_admin()).group(1)
    admin().delete()
    second = re.search(r"password: (\S+)", ensure_admin()).group(1)
    assert first != second


def test_existing_admin_gets_the_environment_password_without_printing_it(db, client, monkeypatch):
    old = re.search(r"password: (\S+)", ensure_admin()).group(1)
    monkeypatch.setenv("LSIP_ADMIN_PASSWORD", ENV_PASSWORD)
    out = ensure_admin()
    assert ENV_PASSWORD not in out and old not in out
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert client.login(username="admin", password=ENV_PASSWORD)
    assert not admin().check_password(old)


def test_existing_account_is_kept_as_it_is(db):
    user = get_user_model().objects.create_user(username="admin", password="Their-own-choice-123", email="a@b.vn")
    out = ensure_admin()
    assert "password:" not in out
    user.refresh_from_db()
    assert user.check_password("Their-own-choice-123")
    assert user.email == "a@b.vn"


def test_weak_environment_password_is_refused(db, monkeypatch):
    monkeypatch.setenv("LSIP_ADMIN_PASSWORD", "123")
    with translation.override("en"), pytest.raises(CommandError, match="LSIP_ADMIN_PASSWORD is too weak") as error:
        call_command("ensure_admin", stdout=io.StringIO())
    assert "123" not in str(error.value).replace("LSIP_ADMIN_PASSWORD", "")
    assert not get_user_model().objects.filter(username="admin").exists()
