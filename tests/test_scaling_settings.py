"""Several app servers, one state: the shared cache, sessions in the database, reads on replicas.

The parsing is tested as functions (lsip/scaling.py); how settings.py wires it is tested by
starting Django in fresh interpreters, since settings are read once a process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, router
from django.http import HttpResponse
from django.test import RequestFactory

from lsip import scaling
from lsip.db_routers import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter
from tests.factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}
REPLICAS = ["replica_1", "replica_2"]


# --- CACHE_URL and the sessions ----------------------------------------------------------------


def test_the_default_cache_is_the_database_shared_by_every_server():
    cache = scaling.cache_config(scaling.DEFAULT_CACHE_URL)

    assert cache == {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lsip_cache"}
    assert scaling.session_engine(cache) == "django.contrib.sessions.backends.db"


def test_redis_goes_through_djangos_own_backend_and_fronts_the_sessions():
    cache = scaling.cache_config("redis://cache.internal:6379/1")

    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }
    assert scaling.session_engine(cache) == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        pytest.param("pymemcache://10.0.0.5:11211", "cached_db", id="memcached is shared"),
        pytest.param("locmemcache://", "db", id="locmem is one process's"),
        pytest.param("filecache:///var/tmp/lsip", "db", id="a file cache is one host's"),
    ],
)
def test_sessions_are_cached_only_in_a_shared_memory_cache(url, engine):
    assert scaling.session_engine(scaling.cache_config(url)) == f"django.contrib.sessions.backends.{engine}"


@pytest.mark.django_db
def test_a_value_cached_by_one_server_is_read_by_another():
    first_server, second_server = caches.create_connection("default"), caches.create_connection("default")
    assert first_server is not second_server

    first_server.set("zone-7-figures", {"cases": 495}, timeout=60)

    assert second_server.get("zone-7-figures") == {"cases": 495}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM lsip_cache")
        assert cursor.fetchone()[0] == 1
    second_server.delete("zone-7-figures")
    assert first_server.get("zone-7-figures") is None


@pytest.mark.django_db
def test_a_login_is_kept_in_the_database_not_in_the_server(client):
    client.force_login(UserFactory())

    assert Session.objects.filter(session_key=client.session.session_key).exists()


# --- DATABASE_REPLICA_URLS -----------------------------------------------------------------------


def test_replica_urls_become_numbered_mirrors_of_the_primary():
    replicas = scaling.replica_databases(
        ["postgres://lsip@10.0.0.11:5432/lsip", " postgres://lsip@10.0.0.12:5432/lsip ", ""], default=POSTGRES
    )

    assert list(replicas) == REPLICAS
    assert [replica["HOST"] for replica in replicas.values()] == ["10.0.0.11", "10.0.0.12"]
    assert all(replica["TEST"] == {"MIRROR": "default"} for replica in replicas.values())
    assert all(replica["CONN_MAX_AGE"] == 60 for replica in replicas.values())
    assert all(not replica.get("ATOMIC_REQUESTS") for replica in replicas.values())


def test_no_replica_urls_no_replicas():
    assert scaling.replica_databases([], default=POSTGRES) == {}


def test_a_replica_on_another_engine_is_refused():
    with pytest.raises(ImproperlyConfigured, match="replica 1"):
        scaling.replica_databases(["sqlite:///elsewhere.sqlite3"], default=POSTGRES)


# --- the router and its middleware ---------------------------------------------------------------


def serve(method, *, cookies=None, view=None):
    """Serve one request through the middleware; the view reports where a read would go."""
    seen = {}

    def get_response(request):
        if view:
            view()
        seen["read"] = router.db_for_read(get_user_model())
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(get_response)
    middleware.replicas = REPLICAS
    request = getattr(RequestFactory(), method)("/")
    request.COOKIES.update(cookies or {})
    response = middleware(request)
    return seen["read"], response


@pytest.fixture
def replica_router(settings):
    """The router installed, as settings.py installs it when replicas are configured."""
    settings.DATABASE_ROUTERS = ["lsip.db_routers.ReplicaRouter"]


@pytest.mark.usefixtures("replica_router")
def test_a_get_request_reads_from_a_replica():
    read, response = serve("get")

    assert read in REPLICAS
    assert PIN_COOKIE not in response.cookies


@pytest.mark.usefixtures("replica_router")
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_reads_from_the_primary(method):
    assert serve(method)[0] == "default"


@pytest.mark.usefixtures("replica_router")
@pytest.mark.django_db
def test_a_get_request_that_wrote_reads_its_writes_and_so_do_the_next_for_a_while():
    read, response = serve("get", view=lambda: UserFactory())

    assert read == "default"
    assert response.cookies[PIN_COOKIE]["max-age"] == django_settings.LSIP_REPLICA_PIN_SECONDS
    assert response.cookies[PIN_COOKIE]["httponly"]
    assert serve("get", cookies={PIN_COOKIE: "1"})[0] == "default"


@pytest.mark.usefixtures("replica_router")
@pytest.mark.django_db
def test_writing_the_database_cache_does_not_hold_the_request_on_the_primary():
    read, response = serve("get", view=lambda: caches.create_connection("default").set("k", 1))

    assert read in REPLICAS
    assert PIN_COOKIE not in response.cookies


@pytest.mark.usefixtures("replica_router")
def test_outside_a_request_everything_goes_to_the_primary():
    """Management commands and the shell read what they are about to write."""
    assert router.db_for_read(get_user_model()) == "default"
    assert router.db_for_write(get_user_model()) == "default"


def test_writes_and_migrations_only_on_the_primary():
    replica_router = ReplicaRouter()

    assert replica_router.allow_migrate("default", "clearance")
    assert not replica_router.allow_migrate("replica_1", "clearance")
    assert replica_router.allow_relation(object(), object())


# --- how settings.py wires it ---------------------------------------------------------------------

SCRIPT = """
import json, os
import environ
environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)
os.environ["DJANGO_SETTINGS_MODULE"] = "lsip.settings"
import django
django.setup()
from django.conf import settings
from django.contrib.auth.models import User
from django.db import router
print(json.dumps({
    "databases": {alias: config["TEST"].get("MIRROR") for alias, config in settings.DATABASES.items()},
    "routers": settings.DATABASE_ROUTERS,
    "first_middleware": settings.MIDDLEWARE[0],
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "read_outside_a_request": router.db_for_read(User),
}))
"""
CONTROLLED = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DATABASE_REPLICA_URLS", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}


def started(**variables):
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(SECRET_KEY="k3Jq9x-Vt7pLw2Rz8nYb5Hc4Mf6Ds1Ga0Ue-Xo9Qi7Wr2Ty5Zs8Nl3Kp6Bv4Cj", **variables)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_replicas_no_router_is_installed():
    settings = started()

    assert settings["databases"] == {"default": None}
    assert settings["routers"] == []
    assert settings["first_middleware"] != "lsip.db_routers.ReplicaReadsMiddleware"
    assert settings["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings["sessions"] == "django.contrib.sessions.backends.db"


def test_replicas_and_redis_from_the_environment():
    """Redis needs the `redis` package only once the cache is used, not to start."""
    settings = started(
        DATABASE_URL="postgres://lsip@10.0.0.10:5432/lsip",
        DATABASE_REPLICA_URLS="postgres://lsip@10.0.0.11:5432/lsip,postgres://lsip@10.0.0.12:5432/lsip",
        CACHE_URL="redis://10.0.0.20:6379/0",
    )

    assert settings["databases"] == {"default": None, "replica_1": "default", "replica_2": "default"}
    assert settings["routers"] == ["lsip.db_routers.ReplicaRouter"]
    assert settings["first_middleware"] == "lsip.db_routers.ReplicaReadsMiddleware"
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert settings["read_outside_a_request"] == "default"
