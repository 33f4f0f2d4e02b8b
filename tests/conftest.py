import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from clearance.demo import vsip_phase_1
from tests.factories import StaffProfileFactory, UserFactory
from tests.snapshot import Snapshot


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language (Vietnamese), whatever a request before it left active."""
    translation.deactivate()


@pytest.fixture(scope="session")
def province_snapshot(django_db_setup, django_db_blocker):
    """Lạng Sơn's units and the source article, loaded once per session (per xdist worker)."""
    with django_db_blocker.unblock():
        return Snapshot.take(lambda: call_command("load_lang_son", stdout=io.StringIO()))


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, province_snapshot):
    """The synthetic cases of VSIP phase 1 (default seed), made once per session on top of the province."""
    with django_db_blocker.unblock():
        return Snapshot.take(lambda: call_command("generate_demo", stdout=io.StringIO()), base=province_snapshot)


@pytest.fixture
def lang_son(db, province_snapshot):
    """The province's units and the source article, as `make run` loads them."""
    province_snapshot.restore()


@pytest.fixture
def vsip_phase(lang_son):
    return vsip_phase_1()


@pytest.fixture
def demo(vsip_phase, demo_snapshot):
    """The synthetic cases of VSIP phase 1, made with the default seed."""
    demo_snapshot.restore()
    return vsip_phase


@pytest.fixture
def user(db):
    """A provincial officer: reads the whole province."""
    officer = UserFactory(username="officer")
    StaffProfileFactory(user=officer)
    return officer


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def english(client):
    """The client reading English, so tests can check the words of a page (Vietnamese is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def in_english():
    """Messages made outside a request (services, rules, commands) in English, to assert on their msgids.

    A module whose every test reads English says `pytestmark = pytest.mark.usefixtures("in_english")`."""
    with translation.override("en"):
        yield


@pytest.fixture
def as_user(client):
    """Log the client in as a user, optionally reading another language: as_user(user, "en")."""

    def login(user, language=None):
        client.force_login(user)
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login


def pytest_terminal_summary(terminalreporter, config):
    """Tests run in random order (pytest-randomly): print the seed, even under -q, to replay an order."""
    seed = config.getoption("randomly_seed", None)
    if seed is not None and not getattr(config, "workerinput", None):
        terminalreporter.write_line(f"Random order: replay it with --randomly-seed={seed}")
