"""Who is asking: the client's address behind the trusted proxies, one rule for the view counter and sign-in lock-out."""

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR, or with PROXY_COUNT (DJANGO_PROXY_COUNT) trusted proxies in front, the
    X-Forwarded-For entry that the outermost trusted proxy saw connect; entries further left
    are whatever the client sent and may be forged."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
        if forwarded:
            return forwarded[0]
    return remote
