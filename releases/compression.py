"""Gzip for public pages only: nothing that carries a secret is compressed (BREACH)."""

import functools

from django.middleware.gzip import GZipMiddleware
from django.urls import reverse


@functools.cache
def admin_prefix():
    return reverse("admin:index")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for responses that hold no secret an attacker could guess.

    BREACH needs a secret in a compressed body beside text the attacker controls (a search
    query is reflected on every results page). Public pages for anonymous readers carry
    neither a CSRF token nor anything personal, so they are compressed; the admin, any page
    for a signed-in user, and any response that used the CSRF token are sent as they are.
    """

    def process_response(self, request, response):
        if self._may_hold_a_secret(request):
            return response
        return super().process_response(request, response)

    @staticmethod
    def _may_hold_a_secret(request):
        if request.path.startswith(admin_prefix()):
            return True
        # Set by get_token(): this response carries the CSRF token in its body or cookie.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return True
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated
