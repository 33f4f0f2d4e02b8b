"""Debian's Chromium driven by Playwright, for the tests of this folder.

Skipped, with the reason, where Chromium or Playwright is not installed; CI installs both.
"""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "mat-khau-thu-nghiem-2025"

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")


def pytest_collection_modifyitems(items):
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    if not shutil.which(CHROMIUM):
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture
def browser():
    # Playwright runs an event loop in this thread; the ORM calls made by the test itself are
    # plain synchronous calls between page actions.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        # While Playwright's loop runs, the ORM calls of the test get their own connections (asgiref's
        # context-local storage): close them here, or the test database cannot be dropped at the end.
        connections.close_all()
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
