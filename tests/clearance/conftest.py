import pytest

from tests.clearance.test_imports import local_staff


@pytest.fixture
def huu_lung(lang_son):
    """Local staff of Hữu Lũng (legacy district 186), where VSIP phase 1's communes are."""
    return local_staff("huulung", 186)
