"""Public URLs, namespace 'releases'."""

from django.urls import include, path

from . import feeds, views
from .attachments.presskit import photos_zip
from .caching import cache_public_page as cached

app_name = "releases"

urlpatterns = [
    path("", cached(views.ReleaseListView.as_view()), name="list"),
    path("releases/", cached(views.ReleaseListView.as_view()), name="list-alias"),
    # <str:slug> (not <slug:>): the slug converter is ASCII-only and Thai slugs must work.
    path("releases/<int:pk>/", views.ReleaseDetailView.as_view(), name="detail-bare"),
    path("releases/<int:pk>/<str:slug>/", cached(views.ReleaseDetailView.as_view(), count_views=True), name="detail"),
    path("releases/<int:pk>/photos.zip", photos_zip, name="photos-zip"),
    path("officials/", cached(views.OfficialListView.as_view()), name="officials"),
    path("officials/<slug:slug>/", cached(views.OfficialDetailView.as_view()), name="official"),
    path("feeds/latest/rss/", cached(feeds.LatestReleasesFeed()), name="feed-rss"),
    path("feeds/latest/atom/", cached(feeds.LatestReleasesAtomFeed()), name="feed-atom"),
    path("feeds/category/<slug:slug>/rss/", cached(feeds.CategoryFeed()), name="category-feed-rss"),
    path("feeds/category/<slug:slug>/atom/", cached(feeds.CategoryAtomFeed()), name="category-feed-atom"),
    path("feeds/official/<slug:slug>/rss/", cached(feeds.OfficialFeed()), name="official-feed-rss"),
    path("feeds/official/<slug:slug>/atom/", cached(feeds.OfficialAtomFeed()), name="official-feed-atom"),
    path("", include("releases.taxonomy.urls")),
]
