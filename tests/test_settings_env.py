"""Production refuses to start without a real SECRET_KEY; the environment picks debug mode and the database.

Each case starts Django in a fresh interpreter, because settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REAL_KEY = "k3Jq9x-Vt7pLw2Rz8nYb5Hc4Mf6Ds1Ga0Ue-Xo9Qi7Wr2Ty5Zs8Nl3Kp6Bv4Cj"

# A developer's .env must not decide these tests: read_env only fills variables that are
# missing, so it is switched off and every case passes exactly the variables it tests.
SCRIPT = """
import json, os
import environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
os.environ["DJANGO_SETTINGS_MODULE"] = "lsip.settings"
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
}))
"""

CONTROLLED = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECURE_COOKIES"}


def start_django(**variables):
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def started(**variables):
    result = start_django(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({}, id="no key at all"),
        pytest.param({"SECRET_KEY": "", "DEBUG": "false"}, id="empty key"),
        pytest.param({"SECRET_KEY": "change-me", "DEBUG": "false"}, id="key from .env.example"),
        pytest.param({"SECRET_KEY": "django-insecure-abc123", "DEBUG": "false"}, id="django-insecure key"),
    ],
)
def test_production_refuses_to_start_without_a_real_key(variables):
    result = start_django(**variables)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_starts_with_a_long_random_key():
    settings = started(SECRET_KEY=REAL_KEY, DEBUG="false")

    assert settings["debug"] is False
    assert settings["secure_cookies"] is True


def test_debug_is_off_unless_asked_for():
    assert started(SECRET_KEY=REAL_KEY)["debug"] is False


def test_debug_mode_starts_without_a_key():
    settings = started(SECRET_KEY="", DEBUG="true")

    assert settings["debug"] is True
    assert settings["secure_cookies"] is False


def test_no_database_url_means_sqlite_in_the_project():
    settings = started(SECRET_KEY=REAL_KEY, DEBUG="false")

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(PROJECT_ROOT / "db.sqlite3")


def test_database_url_selects_postgresql():
    settings = started(SECRET_KEY=REAL_KEY, DEBUG="false", DATABASE_URL="postgres://u@127.0.0.1:5432/x")

    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "x"
