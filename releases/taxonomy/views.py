"""Public landing pages of a country and a topic: their published releases, a page at a time."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from ..views import PublishedReleaseMixin, ReleaseListMixin
from .models import Country, Topic


class SubjectReleasesView(ReleaseListMixin, PublishedReleaseMixin, ListView):
    """The releases about one country or topic (`lookup`), newest first."""

    template_name = "releases/subject_detail.html"
    lookup = None
    feed_names = None

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject(**kwargs)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(**{self.lookup: self.subject}).newest_first().prefetch_related("images")

    def get_context_data(self, **kwargs):
        key = self.kwargs.get("code") or self.kwargs.get("slug")
        return super().get_context_data(**kwargs, subject=self.subject, feed_names=self.feed_names, feed_key=key)


class CountryReleasesView(SubjectReleasesView):
    lookup = "countries"
    feed_names = ("releases:country-feed-rss", "releases:country-feed-atom")

    def get_subject(self, code):
        return get_object_or_404(Country, code=code.upper())


class TopicReleasesView(SubjectReleasesView):
    lookup = "topics"
    feed_names = ("releases:topic-feed-rss", "releases:topic-feed-atom")

    def get_subject(self, slug):
        return get_object_or_404(Topic, slug=slug)
