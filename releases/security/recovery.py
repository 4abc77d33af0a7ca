"""One-time recovery codes for a lost authenticator: a django-otp device that keeps only their hashes."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

# Crockford-like alphabet without look-alikes (0/O, 1/I/L) so codes read back from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4  # 16 characters: ~79 bits, too many to guess or to brute-force from a hash


def normalise(code):
    """What the user typed, without spaces, dashes or case: `abcd-efgh ...` == `ABCDEFGH...`."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def code_hash(code):
    # A plain SHA-256 suffices: the codes are long random strings, not passwords (docs/decisions.md).
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def new_code():
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's recovery codes: each works once; only SHA-256 hashes are stored."""

    code_hashes = models.JSONField(default=list, editable=False)

    class Meta(Device.Meta):
        app_label = "releases"
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    @classmethod
    def issue(cls, user):
        """Replace the user's codes with fresh ones; returns the codes in clear, to be shown once."""
        codes = [new_code() for _ in range(settings.NEWSROOM_RECOVERY_CODES)]
        cls.objects.filter(user=user).delete()
        cls.objects.create(user=user, name="recovery", confirmed=True, code_hashes=[code_hash(c) for c in codes])
        return codes

    @property
    def remaining(self):
        return len(self.code_hashes)

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def verify_token(self, token):
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        digest = code_hash(token)
        if len(normalise(token)) == GROUPS * GROUP_LENGTH and digest in self.code_hashes:
            self.code_hashes = [h for h in self.code_hashes if h != digest]  # single use
            self.throttle_reset(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False
