"""Sitemaps for search engines, built on published() like every public page; every page in Thai and English, with hreflang alternates."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import get_language

from .taxonomy import sitemaps as subject_sitemaps
from .models import Official, Release

# What a release's URL needs, for itself and for its translation (either side of the link).
_URL_FIELDS = ("id", "slug", "language", "status", "publish_at")


class BothLanguages:
    """Django's i18n sitemap: each item at its Thai and its /en/ URL, each naming the other and x-default."""

    i18n = True
    alternates = True
    x_default = True


class _InEveryLanguage:
    """(item, language) pairs of a queryset, read one sitemap page at a time: Django's i18n sitemap
    would load every item to cut out one page (all releases, for each page)."""

    def __init__(self, items, languages):
        self.items, self.languages = items, languages

    def count(self):
        return self.items.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        size = len(self.languages)
        start, stop = index.start or 0, index.stop
        rows = self.items[start // size:-(-stop // size)]
        pairs = [(item, language) for item in rows for language in self.languages]
        skip = start % size
        return pairs[skip:skip + stop - start]


class ReleaseSitemap(BothLanguages, Sitemap):
    changefreq = "monthly"
    limit = 2_000  # far below the 50,000 maximum: each page renders in well under a second

    def items(self):
        # A translated pair once (as the Thai list shows it), so that no URL is listed twice.
        # By id: a new release lands on the last page, the earlier pages stay put.
        counterparts = [f"{side}__{field}" for side in ("translation", "translated_from") for field in _URL_FIELDS]
        return (
            Release.objects.published().for_readers_of(settings.LANGUAGE_CODE)
            .select_related("translation", "translated_from")
            .only(*_URL_FIELDS, "updated_at", *counterparts).order_by("pk")
        )

    def _items(self):
        return _InEveryLanguage(self.items(), [code for code, _name in settings.LANGUAGES])

    def location(self, item):
        # A public translation is the page for readers of its language, in their interface.
        language, counterpart = get_language(), item.counterpart
        if item.language != language and counterpart is not None and counterpart.is_published():
            return counterpart.url_in_its_language()
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of the default's walk over every item, for the index.
        return Release.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class OfficialSitemap(BothLanguages, Sitemap):
    changefreq = "weekly"

    def items(self):
        return Official.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Official.objects.aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(BothLanguages, Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["releases:list", "releases:officials"]

    def location(self, item):
        return reverse(item)


class CountrySitemap(BothLanguages, subject_sitemaps.CountrySitemap):
    """Country pages, in both interface languages."""


class TopicSitemap(BothLanguages, subject_sitemaps.TopicSitemap):
    """Topic pages, in both interface languages."""


SITEMAPS = {
    "releases": ReleaseSitemap, "officials": OfficialSitemap, "pages": PageSitemap,
    "countries": CountrySitemap, "topics": TopicSitemap,
}
