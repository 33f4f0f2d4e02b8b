"""Times the portal's main pages against a reference page measured in the same run."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from clearance.models import Case
from zones.models import StaffProfile, Zone

REFERENCE = "login page (reference)"


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = (
        "Render the main pages and downloads (overview, zone page, case list and its exports, case page, "
        "bottlenecks, breakdowns, weekly report) on the current database and print "
        "each page's median time as a ratio to the login page measured in the same run, with its SQL query "
        "count. Writes nothing: the benchmark user and its session are rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page (default 20).")

    def handle(self, *args, repeat, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        zone = Zone.objects.filter(phases__cases__isnull=False).distinct().first() or Zone.objects.first()
        case = Case.objects.order_by("pk").first()
        if zone is None or case is None:
            raise CommandError("No zone or case to measure: run load_lang_son and generate_demo first.")

        with transaction.atomic():
            rows = self._measure(zone, case, repeat)
            transaction.set_rollback(True)

        reference = rows[0][1]
        self.stdout.write(f"{'page':<30} {'median ms':>10} {'× reference':>12} {'queries':>8}")
        for name, median, queries in rows:
            self.stdout.write(f"{name:<30} {median * 1000:>10.1f} {median / reference:>12.2f} {queries:>8}")
        self.stdout.write(
            f"{len(rows)} pages, {repeat} timed requests each, {Case.objects.count()} cases in the database"
        )

    def _measure(self, zone, case, repeat):
        anonymous = Client(SERVER_NAME="localhost")
        officer = Client(SERVER_NAME="localhost")
        user = get_user_model().objects.create(username="lsip-benchmark")
        StaffProfile.objects.create(user=user, role=StaffProfile.Role.PROVINCIAL_OFFICER)
        officer.force_login(user)
        pages = [
            (REFERENCE, anonymous, reverse("login")),
            ("overview", officer, reverse("clearance:overview")),
            ("zone page", officer, reverse("clearance:zone_detail", args=[zone.pk])),
            ("case list", officer, reverse("clearance:case_list")),
            ("case list, search", officer, reverse("clearance:case_list") + "?q=huu+lung"),
            ("case list, page 5 by area", officer, reverse("clearance:case_list") + "?sort=-recovered_m2&page=5"),
            ("case page", officer, reverse("clearance:case_detail", args=[case.pk])),
            ("case list, CSV export", officer, reverse("clearance:case_list") + "?_export=csv"),
            ("case list, XLSX export", officer, reverse("clearance:case_list") + "?_export=xlsx"),
            ("bottlenecks", officer, reverse("clearance:bottlenecks")),
            ("overdue cases", officer, reverse("clearance:bottleneck_overdue")),
            ("progress by 2025 commune", officer, reverse("clearance:progress_breakdown")),
            ("reported vs registry", officer, reverse("clearance:report_checks")),
            ("weekly report", officer, reverse("clearance:weekly_report")),
            ("weekly report, XLSX", officer, reverse("clearance:weekly_report") + "?_export=xlsx"),
        ]
        rows = []
        for name, client, url in pages:
            for _ in range(2):  # warm caches and templates
                self._get(client, url)
            # Counted by a wrapper: every request start clears connection.queries.
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                self._get(client, url)
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                self._get(client, url)
                timings.append(time.perf_counter() - start)
            rows.append((name, statistics.median(timings), counter.count))
        return rows

    def _get(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        if response.streaming:
            # A download is only done when its last byte is written.
            b"".join(response.streaming_content)
        return response
