from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clearance.national import DEFAULT_SEED, MAX_PROVINCES, NationalError, national_generate


class Command(BaseCommand):
    help = (
        "Generate a SYNTHETIC national data set for load tests (not real people, not real figures): industrial "
        "zones and clusters with phases, cases with about 4 parcels, 2 assets and 5 stage events each, "
        "compensation, payments, complaints and weekly reports, in up to 34 provinces. Lạng Sơn's real 2025 "
        "communes are used when load_lang_son has loaded them, and never changed; every other province and "
        "commune is a synthetic unit named “… (mô phỏng)” with a code from 900000000, outside the official "
        "codes. Cases are marked synthetic and zones, phases and reports cite a synthetic source. "
        "Written in bulk without history; see docs/decisions/0014-national-synthetic-data.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="Number of cases to make (at least 1).")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--provinces",
            type=int,
            default=None,
            help=f"Provinces to spread the cases over, 1 to {MAX_PROVINCES} "
            f"(default: one per 10,000 cases, at most {MAX_PROVINCES}).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete a previous national set (its zones, cases and synthetic units) first. Lạng Sơn's real "
            "units and zones and the generate_demo cases are never touched.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be made; write nothing.")

    def handle(self, *args, cases, seed, provinces, replace, dry_run, **options):
        if cases < 1:
            raise CommandError(f"--cases must be a whole number of at least 1, not {cases}.")
        if provinces is not None and not 1 <= provinces <= MAX_PROVINCES:
            raise CommandError(f"--provinces must be from 1 to {MAX_PROVINCES}, not {provinces}.")

        def log(line):
            if options["verbosity"] >= 2:
                self.stderr.write(line)

        try:
            with transaction.atomic():
                result = national_generate(
                    cases=cases,
                    seed=seed,
                    provinces=provinces,
                    replace=replace,
                    dry_run=dry_run,
                    log=log,
                )
        except NationalError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(str(result)))
