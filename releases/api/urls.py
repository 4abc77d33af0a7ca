"""API URLs, namespace 'api': the resources, the OpenAPI schema and its documentation page."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import docs, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Anything else under the API (an id that is not a number, a mistyped resource) is the API's
    # own JSON 404, as its schema documents, never the site's HTML page.
    re_path(r"^.*$", lambda request, *args: JsonResponse({"detail": _("Not found.")}, status=404)),
]
