"""The API's per-client rate limit, counted in the default cache so every worker shares it."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from releases.clients import client_address


class ClientRateThrottle(SimpleRateThrottle):
    """NEWSROOM_API_RATE requests per client address; over it, 429 with Retry-After (DRF).

    The address is the site's one rule (releases.clients.client_address: REMOTE_ADDR, or the X-Forwarded-For
    entry the trusted proxies saw), so clients behind our proxy are told apart and cannot pick
    their own key. The history lives in Django's default cache: Redis in production, one count
    for all workers; a single process's memory on a laptop.
    """

    scope = "api"

    def get_rate(self):
        # Our own setting rather than DRF's THROTTLE_RATES, which DRF reads once at import.
        return settings.NEWSROOM_API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
