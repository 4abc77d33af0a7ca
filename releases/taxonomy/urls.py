"""Public URLs of countries and topics (included in the 'releases' namespace)."""

from django.urls import path

from ..caching import cache_public_page as cached
from . import feeds, views

urlpatterns = [
    path("countries/<str:code>/", cached(views.CountryReleasesView.as_view()), name="country"),
    path("topics/<slug:slug>/", cached(views.TopicReleasesView.as_view()), name="topic"),
    path("feeds/country/<str:code>/rss/", cached(feeds.CountryFeed()), name="country-feed-rss"),
    path("feeds/country/<str:code>/atom/", cached(feeds.CountryAtomFeed()), name="country-feed-atom"),
    path("feeds/topic/<slug:slug>/rss/", cached(feeds.TopicFeed()), name="topic-feed-rss"),
    path("feeds/topic/<slug:slug>/atom/", cached(feeds.TopicAtomFeed()), name="topic-feed-atom"),
]
