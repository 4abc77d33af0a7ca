"""Logging filters used by settings.LOGGING."""

import logging


class ExpectedResponses(logging.Filter):
    """For django.request: a refused request (403, e.g. PermissionDenied in the admin) keeps its
    one-line message but not its traceback, which every hand-made request would otherwise write
    to the error log; a 503 (the database unreachable) is not logged per request, as the outage
    itself is logged once (releases/outages.py). Errors (500) keep their tracebacks."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status == 403:
            record.exc_info = None
            record.exc_text = None
        return status != 503
