"""RSS and Atom feeds of the releases about one country or topic."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from ..feed_media import MediaAtomFeed
from ..feeds import ObjectFeed
from .models import Country, Topic


class CountryFeed(ObjectFeed):
    model = Country
    lookup = "countries"
    description_text = gettext_lazy("The latest press releases about %(name)s.")

    def get_object(self, request, code):
        return get_object_or_404(Country, code=code.upper())


class CountryAtomFeed(CountryFeed):
    feed_type = MediaAtomFeed
    subtitle = CountryFeed.description


class TopicFeed(ObjectFeed):
    model = Topic
    lookup = "topics"
    description_text = gettext_lazy("The latest press releases about %(name)s.")


class TopicAtomFeed(TopicFeed):
    feed_type = MediaAtomFeed
    subtitle = TopicFeed.description
