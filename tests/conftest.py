import pytest
from django.conf import settings

from tests.factories import StaffProfileFactory, UserFactory


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
def as_user(client):
    """Log the client in as a user, optionally reading another language: as_user(user, "en")."""

    def login(user, language=None):
        client.force_login(user)
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return login
