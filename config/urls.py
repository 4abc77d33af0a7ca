"""Root URLs: admin and its second sign-in step, language switch, API, robots and sitemaps, the public site in Thai and under /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from releases.caching import cache_public_page
from releases.embargo import serve_media
from releases.languages import set_language
from releases.sitemaps import SITEMAPS
from releases.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    # The second sign-in step (set-up, code) that every admin page requires.
    path("two-factor/", include("releases.security.urls")),
    # The old language switch (cookie), CSRF-exempt: releases/languages.py says why.
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("releases.api.urls")),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", cache_public_page(sitemap_views.index), {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", cache_public_page(sitemap_views.sitemap, query=["p"]), {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

# The readers' pages (feeds included): Thai at the addresses they always had, English under /en/.
# The URL alone says the language, so a page's address never depends on a cookie (docs/public-site.md).
urlpatterns += i18n_patterns(
    path("subscribe/", include("releases.subscriptions.urls")),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

if settings.NEWSROOM_BENCH_VIEWS:
    urlpatterns += [path("bench/", include("bench.benchapp.urls"))]
if settings.MEDIA_URL.startswith("/"):
    # Always, not only in DEBUG: every file of a release is checked against its release's state.
    urlpatterns += [path(settings.MEDIA_URL.lstrip("/") + "<path:name>", serve_media, name="media")]
