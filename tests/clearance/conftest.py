import io

import pytest
from django.core.management import call_command

from clearance.demo import vsip_phase_1
from tests.clearance.test_imports import local_staff


@pytest.fixture
def lang_son(db):
    """The province's units and the source article, as `make run` loads them."""
    call_command("load_lang_son", stdout=io.StringIO())


@pytest.fixture
def vsip_phase(lang_son):
    return vsip_phase_1()


@pytest.fixture
def demo(vsip_phase):
    """The synthetic cases of VSIP phase 1, made with the default seed."""
    call_command("generate_demo", stdout=io.StringIO())
    return vsip_phase


@pytest.fixture
def huu_lung(lang_son):
    """Local staff of Hữu Lũng (legacy district 186), where VSIP phase 1's communes are."""
    return local_staff("huulung", 186)
