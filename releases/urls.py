"""Public URLs, namespace 'releases'."""

from django.urls import path

from . import feeds, views

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path("releases/", views.ReleaseListView.as_view(), name="list-alias"),
    # <str:slug> (not <slug:>): the slug converter is ASCII-only and Thai slugs must work.
    path("releases/<int:pk>/", views.ReleaseDetailView.as_view(), name="detail-bare"),
    path("releases/<int:pk>/<str:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("officials/", views.OfficialListView.as_view(), name="officials"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
    path("feeds/latest/rss/", feeds.LatestReleasesFeed(), name="feed-rss"),
    path("feeds/latest/atom/", feeds.LatestReleasesAtomFeed(), name="feed-atom"),
    path("feeds/category/<slug:slug>/rss/", feeds.CategoryFeed(), name="category-feed-rss"),
    path("feeds/category/<slug:slug>/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("feeds/official/<slug:slug>/rss/", feeds.OfficialFeed(), name="official-feed-rss"),
    path("feeds/official/<slug:slug>/atom/", feeds.OfficialAtomFeed(), name="official-feed-atom"),
]
