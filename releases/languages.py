"""Which language a URL is in and where the same page lives in the other: the readers' pages are Thai unprefixed, English under /en/."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import LocalePrefixPattern, Resolver404, get_resolver, get_urlconf, translate_url
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language


def _language_resolvers(urlconf):
    return [entry for entry in get_resolver(urlconf).url_patterns if isinstance(getattr(entry, "pattern", None), LocalePrefixPattern)]


def _prefixed_language(path):
    """"en" for a path under /en/; None for any other (the default language has no prefix)."""
    language = translation.get_language_from_path(path)
    return language if language and language != settings.LANGUAGE_CODE else None


def route_language(path, urlconf=None):
    """The language a readers' page at `path` is in, or None when no readers' page is there
    (the admin, the API, feeds of robots, an unknown address): those follow the old cookie."""
    language = _prefixed_language(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        for resolver in _language_resolvers(urlconf or get_urlconf()):
            try:
                resolver.resolve(path.removeprefix("/"))
            except Resolver404:
                continue
            return language
    return None


def request_language(request):
    """The interface language of a request: the URL's for the readers' pages (never a cookie, so
    search engines and every reader see the same page at one address); elsewhere, the language
    switch's cookie or Thai. The browser's Accept-Language is never used."""
    urlconf = getattr(request, "urlconf", None)
    language = route_language(request.path_info, urlconf) or _prefixed_language(request.path_info)
    if language:
        return language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def language_url(url, language):
    """The same readers' page in `language`, query string kept; None when `url` is no readers' page."""
    path = urlsplit(url).path
    current = route_language(path)
    if current is None:
        return None
    with translation.override(current):
        return translate_url(url, language)


def language_urls(request):
    """{language: absolute URL} of the page being served in each interface language, or {}."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        url = language_url(request.get_full_path(), code)
        if url is None:
            return {}
        urls[code] = request.build_absolute_uri(url)
    return urls


@csrf_exempt
def set_language(request):
    """Django's set_language (sets the cookie, refuses off-site `next`), with `next` read in its own
    URL's language so that the redirect lands on the same page in the chosen language.

    CSRF-exempt: the worst a forged request can do is switch a reader's language, and without a
    token in every page the public pages stay identical for all, so cacheable."""
    next_url = request.POST.get("next", request.GET.get("next")) or request.META.get("HTTP_REFERER") or ""
    with translation.override(route_language(urlsplit(next_url).path) or translation.get_language()):
        return django_set_language(request)
