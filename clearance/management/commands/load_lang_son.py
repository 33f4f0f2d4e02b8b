from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from clearance.loaders import load_lang_son
from zones.loaders import UnitsFileError


class Command(BaseCommand):
    help = (
        "Load Lạng Sơn's administrative units (legacy and 2025, with the conversion) and the source "
        "article's zones, clusters and figures. Safe to run again: units are corrected from the file, "
        "article rows are only created when missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, then roll back.")

    def handle(self, *args, dry_run=False, **options):
        try:
            with transaction.atomic():
                result = load_lang_son()
                if dry_run:
                    transaction.set_rollback(True)
        except UnitsFileError as error:
            raise CommandError(str(error)) from error
        line = str(result)
        if dry_run:
            line = _("Dry run, nothing saved: %(summary)s") % {"summary": line}
        self.stdout.write(self.style.SUCCESS(line))
