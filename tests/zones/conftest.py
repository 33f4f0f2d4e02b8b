import io

import pytest
from django.core.management import call_command


@pytest.fixture
def lang_son(db):
    """The province's units and the source article, as `make run` loads them."""
    call_command("load_lang_son", stdout=io.StringIO())
