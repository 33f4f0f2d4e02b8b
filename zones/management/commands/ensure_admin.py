import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

USERNAME = "admin"
ENV_VAR = "LSIP_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Make sure the superuser “{USERNAME}” exists. The password comes from {ENV_VAR} if set; otherwise a "
        "new account gets a generated password, printed once. An existing account keeps its password unless "
        f"{ENV_VAR} is set."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        env_password = os.environ.get(ENV_VAR) or None
        user = User.objects.filter(username=USERNAME).first()
        if env_password:
            try:
                validate_password(env_password, user)
            except ValidationError as error:
                # The messages describe the rule broken, never the password itself.
                raise CommandError(
                    _("%(var)s is too weak: %(problems)s") % {"var": ENV_VAR, "problems": " ".join(error.messages)}
                ) from error

        if user is None:
            password = env_password or secrets.token_urlsafe(18)
            User.objects.create_superuser(username=USERNAME, email="", password=password)
            if env_password:
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Created superuser “%(user)s” with the password from %(var)s.")
                        % {"user": USERNAME, "var": ENV_VAR}
                    )
                )
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "Created superuser “%(user)s” with password: %(password)s\n"
                            "Write it down now: it is not stored anywhere readable and will not be shown again."
                        )
                        % {"user": USERNAME, "password": password}
                    )
                )
        elif env_password:
            user.set_password(env_password)
            user.save(update_fields=["password"])
            self.stdout.write(
                self.style.SUCCESS(
                    _("Superuser “%(user)s” exists; its password was set from %(var)s.")
                    % {"user": USERNAME, "var": ENV_VAR}
                )
            )
        else:
            self.stdout.write(_("Superuser “%(user)s” exists; kept as it is.") % {"user": USERNAME})
