"""The API's JSON shapes: releases (list item and detail), photos, officials with positions, categories."""

from django.template.defaultfilters import linebreaksbr, urlize
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from releases import counters
from releases.images import picture, rendition
from releases.models import Category, Official, Position, Release, ReleaseImage

RENDITION_SIZES = ("thumb", "display")
RENDITION_FORMATS = ("webp", "jpeg")


def absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def body_html(release):
    """The body as the release page shows it: a <p> a paragraph, line breaks kept, addresses linked, all escaped."""
    return "\n".join(f"<p>{linebreaksbr(urlize(p, autoescape=True), autoescape=True)}</p>" for p in release.paragraphs)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("slug", "name_th", "name_en")


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ("title_th", "title_en", "organisation", "start_date", "end_date", "concurrent")


class OfficialLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Official
        fields = ("slug", "url", "honorific", "name_th", "name_en")

    @extend_schema_field(serializers.URLField())
    def get_url(self, official):
        return absolute(self.context["request"], reverse("api:official-detail", args=[official.slug]))


class OfficialSerializer(OfficialLinkSerializer):
    positions = PositionSerializer(many=True, read_only=True)

    class Meta(OfficialLinkSerializer.Meta):
        fields = (*OfficialLinkSerializer.Meta.fields, "positions")


class MentionedOfficialSerializer(OfficialLinkSerializer):
    """An official named in a release, with the position held on the release date (or null)."""

    position = serializers.SerializerMethodField()

    class Meta(OfficialLinkSerializer.Meta):
        fields = (*OfficialLinkSerializer.Meta.fields, "position")

    @extend_schema_field(PositionSerializer(allow_null=True))
    def get_position(self, official):
        held = official.position_on(self.context["release_date"])
        return PositionSerializer(held).data if held else None


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class RenditionFormatsSerializer(serializers.Serializer):
    webp = RenditionSerializer(allow_null=True)
    jpeg = RenditionSerializer(allow_null=True)


class RenditionSizesSerializer(serializers.Serializer):
    thumb = RenditionFormatsSerializer()
    display = RenditionFormatsSerializer()


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The display size (JPEG), or the stored photo itself."))
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseImage
        fields = ("url", "width", "height", "alt_text", "caption", "renditions")

    @extend_schema_field(serializers.URLField())
    def get_url(self, image):
        return absolute(self.context["request"], picture(image, "display")["src"])

    @extend_schema_field(RenditionSizesSerializer())
    def get_renditions(self, image):
        request = self.context["request"]
        sizes = {}
        for size in RENDITION_SIZES:
            sizes[size] = {}
            for fmt in RENDITION_FORMATS:
                found = rendition(image, size, fmt)
                sizes[size][fmt] = {**found, "url": absolute(request, found["url"])} if found else None
        return sizes


class ReleaseLinkSerializer(serializers.ModelSerializer):
    """Another release, enough to fetch it: the API's and the site's address."""

    url = serializers.SerializerMethodField()
    canonical_url = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ("id", "url", "canonical_url", "language", "title")

    @extend_schema_field(serializers.URLField())
    def get_url(self, release):
        return absolute(self.context["request"], reverse("api:release-detail", args=[release.pk]))

    @extend_schema_field(serializers.URLField())
    def get_canonical_url(self, release):
        # Its own language's page, whatever language cookie the client sends.
        return absolute(self.context["request"], release.url_in_its_language())


class ReleaseListSerializer(ReleaseLinkSerializer):
    published_at = serializers.DateTimeField(source="publish_at")
    category = CategorySerializer()
    photos = PhotoSerializer(source="images", many=True)

    class Meta:
        model = Release
        fields = (*ReleaseLinkSerializer.Meta.fields, "summary", "release_date", "published_at", "updated_at", "category", "photos")


class ReleaseDetailSerializer(ReleaseListSerializer):
    body_html = serializers.SerializerMethodField(help_text=_("The body as HTML: paragraphs, line breaks and links, escaped."))
    officials = serializers.SerializerMethodField()
    translation = serializers.SerializerMethodField(help_text=_("The same release in the other language, when it is public."))
    view_count = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = (*ReleaseListSerializer.Meta.fields, "body", "body_html", "officials", "translation", "view_count")
        extra_kwargs = {"body": {"help_text": _("Plain text; paragraphs separated by a blank line.")}}

    def get_body_html(self, release) -> str:
        return body_html(release)

    @extend_schema_field(MentionedOfficialSerializer(many=True))
    def get_officials(self, release):
        context = {**self.context, "release_date": release.release_date}
        return MentionedOfficialSerializer(release.officials.all(), many=True, context=context).data

    @extend_schema_field(ReleaseLinkSerializer(allow_null=True))
    def get_translation(self, release):
        counterpart = release.counterpart
        # The other side may be a draft or scheduled: then it does not exist for the public.
        if counterpart is None or not counterpart.is_published():
            return None
        return ReleaseLinkSerializer(counterpart, context=self.context).data

    def get_view_count(self, release) -> int:
        return counters.displayed_views(release)
