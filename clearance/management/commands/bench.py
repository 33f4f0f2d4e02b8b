"""`manage.py bench --cases N`: the national-scale benchmark of issue 11 (`make bench`, docs/BENCHMARKS.md)."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clearance.bench import aggregates, report
from clearance.bench.imports import measure_import
from clearance.bench.load import measure_load
from clearance.bench.pages import measure_pages, pages_to_measure
from clearance.models import Case
from clearance.national import national_source
from zones.models import StaffProfile, Zone


class Command(BaseCommand):
    help = (
        "Benchmark the portal at national scale: each key page (median and p95 of --repeat requests after one "
        "warm-up) against the one raw SQL aggregate of its figures and against the login page, measured in the "
        "same run; the case list's CSV and XLSX of every case with peak memory, against a COPY of the same rows; "
        "an XLSX import against the reader plus a COPY; and the overview's throughput under gunicorn against the "
        "login page's. Makes the synthetic national set with generate_national when the database holds fewer "
        "than --cases of it. Prints each target with PASS or MISS. Writes nothing else: its users, sessions and "
        "imports are rolled back or deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=50_000, help="National synthetic cases wanted (50,000).")
        parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page after one warm-up (5).")
        parser.add_argument("--export-repeat", type=int, default=1, help="Timed runs of each download, no warm-up (1).")
        parser.add_argument("--import-rows", type=int, default=10_000, help="Parcel rows of the import (10,000).")
        parser.add_argument("--load-clients", type=int, default=4, help="Concurrent clients of the load (4).")
        parser.add_argument("--load-requests", type=int, default=200, help="Requests per page under load (200).")
        parser.add_argument("--load-seconds", type=int, default=20, help="Longest time per page under load (20).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2).")
        parser.add_argument("--skip-load", action="store_true", help="No gunicorn throughput test.")
        parser.add_argument("--skip-export", action="store_true", help="No CSV and XLSX downloads.")
        parser.add_argument("--skip-import", action="store_true", help="No import test.")
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="Run on SQLite anyway (its numbers are not comparable)."
        )

    def handle(self, *args, cases, repeat, import_rows, allow_sqlite, **options):
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        if cases < 1 or repeat < 1 or import_rows < 2:
            raise CommandError("--cases and --repeat must be at least 1, --import-rows at least 2.")
        postgresql = connection.vendor == "postgresql"
        if not postgresql:
            if not allow_sqlite:
                raise CommandError(
                    f"bench measures PostgreSQL; this database is {connection.vendor}. Set DATABASE_URL to a "
                    "PostgreSQL database (make bench creates lsip_bench), or pass --allow-sqlite for a smoke run."
                )
            self.stdout.write(
                self.style.WARNING(f"{connection.vendor}: these numbers are NOT comparable with PostgreSQL's.")
            )

        held = self._ensure_cases(cases)
        zone = Zone.objects.filter(phases__cases__is_synthetic=True).order_by("pk").first()
        today = timezone.localdate()
        sqls = aggregates.for_pages(
            connection.vendor, today=today, zone_id=zone.pk, stuck_days=settings.LSIP_STUCK_DAYS
        )

        with transaction.atomic():
            pages = self._pages(zone, options["skip_export"])
            results = measure_pages(pages, sqls, repeat, options["export_repeat"], log=self._log)
            imported = None if options["skip_import"] else measure_import(import_rows, repeat, log=self._log)
            transaction.set_rollback(True)

        load = None
        if not options["skip_load"]:
            if postgresql:
                load = measure_load(
                    login_path=reverse("login"),
                    overview_path=reverse("clearance:overview"),
                    clients=options["load_clients"],
                    requests=options["load_requests"],
                    seconds=options["load_seconds"],
                    workers=options["workers"],
                    log=self._log,
                )
            else:
                self._log("load: skipped, it needs PostgreSQL (the server is another process)")

        misses = self._print(held, repeat, results, imported, load, options)
        self.stdout.write(
            f"{held:,} national cases ({Case.objects.count():,} in all), {len(results)} pages, {repeat} timed "
            f"requests each, {misses} target(s) missed, {time.monotonic() - started:.0f} s"
        )

    def _log(self, line):
        if self.verbosity >= 1:
            self.stderr.write(line)

    def _ensure_cases(self, wanted):
        source = national_source()
        held = Case.objects.filter(phase__zone__source=source).count() if source else 0
        if held >= wanted:
            self._log(f"data: reusing the national set of {held:,} cases")
            return held
        self._log(f"data: {held:,} national cases, {wanted:,} wanted: generate_national --cases {wanted} --replace")
        call_command("generate_national", cases=wanted, replace=True, stdout=self.stderr)
        return Case.objects.filter(phase__zone__source=national_source()).count()

    def _pages(self, zone, skip_export):
        user = get_user_model().objects.create(username="lsip-bench")
        StaffProfile.objects.create(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
        officer = Client(SERVER_NAME="localhost")
        officer.force_login(user)
        pages = pages_to_measure(Client(SERVER_NAME="localhost"), officer, zone_id=zone.pk, reverse=reverse)
        return [page for page in pages if not (skip_export and page.kind == "export")]

    def _print(self, held, repeat, results, imported, load, options):
        write = self.stdout.write
        write(
            f"\n{connection.vendor}, {held:,} national cases, median and p95 of {repeat} after one warm-up; "
            "× raw agg = page ÷ the one SQL statement computing its figures (exports: COPY … TO STDOUT of the "
            "same rows and columns); peak MB = tracemalloc peak / RSS high-water rise of this process\n"
        )
        lines, misses = report.pages_table(results)
        write("\n".join(lines))
        if imported is not None:
            lines, missed = report.import_table(imported)
            misses += missed
            write("\n" + "\n".join(lines))
        if load is not None:
            lines, missed = report.load_table(
                load,
                clients=options["load_clients"],
                requests=options["load_requests"],
                seconds=options["load_seconds"],
                workers=options["workers"],
            )
            misses += missed
            write("\n" + "\n".join(lines))
        write("")
        return misses
