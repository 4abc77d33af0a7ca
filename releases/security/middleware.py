"""Staff sessions end after a stretch of inactivity; readers' requests are left alone (no session, no cookie)."""

import time

from django.conf import settings
from django.contrib.auth import logout

LAST_SEEN_KEY = "staff_last_seen"
# Writing the session at most this often keeps a busy editor from one session write per request.
RESOLUTION_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests that carry a session cookie can belong to staff: no lookup, no cookie otherwise.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated and request.user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)  # flushes the session row: the old cookie opens nothing
            elif now - last_seen >= RESOLUTION_SECONDS or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
