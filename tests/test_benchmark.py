import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import CaseFactory


def test_benchmark_prints_ratios_to_the_reference_and_writes_nothing(db):
    CaseFactory()
    out = io.StringIO()
    call_command("benchmark_pages", "--repeat", "1", stdout=out)
    lines = out.getvalue().splitlines()
    reference = next(line for line in lines if line.startswith("login page (reference)"))
    assert reference.split()[-2] == "1.00"
    for page in ("overview", "zone page", "case list", "case page"):
        assert any(line.startswith(page) for line in lines), page
    assert not get_user_model().objects.filter(username="lsip-benchmark").exists()


def test_benchmark_needs_data(db):
    with pytest.raises(CommandError, match="load_lang_son"):
        call_command("benchmark_pages", stdout=io.StringIO())
