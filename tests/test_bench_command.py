"""`manage.py bench` at toy sizes: every row of its tables, its refusal of SQLite, and (on demand) the load test."""

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from clearance.models import Case, InventoryImport

PAGES = [
    "login page (reference)",
    "overview",
    "zone page",
    "reported vs registry",
    "bottlenecks",
    "overdue list",
    "stuck list",
    "by 2025 commune",
    "by legacy district",
    "weekly report",
    "weekly report XLSX",
    "case list p5 by area",
    "case list CSV",
    "case list XLSX",
]
SQLITE = ["--allow-sqlite"] if connection.vendor == "sqlite" else []


def bench(*arguments):
    out = io.StringIO()
    call_command("bench", *arguments, *SQLITE, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows_of(output):
    return {line.split("|")[1].strip(): line for line in output.splitlines() if line.startswith("| ")}


def test_bench_prints_every_page_with_its_ratios_and_targets_and_writes_nothing(db):
    output = bench("--cases", "120", "--repeat", "1", "--import-rows", "20", "--skip-load")
    rows = rows_of(output)
    assert "× raw agg" in rows["page"] and "× login" in rows["page"]
    for page in PAGES:
        assert page in rows, page
    for page in PAGES[1:]:
        assert "PASS" in rows[page] or "MISS" in rows[page], page
    assert "upload + confirm" in rows
    assert "target(s) missed" in output
    assert Case.objects.filter(is_synthetic=True).count() == 120
    assert not get_user_model().objects.filter(username__startswith="lsip-bench").exists()
    assert not InventoryImport.objects.exists()
    assert not Case.objects.filter(code__startswith="BENCH-").exists()


def test_bench_reuses_a_large_enough_set_and_skips_what_it_is_told_to(db):
    bench("--cases", "60", "--repeat", "1", "--skip-load", "--skip-import", "--skip-export")
    first = set(Case.objects.values_list("pk", flat=True))
    output = bench("--cases", "50", "--repeat", "1", "--skip-load", "--skip-import", "--skip-export")
    assert set(Case.objects.values_list("pk", flat=True)) == first
    rows = rows_of(output)
    assert "case list CSV" not in rows and "upload + confirm" not in rows


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is SQLite's")
def test_bench_refuses_sqlite_without_the_flag(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "--cases", "10", stdout=io.StringIO())
    assert not Case.objects.exists()


@pytest.mark.skipif(
    os.environ.get("LSIP_BENCH_SERVER") != "1" or connection.vendor != "postgresql",
    reason="starts gunicorn on PostgreSQL: set LSIP_BENCH_SERVER=1 with DATABASE_URL on PostgreSQL",
)
def test_bench_load_under_gunicorn(transactional_db):
    output = bench(
        "--cases", "60", "--repeat", "1", "--skip-import", "--skip-export",
        "--load-requests", "8", "--load-seconds", "30", "--load-clients", "2",
    )  # fmt: skip
    rows = rows_of(output)
    assert "| 0 |" in rows["overview"] and "| 0 |" in rows["login page"]
    assert not get_user_model().objects.filter(username__startswith="lsip-bench").exists()
