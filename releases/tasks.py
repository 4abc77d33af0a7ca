"""The app's queue tasks, where huey's autodiscovery (djhuey imports each app's `tasks`) finds them."""

from .subscriptions.tasks import broadcast_line, deliver, every_minute, send_confirmation, send_digest  # noqa: F401
