"""Sitemap sections for the country and topic pages that have public releases."""

from django.contrib.sitemaps import Sitemap

from ..models import Release
from .models import Country, Topic


class SubjectSitemap(Sitemap):
    changefreq = "daily"
    model = None

    def items(self):
        public = Release.objects.published()
        return self.model.objects.filter(releases__in=public).distinct().order_by("pk")


class CountrySitemap(SubjectSitemap):
    model = Country


class TopicSitemap(SubjectSitemap):
    model = Topic
