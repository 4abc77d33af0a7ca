"""Site-wide request handling: the page's language (Thai first, English under /en/), the security headers Django lacks, database outages."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import languages, outages


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the browser's Accept-Language: the readers' pages are in the
    language of their URL (Thai unprefixed, English under /en/); other addresses (the admin, the
    API) follow the language switch's cookie, as every page once did (releases/languages.py).

    Many Thai readers' phones are set to English; they still expect a Thai ministry's site
    in Thai, so the header is never read.
    """

    def process_request(self, request):
        translation.activate(languages.request_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # Off the readers' pages the language comes from the cookie, and a staff session changes
        # what pages may be cached: shared caches must key on cookies.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# Features the site never uses, refused to any page or frame (browsing-topics is the Topics
# API that replaced FLoC's interest-cohort).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"


class SecurityHeadersMiddleware:
    """Cross-Origin-Resource-Policy and Permissions-Policy on every response, static files included
    (Django's SecurityMiddleware sets the others but not these)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _database_reachable(**kwargs):
    outages.database.succeeded()


class DatabaseOutageMiddleware:
    """A database that cannot be reached (connection refused, gone, a server restarting) is a 503
    with Retry-After and a plain bilingual page, logged once per outage (releases/outages.py)
    instead of a 500 with a traceback per request. Pages the cache holds are still served."""

    def __init__(self, get_response):
        self.get_response = get_response
        # A new connection means the database is back (logged once).
        connection_created.connect(_database_reachable, dispatch_uid="newsroom_database_reachable")

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        outages.database.failed(exception)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(settings.NEWSROOM_RETRY_AFTER_SECONDS)
        return response
