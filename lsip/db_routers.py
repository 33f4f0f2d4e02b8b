"""Reads of a GET request go to one read replica; everything else goes to the primary.

Installed by settings.py only when DATABASE_REPLICA_URLS names replicas (docs/OPERATIONS.md,
"Read replicas"). A replica trails the primary by a moment, so reads that must see the latest
write stay on the primary:
- outside a request (management commands, the shell) and in POST, PUT, PATCH and DELETE
  requests, where services read, check and write in one transaction;
- in a GET request from the moment it writes (a session saved, a login recorded);
- in the requests a browser sends for a few seconds after one that wrote (a cookie says so),
  so the page a form redirects to shows the change, and a new login finds its session.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http.request import HttpRequest

PIN_COOKIE = "lsip_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@dataclass
class RequestReads:
    replica: str | None
    wrote: bool = False


# Mutable state shared by the middleware and the router for the request being served.
_request = ContextVar("lsip_request_reads", default=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _request.get()
        if state is None or state.replica is None:
            return DEFAULT_DB_ALIAS
        return state.replica

    def db_for_write(self, model, **hints):
        state = _request.get()
        # The database cache is not data: its writes need not hold the request on the primary.
        if state is not None and model._meta.app_label != "django_cache":
            state.replica = None
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Chooses the database a request reads from (one replica for all its reads), and pins after writes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()

    def __call__(self, request: HttpRequest):
        reads_replica = bool(self.replicas) and request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        state = RequestReads(replica=random.choice(self.replicas) if reads_replica else None)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.LSIP_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
