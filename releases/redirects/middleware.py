"""The 404 fallback: an old address answers 301 to where it now lives; a miss under the old prefixes is counted."""

from django.http import HttpResponsePermanentRedirect

from .models import LegacyURL, MissingLegacyURL


class LegacyRedirectMiddleware:
    """Looks at responses that are already 404s only, so normal pages cost no query (as contrib.redirects does).

    Only 404s of addresses no route matched: a page of this site that answers 404 itself (an
    unknown release id, a page past the end) stays one, at no query, cached as such.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD") or request.resolver_match is not None:
            return response
        url = request.get_full_path()
        redirect = LegacyURL.objects.answering(url)
        if redirect is None:
            MissingLegacyURL.count(url)
            return response
        redirect.count_hit()
        return HttpResponsePermanentRedirect(redirect.destination())
