"""Signed links: confirm (expires), manage and unsubscribe (no account, no expiry)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "releases.subscriptions.confirm"
MANAGE_SALT = "releases.subscriptions.manage"


def absolute(path):
    return settings.NEWSROOM_SITE_URL + path


def confirm_token(request_data):
    """The whole pending request (address, lists, frequency, consent) signed with the time:
    nothing is stored until the address owner confirms."""
    return signing.dumps(request_data, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token):
    """The request, or None when forged or older than NEWSROOM_CONFIRM_HOURS."""
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSROOM_CONFIRM_HOURS * 3600)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def manage_token(subscriber):
    return signing.Signer(salt=MANAGE_SALT).sign(subscriber.token)


def unsign(token):
    """The subscriber's raw token inside a manage/unsubscribe token we signed, or None.
    (The subscriber may have left since.)"""
    try:
        return signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        return None


def confirm_url(token):
    return absolute(reverse("subscriptions:confirm", args=[token]))


def manage_url(subscriber):
    return absolute(reverse("subscriptions:manage", args=[manage_token(subscriber)]))


def unsubscribe_url(subscriber):
    return absolute(reverse("subscriptions:unsubscribe", args=[manage_token(subscriber)]))

