"""Time the pages and downloads through Django's test client, and their raw aggregates, in one run.

A page's time is the whole request in process (middleware, view, SQL, template, and for a download
every byte of its body), as a server pays it, without a network. A download's peak memory is
measured twice (see `peak_memory`): Python's allocations while the response is made and consumed
(tracemalloc), which is what the target is judged on, and the process's resident-set high-water
mark above its level before the request, which also sees C allocations (libpq, openpyxl's zip).
"""

import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from clearance.bench import aggregates

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


def percentile(values, share):
    """Nearest-rank percentile: with 5 values, p95 is the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timing:
    samples: list

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def p95(self):
        return percentile(self.samples, 0.95)


def timed(function, repeat):
    """One warm-up call (its result returned), then `repeat` timed calls."""
    result = function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return result, Timing(samples)


class QueryCounter:
    """Counts the SQL queries run (connection.execute_wrapper), whatever the query log holds."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Page:
    name: str
    url: str
    client: Client
    kind: str = "page"  # "reference", "page" or "export"
    aggregate: str | None = None  # the key of its SQL in aggregates.for_pages()


@dataclass
class PageResult:
    page: Page
    timing: Timing
    queries: int
    bytes: int
    aggregate: Timing | None = None
    aggregate_size: int = 0  # rows the aggregate returned, or bytes its COPY wrote
    memory: dict = field(default_factory=dict)  # "python" and "rss": peak bytes, for downloads


def fetch(client, url):
    """GET `url` and read its whole body; returns its size in bytes. A download is read chunk by chunk."""
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    # The test client closes the response itself (a download once its last chunk is read): closing it
    # again here would send request_finished and close the connection inside the benchmark's transaction.
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _rss_peak_reset():
    """Reset the process's RSS high-water mark (Linux ≥ 4.0); returns the RSS now, or None if not possible."""
    try:
        PROC_CLEAR_REFS.write_text("5")
        return _proc_status("VmRSS")
    except OSError:
        return None


def _proc_status(key):
    for line in PROC_STATUS.read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return None


def peak_memory(function):
    """{"python": peak bytes traced by tracemalloc while `function` runs}."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure_page(page, repeat, export_repeat=1):
    """A page: one warm-up request (its queries counted), then `repeat` timed ones.

    A download is long enough not to need a warm-up: `export_repeat` timed requests (queries counted
    in the first, the RSS high-water mark taken around the last: tracemalloc's own bookkeeping would
    inflate it), then one more under tracemalloc for Python's peak.
    """
    counter = QueryCounter()
    if page.kind != "export":
        with connection.execute_wrapper(counter):
            size = fetch(page.client, page.url)
        _first, timing = timed(lambda: fetch(page.client, page.url), repeat)
        return PageResult(page, timing, counter.count, size)
    samples, memory = [], {}
    for index in range(export_repeat):
        before = _rss_peak_reset() if index == export_repeat - 1 else None
        start = time.perf_counter()
        if index == 0:
            with connection.execute_wrapper(counter):
                size = fetch(page.client, page.url)
        else:
            fetch(page.client, page.url)
        samples.append(time.perf_counter() - start)
        if before is not None:
            memory["rss"] = max(0, _proc_status("VmHWM") - before)
    memory["python"] = peak_memory(lambda: fetch(page.client, page.url))
    return PageResult(page, Timing(samples), counter.count, size, memory=memory)


def pages_to_measure(anonymous, officer, *, zone_id, reverse):
    cases = reverse("clearance:case_list")
    weekly = reverse("clearance:weekly_report")
    breakdown = reverse("clearance:progress_breakdown")
    return [
        Page("login page (reference)", reverse("login"), anonymous, kind="reference"),
        Page("overview", reverse("clearance:overview"), officer, aggregate="overview"),
        Page("zone page", reverse("clearance:zone_detail", args=[zone_id]), officer, aggregate="zone page"),
        Page("reported vs registry", reverse("clearance:report_checks"), officer, aggregate="reported vs registry"),
        Page("bottlenecks", reverse("clearance:bottlenecks"), officer, aggregate="bottlenecks"),
        Page("overdue list", reverse("clearance:bottleneck_overdue"), officer, aggregate="overdue list"),
        Page("stuck list", reverse("clearance:bottleneck_stuck"), officer, aggregate="stuck list"),
        Page("by 2025 commune", breakdown + "?by=commune", officer, aggregate="by commune"),
        Page("by legacy district", breakdown + "?by=district", officer, aggregate="by district"),
        Page("weekly report", weekly, officer, aggregate="weekly report"),
        Page("weekly report XLSX", weekly + "?_export=xlsx", officer, aggregate="weekly report"),
        Page("case list p5 by area", cases + "?sort=-recovered_m2&page=5", officer, aggregate="case list p5 by area"),
        Page("case list CSV", cases + "?_export=csv", officer, kind="export", aggregate="export"),
        Page("case list XLSX", cases + "?_export=xlsx", officer, kind="export", aggregate="export"),
    ]


def time_aggregate(sql, copy, repeat):
    return timed(lambda: aggregates.run(connection, sql, copy=copy), repeat)


def measure_pages(pages, sqls, repeat, export_repeat=1, log=None):
    """Each page, then its aggregate (each aggregate once, shared by the pages that use it)."""
    results, aggregates_done = [], {}
    for page in pages:
        if log:
            log(f"page: {page.name} {page.url}")
        result = measure_page(page, repeat, export_repeat)
        if page.aggregate is not None:
            if page.aggregate not in aggregates_done:
                aggregates_done[page.aggregate] = time_aggregate(
                    sqls[page.aggregate], page.aggregate == "export", repeat
                )
            result.aggregate_size, result.aggregate = aggregates_done[page.aggregate]
        if log:
            log(f"  {result.timing.median * 1000:,.0f} ms, {result.queries} queries, {result.bytes:,} bytes")
        results.append(result)
    return results
