"""What a test pays for Lạng Sơn's units and the demo: building them against replaying a snapshot.

    .venv/bin/python -m tests.bench_snapshot [--repeat N]      (or `make bench-suite`)

Builds each data set the way `make run` does (the reference) and replays the snapshot the
suite's fixtures use (tests/snapshot.py), both N times in the same run on a fresh test
database of the configured DATABASE_URL (SQLite in memory by default), each inside a
transaction that is rolled back, as in a test. Prints the medians and their ratio.
"""

import argparse
import io
import os
import statistics
import time


def _median_seconds(action, repeat):
    from django.db import transaction

    times = []
    for _ in range(repeat):
        with transaction.atomic():
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsip.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.snapshot import Snapshot

    connection.creation.create_test_db(verbosity=0)
    try:
        province = Snapshot.take(lambda: call_command("load_lang_son", stdout=io.StringIO()))
        demo = Snapshot.take(lambda: call_command("generate_demo", stdout=io.StringIO()), base=province)

        def build_demo():
            province.restore()
            call_command("generate_demo", stdout=io.StringIO())

        def replay_demo():
            province.restore()
            demo.restore()

        print(f"{connection.vendor}, median of {repeat}")
        print(f"{'data set':<28}{'rows':>8}{'build ms':>11}{'replay ms':>11}{'build ÷ replay':>16}")
        for name, rows, build, replay in (
            (
                "province (lang_son)",
                province,
                lambda: call_command("load_lang_son", stdout=io.StringIO()),
                province.restore,
            ),
            ("demo (on the province)", demo, build_demo, replay_demo),
        ):
            count = sum(len(table) for table in rows.rows.values())
            built, replayed = _median_seconds(build, repeat), _median_seconds(replay, repeat)
            print(f"{name:<28}{count:>8}{built * 1000:>11.0f}{replayed * 1000:>11.0f}{built / replayed:>16.1f}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
