"""Scheduled changes to live releases go live when their time comes, before any request reads the release: no job needed."""

from django.db import DatabaseError
from django.utils import timezone

from . import caching, lifecycle
from .models import ReleaseRevision


def apply_due(now=None):
    """Put every scheduled change whose time has come live; returns how many this call applied.

    Idempotent and safe to run in many processes at once (lifecycle.apply_scheduled locks each one)."""
    now = now or timezone.now()
    due = ReleaseRevision.objects.filter(go_live_at__lte=now).order_by("go_live_at", "pk").values_list("pk", flat=True)
    return sum(lifecycle.apply_scheduled(pk, now) for pk in list(due))


def apply_if_due(now=None):
    """apply_due() when a change may be due: the page cache's generation state knows the first
    go-live time (no query while it is cached); while the cache is unreachable, the database is asked."""
    now = now or timezone.now()
    due = caching.edit_due(now)
    if due is None:
        due = ReleaseRevision.objects.filter(go_live_at__lte=now).exists()
    if due and not apply_due(now):
        # Another process applied it, or it was cancelled without a signal: refresh the state.
        caching.bump_guarded()


class ScheduledEditsMiddleware:
    """Before every request (pages, feeds, the API, the admin): scheduled changes that are due go live first,
    so no reader and no cached page sees the old version after the time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            apply_if_due()
        except DatabaseError:
            pass  # the database is down: the view answers for that (DatabaseOutageMiddleware), not this step
        return self.get_response(request)
