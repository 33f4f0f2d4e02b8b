"""What lets several app servers share one deployment: the cache, the sessions, the read replicas.

Pure functions of the environment's strings, called by settings.py and tested on their own
(docs/decisions/0015-stateless-app-servers.md, docs/OPERATIONS.md).
"""

from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

# The database cache: every app server on the same database shares it, with no other service.
# It needs its table: `manage.py createcachetable` after `migrate` (the test runner makes it).
DEFAULT_CACHE_URL = "dbcache://lsip_cache"

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"

# Caches held by a service all app servers talk to, and faster to reach than the database.
SHARED_MEMORY_CACHES = {
    REDIS_BACKEND,
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}


def cache_config(url):
    """CACHES["default"] from a CACHE_URL such as dbcache://lsip_cache, redis://host:6379/0, locmemcache://.

    Redis always goes through Django's own backend, which imports the `redis` package only when
    the cache is first used; django-environ would pick django-redis instead if it happened to be
    installed, with other option names.
    """
    scheme = urlparse(url).scheme
    backend = REDIS_BACKEND if scheme.startswith(("redis", "valkey")) else None
    return environ.Env.cache_url_config(url, backend=backend)


def session_engine(cache):
    """Sessions live in the database; a shared in-memory cache (Redis, Memcached) may front them.

    Not with the database cache (the same database, one more write for nothing), nor with a
    cache local to one process (locmem, file): a logout on one server would leave the session
    alive in another server's copy until it expired.
    """
    if cache["BACKEND"] in SHARED_MEMORY_CACHES:
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


def replica_databases(urls, *, default):
    """DATABASES entries replica_1, replica_2… for the read replicas' URLs, in the order given.

    Each mirrors the primary in tests (no test database of its own) and keeps connections as
    long as the primary does. A replica is a copy of the primary, so it runs the same engine.
    """
    replicas = {}
    for number, url in enumerate((url.strip() for url in urls if url.strip()), start=1):
        config = environ.Env.db_url_config(url)
        if config["ENGINE"] != default["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} runs {config['ENGINE']}, the primary {default['ENGINE']}."
            )
        config["CONN_MAX_AGE"] = default.get("CONN_MAX_AGE", 0)
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas
