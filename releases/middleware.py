"""Thai first: the interface is Thai unless the reader chose English with the switch (a cookie)."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
