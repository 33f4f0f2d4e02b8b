"""What an inventory import costs at each step, against reading the same file with the reader alone.

    .venv/bin/python -m tests.bench_imports [--repeat N] [--rows 1000,5000,20000]   (or `make bench-imports`)

On a fresh test database of the configured DATABASE_URL (SQLite in memory by default), with
Lạng Sơn's units loaded and a local staff member of Hữu Lũng (legacy district 186) importing
into VSIP phase 1, for each size and format: the reference is read_table() on the file; upload
is import_upload() (check, read, dry run, store with the kept preview); preview is the preview
page through the test client, rendered from the kept preview; confirm is import_apply() (validate
the rows kept at upload with locks, write every row). Each repetition runs in a transaction that is
rolled back. Prints the medians in milliseconds and each step as a multiple of the reference
measured in the same run, so that the figures compare across machines.
"""

import argparse
import io
import os
import statistics
import time


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


class _QueryCount:
    """Counts the SQL queries run (connection.execute_wrapper), whatever the query log holds."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", default="1000,5000,20000")
    options = parser.parse_args()
    sizes = [int(rows) for rows in options.rows.split(",")]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsip.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from clearance.demo import vsip_phase_1
    from clearance.inventory import read_table
    from clearance.services.imports import import_apply, import_upload
    from tests.clearance.test_imports import csv_bytes, local_staff, many, xlsx_bytes

    setup_test_environment()  # the test client's host allowed, the rendered context kept
    connection.creation.create_test_db(verbosity=0)
    try:
        call_command("load_lang_son", stdout=io.StringIO())
        user = local_staff("huulung", 186)
        phase = vsip_phase_1()
        client = Client()
        client.force_login(user)

        print(f"{connection.vendor}, median of {options.repeat}; ms, and × read_table of the same file")
        print(f"{'file':<12}{'bytes':>11}{'read_table':>12}{'upload':>18}{'preview':>18}{'queries':>9}{'confirm':>18}")
        for rows in sizes:
            parcels = many(rows)
            for file_format, build in (("xlsx", xlsx_bytes), ("csv", csv_bytes)):
                content = build(parcels)
                times = {"read": [], "upload": [], "preview": [], "confirm": []}
                for _ in range(options.repeat):
                    times["read"].append(_timed(read_table, content, file_format)[0])
                    with transaction.atomic():
                        took, record = _timed(
                            import_upload, user=user, phase=phase, file_name=f"bench.{file_format}", content=content
                        )
                        times["upload"].append(took)
                        url = reverse("clearance:import_preview", args=[record.pk])
                        queries = _QueryCount()
                        with connection.execute_wrapper(queries):
                            took, response = _timed(client.get, url)
                        assert response.status_code == 200 and response.context["plan"].ok
                        times["preview"].append(took)
                        took, plan = _timed(import_apply, inventory_import=record, user=user)
                        assert plan.parcels.create == rows
                        times["confirm"].append(took)
                        transaction.set_rollback(True)
                median = {step: statistics.median(values) for step, values in times.items()}

                def cell(step, median=median):
                    return f"{median[step] * 1000:.0f} ms × {median[step] / median['read']:.3g}"

                print(
                    f"{f'{rows:,} {file_format}':<12}{len(content):>11,}{median['read'] * 1000:>12.0f}"
                    f"{cell('upload'):>18}{cell('preview'):>18}{queries.count:>9}{cell('confirm'):>18}"
                )
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
