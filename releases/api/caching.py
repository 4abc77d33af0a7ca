"""API responses cached like the pages (releases/caching.py's generations and keys), with ETag, Last-Modified and 304s."""

import hashlib

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from releases import caching

# Kept with each cached body; everything else about a response is the same for every reader.
KEPT_HEADERS = ("Content-Type",)


class CachedResponseMixin:
    """Answers anonymous reads from the page cache, tags 200s with ETag/Last-Modified, and 304s.

    The cache key carries the page-cache generation, so a saved release, photo, official or
    category, or a scheduled release falling due, retires every cached API response exactly
    as it retires pages. Throttling runs first (DRF's initial()), so a cached answer still
    counts against the client's rate. The ETag is a digest of the body, so a client's copy stays
    valid across generations as long as its bytes are the same; Last-Modified is when the body
    was rendered (it is stored with it), never later than the change that produced it.
    """

    def list(self, request, *args, **kwargs):
        return self._cached(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request) or super().retrieve(request, *args, **kwargs)

    def _key(self, request):
        if not hasattr(self, "_cache_key"):
            token = caching.guarded_token() if caching.cacheable_request(request) else None
            self._cache_key = caching.page_key(request, token) if token else None
        return self._cache_key

    def _cached(self, request):
        key = self._key(request)
        entry = caching.lookup(key) if key else None
        if entry is None:
            return None
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"].items():
            response[name] = value
        response[caching.HIT_HEADER] = "hit"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.get(caching.HIT_HEADER) != "hit":
            response.render()
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["Last-Modified"] = http_date(timezone.now().timestamp())
            key = self._key(request)
            if key and caching.cacheable_response(request, response):
                headers = {name: response[name] for name in (*KEPT_HEADERS, "ETag", "Last-Modified")}
                entry = {"content": response.content, "status": response.status_code, "headers": headers}
                caching.store(key, entry)
            if key:
                response[caching.HIT_HEADER] = "miss"
        # A client's copy is still good: 304 and no body (Django's own rules for the headers).
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
