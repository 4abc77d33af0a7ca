"""A dependency that may go away (the cache, the database): logged when it goes and when it is back, not per request."""

import logging
import time

logger = logging.getLogger(__name__)


class Outage:
    """The state of one dependency in this worker process.

    failed() logs one error when the dependency goes away (without a traceback: the message of
    the exception says what happened), and for `retry_seconds` afterwards available() is False so
    requests skip it instead of each waiting for a connection to fail; then one request tries
    again, and succeeded() logs once that it is back.
    """

    def __init__(self, name, retry_seconds=5):
        self.name = name
        self.retry_seconds = retry_seconds
        self.down = False
        self.episodes = 0  # outages so far: lets a user of the dependency notice one it missed
        self._retry_at = 0.0

    def available(self):
        return time.monotonic() >= self._retry_at

    def failed(self, error):
        self._retry_at = time.monotonic() + self.retry_seconds
        if not self.down:
            self.down = True
            self.episodes += 1
            logger.error("%s unavailable (%s: %s)", self.name, type(error).__name__, error)

    def succeeded(self):
        # Ignored while retrying waits: the call that reports it may have been served by a
        # fallback that already reported the failure.
        if self.down and self.available():
            self.down = False
            self._retry_at = 0.0
            logger.warning("%s available again", self.name)


# The shared cache (Redis, when configured) holds the page cache and the view counter's keys.
cache = Outage("Cache")
database = Outage("Database", retry_seconds=0)
