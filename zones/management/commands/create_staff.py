import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zones.models import AdminUnit, Investor, StaffProfile

ENV_VAR = "LSIP_STAFF_PASSWORD"
Role = StaffProfile.Role
STRUCTURE_PREFIXES = {"legacy": AdminUnit.Structure.LEGACY, "2025": AdminUnit.Structure.CURRENT}


class DryRun(Exception):
    """Raised inside the transaction to undo a dry run's writes."""


class Command(BaseCommand):
    help = (
        "Create a portal account with its role and area, or update the role and area of an existing one. "
        "Units are official statistics-office codes; a code used in both structures is written legacy:CODE "
        "(before 1 July 2025) or 2025:CODE. The password comes from "
        f"{ENV_VAR}; otherwise it is asked twice on a terminal. An existing account keeps its password "
        f"unless {ENV_VAR} is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values, help="provincial, local, investor or admin.")
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            dest="units",
            metavar="CODE",
            help="A unit the local staff cover (repeat for several): CODE, legacy:CODE or 2025:CODE.",
        )
        parser.add_argument("--investor", help="For the investor role: the investor's name or short name.")
        parser.add_argument("--email", help="The account's e-mail address.")
        parser.add_argument("--dry-run", action="store_true", help="Check everything and say what would change.")

    def handle(self, *args, username, role, units, investor, email, dry_run, **options):
        unit_rows = [find_unit(code) for code in units]
        investor_row = find_investor(investor) if investor else None
        check_role(role, unit_rows, investor_row)

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = self._password(user, username, email, dry_run)

        try:
            with transaction.atomic():
                summary = self._save(user, username, role, unit_rows, investor_row, email, password)
                if dry_run:
                    raise DryRun
        except DryRun:
            summary = _("Dry run, nothing saved: %(summary)s") % {"summary": summary}
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(summary))

    def _password(self, user, username, email, dry_run):
        """The password to set, or None to keep the existing one."""
        password = os.environ.get(ENV_VAR) or None
        if password is None and user is None and not dry_run:
            if not sys.stdin.isatty():
                raise CommandError(
                    _("No password: set %(var)s, or run the command on a terminal to type it.") % {"var": ENV_VAR}
                )
            password = getpass.getpass(_("Password: "))
            if getpass.getpass(_("Password (again): ")) != password:
                raise CommandError(_("The two passwords differ; nothing was saved."))
        if password is not None:
            candidate = user or get_user_model()(username=username, email=email or "")
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                # The messages describe the rule broken, never the password itself.
                raise CommandError(
                    _("The password is too weak: %(problems)s") % {"problems": " ".join(error.messages)}
                ) from error
        return password

    def _save(self, user, username, role, units, investor, email, password):
        User = get_user_model()
        created = user is None
        if created:
            user = User(username=username)
        if email is not None:
            user.email = email
        # Administrators work in the Django admin; nobody else needs it.
        user.is_staff = user.is_superuser = role == Role.ADMIN
        if password is not None:
            user.set_password(password)
        elif created:
            user.set_unusable_password()  # only in a dry run, which is rolled back
        user.full_clean(exclude=["password"])
        user.save()

        profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
        profile.role = role
        profile.investor = investor
        profile.full_clean()
        profile._change_reason = "create_staff"
        profile.save()
        profile.units.set(units)

        area = describe_area(role, units, investor)
        if created:
            return _("Created %(role)s account “%(user)s”%(area)s.") % {
                "role": Role(role).label,
                "user": username,
                "area": area,
            }
        return _("Account “%(user)s” already existed: updated to %(role)s%(area)s; %(password)s.") % {
            "user": username,
            "role": Role(role).label,
            "area": area,
            "password": _("password set from %(var)s") % {"var": ENV_VAR}
            if password is not None
            else _("password unchanged"),
        }


def find_unit(text):
    """The unit a command-line code names: CODE, legacy:CODE or 2025:CODE."""
    prefix, _sep, code = text.strip().rpartition(":")
    if prefix and prefix not in STRUCTURE_PREFIXES:
        raise CommandError(
            _("“%(text)s”: write CODE, legacy:CODE or 2025:CODE (unknown structure “%(prefix)s”).")
            % {"text": text, "prefix": prefix}
        )
    if not code.isdigit():
        raise CommandError(_("“%(text)s” is not an official unit code (digits only).") % {"text": text})
    units = AdminUnit.objects.filter(code=int(code)).select_related("parent").order_by("structure")
    if prefix:
        units = units.filter(structure=STRUCTURE_PREFIXES[prefix])
    units = list(units)
    if not units:
        raise CommandError(_("No administrative unit has the code %(code)s.") % {"code": text})
    if len(units) > 1:
        candidates = "; ".join(unit_label(unit) for unit in units)
        raise CommandError(
            _("The code %(code)s names more than one unit: %(candidates)s. Write one of these forms instead.")
            % {"code": code, "candidates": candidates}
        )
    return units[0]


def unit_label(unit):
    prefix = "legacy" if unit.structure == AdminUnit.Structure.LEGACY else "2025"
    where = f", {unit.parent.name}" if unit.parent_id and unit.parent.level == AdminUnit.Level.DISTRICT else ""
    return f"{prefix}:{unit.code} ({unit.name}{where})"


def find_investor(text):
    matches = list(Investor.objects.filter(Q(name__iexact=text.strip()) | Q(short_name__iexact=text.strip())))
    if not matches:
        known = ", ".join(str(investor) for investor in Investor.objects.order_by("name")) or "—"
        raise CommandError(
            _("No investor is called “%(name)s”. Known investors: %(known)s.") % {"name": text, "known": known}
        )
    if len(matches) > 1:
        raise CommandError(
            _("“%(name)s” names several investors: %(names)s. Give the full name.")
            % {"name": text, "names": ", ".join(investor.name for investor in matches)}
        )
    return matches[0]


def check_role(role, units, investor):
    if role == Role.LOCAL_STAFF and not units:
        raise CommandError(_("Local staff need at least one unit: add --unit CODE."))
    if role != Role.LOCAL_STAFF and units:
        raise CommandError(
            _("Only local staff are tied to units; the %(role)s role reads by its own rule. Drop --unit.")
            % {"role": Role(role).label}
        )
    if role == Role.INVESTOR and investor is None:
        raise CommandError(_("An investor account needs its investor: add --investor NAME."))
    if role != Role.INVESTOR and investor is not None:
        raise CommandError(_("Only an investor account has an investor. Drop --investor."))


def describe_area(role, units, investor):
    if units:
        return _(" for %(units)s") % {"units": ", ".join(unit_label(unit) for unit in units)}
    if investor is not None:
        return _(" for %(investor)s") % {"investor": investor.name}
    return _(" for the whole province")
