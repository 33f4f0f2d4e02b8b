import pytest

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
