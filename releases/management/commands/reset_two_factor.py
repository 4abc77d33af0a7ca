"""Remove a staff user's second factor (lost phone, used-up recovery codes), so the next sign-in sets it up again.

The reset is written to the security audit log, with the operating-system account that ran it.
"""

import getpass

import django_otp
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from releases.security.audit import SecurityEvent, record


class Command(BaseCommand):
    help = "Reset a user's two-step sign-in: their authenticator and recovery codes are removed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="Why (kept in the audit log).")

    def handle(self, *args, username, reason, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        with transaction.atomic():
            devices = list(django_otp.devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
            # Their verified sessions end with it: django-otp drops a session whose device is gone.
            record(
                SecurityEvent.Kind.SECOND_FACTOR_RESET, None, obj=user,
                by=getpass.getuser(), via="manage.py reset_two_factor", reason=reason, devices_removed=len(devices),
            )
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"Two-step sign-in reset for {username} ({len(devices)} devices removed); "
                "they set it up again at their next sign-in."
            ))
