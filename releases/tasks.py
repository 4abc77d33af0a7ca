"""The app's queue tasks, where huey's autodiscovery (djhuey imports each app's `tasks`) finds them."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import scheduled_edits
from .subscriptions.tasks import broadcast_line, deliver, every_minute, send_confirmation, send_digest  # noqa: F401


@db_periodic_task(crontab(minute="*"))
def apply_scheduled_edits():
    """Scheduled changes go live within a minute even when no one reads the site; readers never wait for it
    (scheduled_edits.ScheduledEditsMiddleware applies a due change before any request)."""
    return scheduled_edits.apply_due()
