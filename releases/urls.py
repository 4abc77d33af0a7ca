"""Public URLs, namespace 'releases'."""

from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path("releases/", views.ReleaseListView.as_view(), name="list-alias"),
    # <str:slug> (not <slug:>): the slug converter is ASCII-only and Thai slugs must work.
    path("releases/<int:pk>/", views.ReleaseDetailView.as_view(), name="detail-bare"),
    path("releases/<int:pk>/<str:slug>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("officials/<slug:slug>/", views.OfficialDetailView.as_view(), name="official"),
]
