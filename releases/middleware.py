"""Site-wide request handling: Thai first unless the reader chose English, the security headers Django lacks, database outages."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import outages


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the browser's Accept-Language.

    Many Thai readers' phones are set to English; they still expect a Thai ministry's site
    in Thai. Only the language switch's cookie changes it, so a page varies by that cookie
    alone (never by Accept-Language), which also keeps page caches small.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The page depends on the language cookie: shared caches must key on cookies.
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
