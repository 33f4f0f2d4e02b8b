"""Issue 11's targets, each result's PASS or MISS, and the tables as Markdown (pasted into docs/BENCHMARKS.md)."""

MB = 1024 * 1024
# Every key page: at most this multiple of its raw aggregate and of the login page, in the same run.
PAGE_OF_AGGREGATE = 0.1
PAGE_OF_LOGIN = 20
OVERVIEW_BYTES = 300_000
EXPORT_PEAK = 150 * MB
EXPORT_OF_COPY = 3
IMPORT_OF_REFERENCE = 2
LOAD_SHARE_OF_LOGIN = 0.25
LOAD_P95_OF_P50 = 3


def verdict(passed):
    return "PASS" if passed else "MISS"


def ms(seconds):
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:,.1f}"


def ratio(value):
    return f"{value:.3g}"


def page_checks(result, login):
    """[(target text, passed)] for one measured page."""
    median = result.timing.median
    if result.page.kind == "reference":
        return []
    of_aggregate = median / result.aggregate.median if result.aggregate else None
    if result.page.kind == "export":
        return [
            (f"≤ {EXPORT_OF_COPY}× COPY", of_aggregate is not None and of_aggregate <= EXPORT_OF_COPY),
            (f"peak < {EXPORT_PEAK // MB} MB", result.memory.get("python", 0) < EXPORT_PEAK),
        ]
    checks = [
        (f"≤ {PAGE_OF_AGGREGATE}× agg", of_aggregate is not None and of_aggregate <= PAGE_OF_AGGREGATE),
        (f"≤ {PAGE_OF_LOGIN}× login", median / login <= PAGE_OF_LOGIN),
    ]
    if result.page.name == "overview":
        checks.append((f"HTML < {OVERVIEW_BYTES // 1000} KB", result.bytes < OVERVIEW_BYTES))
    return checks


def _cell(checks):
    if not checks:
        return "reference", ""
    return ", ".join(text for text, _passed in checks), " ".join(verdict(passed) for _text, passed in checks)


def pages_table(results):
    login = next(r.timing.median for r in results if r.page.kind == "reference")
    lines = [
        "| page | median ms | p95 ms | raw agg ms | × raw agg | × login | queries | bytes | peak MB (Python / RSS) "
        "| target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    misses = 0
    for result in results:
        checks = page_checks(result, login)
        misses += sum(not passed for _text, passed in checks)
        aggregate = result.aggregate
        memory = ""
        if result.memory:
            rss = result.memory.get("rss")
            memory = f"{result.memory['python'] / MB:,.1f} / " + (f"{rss / MB:,.1f}" if rss is not None else "n/a")
        target, outcome = _cell(checks)
        lines.append(
            f"| {result.page.name} | {ms(result.timing.median)} | {ms(result.timing.p95)} "
            f"| {ms(aggregate.median) if aggregate else ''} "
            f"| {ratio(result.timing.median / aggregate.median) if aggregate else ''} "
            f"| {ratio(result.timing.median / login)} | {result.queries} | {result.bytes:,} | {memory} "
            f"| {target} | {outcome} |"
        )
    return lines, misses


def import_table(result):
    reference, total = result.reference, result.total
    passed = total <= IMPORT_OF_REFERENCE * reference
    lines = [
        "| import (.xlsx) | rows | bytes | median ms | p95 ms | × reference | target | result |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        f"| read_table (reference, part 1) | {result.rows:,} | {result.bytes:,} | {ms(result.read.median)} "
        f"| {ms(result.read.p95)} | | | |",
        f"| COPY of the rows (reference, part 2) | {result.rows:,} | | {ms(result.copy.median)} "
        f"| {ms(result.copy.p95)} | | | |",
        f"| upload (import_upload) | {result.rows:,} | | {ms(result.upload.median)} | {ms(result.upload.p95)} "
        f"| {ratio(result.upload.median / reference)} | | |",
        f"| confirm (import_apply) | {result.rows:,} | | {ms(result.confirm.median)} | {ms(result.confirm.p95)} "
        f"| {ratio(result.confirm.median / reference)} | | |",
        f"| upload + confirm | {result.rows:,} | | {ms(total)} | | {ratio(total / reference)} "
        f"| ≤ {IMPORT_OF_REFERENCE}× reference | {verdict(passed)} |",
    ]
    return lines, int(not passed)


def load_table(results, *, clients, requests, seconds, workers):
    login, overview = results
    checks = [
        (
            f"≥ {LOAD_SHARE_OF_LOGIN:g}× login req/s",
            overview.per_second >= LOAD_SHARE_OF_LOGIN * login.per_second,
        ),
        (f"p95 ≤ {LOAD_P95_OF_P50}× p50", overview.p95 is not None and overview.p95 <= LOAD_P95_OF_P50 * overview.p50),
        ("0 errors", overview.errors == 0 and overview.ok > 0),
    ]
    lines = [
        f"gunicorn -w {workers}, {clients} clients, at most {requests} requests or {seconds} s per page",
        "",
        "| page | requests OK | not sent (time up) | errors | seconds | req/s | p50 ms | p95 ms | × login req/s "
        "| target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for result, row_checks in ((login, []), (overview, checks)):
        target, outcome = _cell(row_checks)
        share = result.per_second / login.per_second if login.per_second else 0
        lines.append(
            f"| {result.name} | {result.ok} | {result.not_sent} | {result.errors} | {result.seconds:.1f} "
            f"| {result.per_second:.2f} | {ms(result.p50) if result.p50 is not None else ''} "
            f"| {ms(result.p95) if result.p95 is not None else ''} | {ratio(share)} | {target} | {outcome} |"
        )
    return lines, sum(not passed for _text, passed in checks)
