"""Throughput under gunicorn: a bounded load on loopback, the login page first, then the overview.

gunicorn runs as a child process on a free port of 127.0.0.1 with the same DATABASE_URL, DEBUG off
and a random SECRET_KEY; it is stopped by its own PID at the end. A provincial officer is created
(committed: the server is another process) with a session made directly in the database, signed
with the server's key; both are deleted afterwards. The load is a few client threads (http.client,
standard library only), each sending requests one after another until the fixed count is reached
or the fixed duration is up; a request that is not 200 or fails is an error.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import override_settings

from clearance.bench.pages import percentile
from zones.models import StaffProfile

STARTUP_SECONDS = 60
REQUEST_TIMEOUT = 120


@dataclass
class LoadResult:
    name: str
    seconds: float
    latencies: list = field(default_factory=list)
    errors: int = 0
    not_sent: int = 0

    @property
    def ok(self):
        return len(self.latencies)

    @property
    def per_second(self):
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def p50(self):
        return percentile(self.latencies, 0.50) if self.latencies else None

    @property
    def p95(self):
        return percentile(self.latencies, 0.95) if self.latencies else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url():
    """This process's database as a URL, so the server reads the same one (a test database included)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("the load test needs PostgreSQL: the server is another process")
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


class Server:
    """gunicorn on loopback, as a child process; a context manager that always stops it."""

    def __init__(self, workers, ready_path):
        self.port = free_port()
        self.ready_path = ready_path
        self.secret_key = secrets.token_urlsafe(50)
        self.workers = workers
        self.process = None

    def __enter__(self):
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "false",
            "DJANGO_SETTINGS_MODULE": "lsip.settings",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "lsip.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.workers),
        ]
        command += ["--timeout", str(REQUEST_TIMEOUT), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _latency = get(self.port, self.ready_path, None)
                if status:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get(port, path, cookie):
    """One GET on a new connection (gunicorn's sync workers close it after each answer): (status, seconds)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        conn.close()


def drive(name, port, path, cookie, *, clients, requests, seconds):
    """`clients` threads share `requests` requests, stopping at `seconds`; the result counts what came back."""
    lock = threading.Lock()
    remaining = [requests]
    result = LoadResult(name, 0.0)
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                if not remaining[0]:
                    return
                remaining[0] -= 1
            try:
                status, latency = get(port, path, cookie)
            except OSError:
                status, latency = None, None
            with lock:
                if status == 200:
                    result.latencies.append(latency)
                else:
                    result.errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    result.not_sent = remaining[0]
    return result


def officer_session(secret_key):
    """A committed provincial officer and a session cookie for it, signed with the server's key."""
    user = get_user_model().objects.create(username=f"lsip-bench-load-{secrets.token_hex(4)}")
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
    with override_settings(SECRET_KEY=secret_key):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return user, session, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def forget(user, session):
    session.delete()
    user_id = user.pk
    user.delete()
    StaffProfile.history.filter(user_id=user_id).delete()


def measure_load(*, login_path, overview_path, clients, requests, seconds, workers, log=None):
    """[LoadResult of the login page, of the overview], under one gunicorn started and stopped here."""
    connection.ensure_connection()
    with Server(workers, login_path) as server:
        user, session, cookie = officer_session(server.secret_key)
        try:
            if log:
                log(f"load: gunicorn -w {workers} on 127.0.0.1:{server.port}, pid {server.process.pid}")
            status, _latency = get(server.port, overview_path, cookie)
            if status != 200:
                raise RuntimeError(f"the overview answered {status} under gunicorn: the session was not accepted")
            results = []
            for name, path, with_cookie in (("login page", login_path, None), ("overview", overview_path, cookie)):
                for _ in range(2 * workers):  # each worker's first requests pay for imports and templates
                    get(server.port, path, with_cookie)
                results.append(
                    drive(name, server.port, path, with_cookie, clients=clients, requests=requests, seconds=seconds)
                )
            return results
        finally:
            forget(user, session)
