"""Scheduled changes to live releases go live when their time comes, before any request reads the release: no job needed."""

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import caching, lifecycle
from .models import ReleaseRevision

# The first go-live time, in the page cache: {"at": timestamp or None}. Deleted whenever a revision
# changes (now and after the commit); recomputed by the next request (one query). It expires too,
# which bounds how long a value computed during another process's commit can be out of date.
NEXT_KEY = "pages:next-scheduled-change"
NEXT_SECONDS = 60


def apply_due(now=None):
    """Put every scheduled change whose time has come live; returns how many this call applied.

    Idempotent and safe to run in many processes at once (lifecycle.apply_scheduled locks each one)."""
    now = now or timezone.now()
    due = ReleaseRevision.objects.filter(go_live_at__lte=now).order_by("go_live_at", "pk").values_list("pk", flat=True)
    return sum(lifecycle.apply_scheduled(pk, now) for pk in list(due))


def next_go_live():
    """The first go-live time as a timestamp, or None: from the cache (no query), else the database."""
    entry = caching.lookup(NEXT_KEY)
    if entry is None:
        first = ReleaseRevision.objects.filter(go_live_at__isnull=False).order_by("go_live_at").values_list("go_live_at", flat=True).first()
        entry = {"at": first and first.timestamp()}
        caching.store(NEXT_KEY, entry, NEXT_SECONDS)
    return entry["at"]


def apply_if_due(now=None):
    """apply_due() when the first scheduled change's time has come; a cache read otherwise."""
    now = now or timezone.now()
    first = next_go_live()
    if first is not None and first <= now.timestamp():
        apply_due(now)
        caching.forget(NEXT_KEY)  # applied here or elsewhere, or cancelled: look again next time


def _revision_changed(**kwargs):
    caching.forget(NEXT_KEY)
    # Again after the commit: a request may have read the rows before it and cached the old answer.
    transaction.on_commit(lambda: caching.forget(NEXT_KEY))


def register():
    """Connect the signals that keep the first go-live time current (called once from ReleasesConfig.ready())."""
    post_save.connect(_revision_changed, sender=ReleaseRevision, dispatch_uid="scheduled_edits_save")
    post_delete.connect(_revision_changed, sender=ReleaseRevision, dispatch_uid="scheduled_edits_delete")


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
