"""Sitemaps for search engines, built on published() like every public page."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Official, Release
from .taxonomy.sitemaps import CountrySitemap, TopicSitemap


class ReleaseSitemap(Sitemap):
    changefreq = "monthly"
    limit = 2_000  # far below the 50,000 maximum: each page renders in well under a second

    def items(self):
        # By id: a new release lands on the last page, the earlier pages stay put.
        return Release.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of the default's walk over every item, for the index.
        return Release.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class OfficialSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Official.objects.only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Official.objects.aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["releases:list", "releases:officials"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "releases": ReleaseSitemap, "officials": OfficialSitemap, "pages": PageSitemap,
    "countries": CountrySitemap, "topics": TopicSitemap,
}
