"""python manage.py import_inventory FILE --phase PHASE_ID --user USERNAME [--dry-run]"""

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from clearance.inventory import ImportRefused
from clearance.inventory.safety import check_size, file_format
from clearance.services.imports import ImportRejected, import_file
from zones.access import scope_for
from zones.models import Phase


class Command(BaseCommand):
    help = (
        "Import an inventory list (.xlsx, .xls, .ods or .csv, see docs/INVENTORY_FORMAT.md) into a phase, as the "
        "given user and within that user's area: every row or none. Exits non-zero and prints the errors when the "
        "file is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx, .xls, .ods or .csv file")
        parser.add_argument("--phase", type=int, required=True, help="id of the phase")
        parser.add_argument("--user", required=True, help="username of the importing staff member")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, phase, user, dry_run, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(_("No user “%(user)s”.") % {"user": user}) from error
        scope = scope_for(account)
        try:
            phase_obj = scope.get_or_404(Phase.objects.select_related("zone"), pk=phase)
        except Http404 as error:
            raise CommandError(
                _("No phase %(phase)s in the area of %(user)s.") % {"phase": phase, "user": user}
            ) from error
        try:
            file_format(file)
            check_size(os.path.getsize(file))  # before reading it into memory
            with open(file, "rb") as handle:
                content = handle.read()
            plan, record = import_file(
                user=account, phase=phase_obj, file_name=os.path.basename(file), content=content, dry_run=dry_run
            )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from error
        except PermissionDenied as error:
            raise CommandError(str(error) or _("This account may not import inventory lists.")) from error
        except ImportRefused as refusal:
            raise CommandError(_("File refused: %(reason)s") % {"reason": refusal.message}) from refusal
        except ImportRejected as rejection:
            problems = rejection.plan.errors if rejection.plan is not None else [rejection.message]
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(file)s: %(count)d error(s); nothing was written.")
                % {"file": os.path.basename(file), "count": len(rejection.plan.errors) if rejection.plan else 1}
            ) from rejection
        counts = _(
            "cases %(c1)d created, %(c2)d updated, %(c3)d unchanged; parcels %(p1)d created, %(p2)d updated, "
            "%(p3)d unchanged; assets %(a1)d created, %(a2)d updated, %(a3)d unchanged"
        ) % {
            "c1": plan.cases.create, "c2": plan.cases.update, "c3": plan.cases.unchanged,
            "p1": plan.parcels.create, "p2": plan.parcels.update, "p3": plan.parcels.unchanged,
            "a1": plan.assets.create, "a2": plan.assets.update, "a3": plan.assets.unchanged,
        }  # fmt: skip
        if dry_run:
            line = _("Dry run of %(file)s for %(phase)s, %(rows)d rows: would write %(counts)s. Nothing written.")
        else:
            line = _("Imported %(file)s into %(phase)s (import #%(id)s), %(rows)d rows: %(counts)s.")
        self.stdout.write(
            line
            % {
                "file": os.path.basename(file),
                "phase": phase_obj,
                "rows": plan.rows_total,
                "counts": counts,
                "id": record.pk if record else "",
            }
        )
