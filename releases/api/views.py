"""The API's views: read-only viewsets over published() releases, officials and categories."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets

from releases.filters import ReleaseFilter
from releases.models import Category, Official
from releases.views import UNSHOWN_FIELDS, PublishedReleaseMixin

from .caching import CachedResponseMixin
from .pagination import ReleaseCursorPagination, SlugCursorPagination
from .serializers import CategorySerializer, OfficialSerializer, ReleaseDetailSerializer, ReleaseListSerializer

_ERROR = inline_serializer("Error", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(_ERROR, description=_("No such public item (drafts and scheduled releases included), or a bad cursor."))
THROTTLED = OpenApiResponse(_ERROR, description=_("Over the rate limit: wait the Retry-After header's seconds."))
BAD_FILTER = OpenApiResponse(
    inline_serializer("FilterErrors", {"field": serializers.ListField(child=serializers.CharField(), required=False)}),
    description=_("A filter's value is invalid: each field's messages."),
)

# What ReleaseFilter's own fields accept, which drf-spectacular cannot read from its custom fields.
FILTER_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.STR, description=_("Year in either era: 2564 (Buddhist) or 2021, Thai digits too.")),
    OpenApiParameter("month", OpenApiTypes.INT, enum=list(range(1, 13)), description=_("Month of the release date, 1-12.")),
    OpenApiParameter("date_from", OpenApiTypes.STR, description=_("Released on or after: 2021-09-29 or 29/09/2564.")),
    OpenApiParameter("date_to", OpenApiTypes.STR, description=_("Released on or before: 2021-09-29 or 29/09/2564.")),
    OpenApiParameter("category", OpenApiTypes.STR, description=_("A category's slug (/api/v1/categories/).")),
    OpenApiParameter("official", OpenApiTypes.STR, description=_("An official's slug (/api/v1/officials/).")),
    OpenApiParameter("q", OpenApiTypes.STR, description=_("Search words, Thai or English, as in the site's search box.")),
]


class ReadOnlyViewSet(CachedResponseMixin, viewsets.ReadOnlyModelViewSet):
    # GET and HEAD only; anything else is 405.

    http_method_names = ["get", "head", "options"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Public releases, newest first (by relevance with q)"),
        parameters=FILTER_PARAMETERS,
        responses={200: ReleaseListSerializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND, 429: THROTTLED},
    ),
    retrieve=extend_schema(
        summary=_("One public release"), responses={200: ReleaseDetailSerializer, 404: NOT_FOUND, 429: THROTTLED}
    ),
)
class ReleaseViewSet(PublishedReleaseMixin, ReadOnlyViewSet):
    """Public releases only (never drafts or scheduled ones), with the public list's filters."""

    filterset_class = ReleaseFilter
    pagination_class = ReleaseCursorPagination

    def get_queryset(self):
        # The site's own base: published() with its category, without the large unshown fields.
        releases = super().get_queryset()
        if self.action == "retrieve":
            counterparts = ("translation", "translated_from")
            releases = releases.select_related(*counterparts).defer(
                *(f"{relation}__{field}" for relation in counterparts for field in UNSHOWN_FIELDS)
            ).prefetch_related(Prefetch("officials", queryset=Official.objects.prefetch_related("positions")))
        return releases.prefetch_related("images")

    def get_serializer_class(self):
        return ReleaseDetailSerializer if self.action == "retrieve" else ReleaseListSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Officials and the positions they have held"), responses={200: OfficialSerializer(many=True), 404: NOT_FOUND, 429: THROTTLED}),
    retrieve=extend_schema(summary=_("One official"), responses={200: OfficialSerializer, 404: NOT_FOUND, 429: THROTTLED}),
)
class OfficialViewSet(ReadOnlyViewSet):
    """Officials by slug, each with every position held."""

    queryset = Official.objects.prefetch_related("positions")
    serializer_class = OfficialSerializer
    pagination_class = SlugCursorPagination
    lookup_field = "slug"
    filter_backends = []


@extend_schema_view(
    list=extend_schema(summary=_("Categories, in the site's order"), responses={200: CategorySerializer(many=True), 429: THROTTLED}),
    retrieve=extend_schema(summary=_("One category"), responses={200: CategorySerializer, 404: NOT_FOUND, 429: THROTTLED}),
)
class CategoryViewSet(ReadOnlyViewSet):
    """Release categories; a release's `category.slug` filters the list."""

    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    pagination_class = None
    lookup_field = "slug"
    filter_backends = []
