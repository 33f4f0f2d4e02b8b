from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from clearance.demo import DEFAULT_SEED, DemoError, demo_generate


class Command(BaseCommand):
    help = (
        "Generate SYNTHETIC site-clearance cases for VSIP Lạng Sơn phase 1 (demo data, not real people). "
        "Needs load_lang_son first. Existing synthetic cases are kept unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would be made, then roll back.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the phase's synthetic cases and generate them again."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed gives the same data."
        )

    def handle(self, *args, dry_run=False, replace=False, seed=DEFAULT_SEED, **options):
        try:
            with transaction.atomic():
                result = demo_generate(seed=seed, replace=replace)
                if dry_run:
                    transaction.set_rollback(True)
        except DemoError as error:
            raise CommandError(str(error)) from error
        line = str(result)
        if dry_run:
            line = _("Dry run, nothing saved: %(summary)s") % {"summary": line}
        self.stdout.write(self.style.SUCCESS(line))
