"""Logging filters used by settings.LOGGING."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403, e.g. PermissionDenied in the admin) keeps its one-line message but
    not its traceback: it is an expected outcome, and every hand-made request would otherwise
    write a full stack to the error log. Errors (5xx) keep theirs."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
