"""Countries and topics in the admin: their own lists, and autocomplete fields and suggestions (one-click, kept current) on a release."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_POST

from ..body.render import MAX_BODY_LENGTH
from .models import Country, Topic
from .suggest import SubjectMatcher, suggestions


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name_th", "name_en", "code", "aliases"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "slug"]
    search_fields = ["name_th", "name_en", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name_en"]}


class ReleaseTaxonomyMixin:
    """Countries and topics on the release form (autocomplete), beside the ones its text names."""

    taxonomy_fields = ["countries", "topics"]

    def get_autocomplete_fields(self, request):
        return [*super().get_autocomplete_fields(request), *self.taxonomy_fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "suggested_tags"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**options, "fields": list(options["fields"])}) for name, options in super().get_fieldsets(request, obj)]
        first = fieldsets[0][1]["fields"]
        extra = [field for field in [*self.taxonomy_fields, "suggested_tags"] if field not in first]
        at = first.index("officials") + 1 if "officials" in first else len(first)
        first[at:at] = extra
        return fieldsets

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-post.js", "js/taxonomy-suggestions.js"])

    def get_urls(self):
        suggest = self.admin_site.admin_view(require_POST(self.taxonomy_suggestions_view))
        return [path("taxonomy-suggestions/", suggest, name="releases_release_taxonomy_suggestions")] + super().get_urls()

    def taxonomy_suggestions_view(self, request):
        """The countries and topics a title and body (as typed, not yet saved) name; for staff who may write releases."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        title, body = request.POST.get("title", "")[:500], request.POST.get("body", "")[:MAX_BODY_LENGTH]
        countries, topics = SubjectMatcher().find(title, body)
        return JsonResponse({"suggestions": [self._suggestion(item) for item in [*countries, *topics]]})

    @staticmethod
    def _suggestion(item):
        field = "countries" if isinstance(item, Country) else "topics"
        return {"field": field, "id": item.pk, "text": str(item), "kind": str(item._meta.verbose_name)}

    @admin.display(description=_("named in the text"))
    def suggested_tags(self, obj):
        """The suggestions as text (added by hand without a script); the script makes them buttons and keeps them current."""
        return format_html(
            '<div class="taxonomy-suggestions" data-suggest-url="{}" data-accept-all="{}" data-nothing="{}">{}</div>',
            reverse("admin:releases_release_taxonomy_suggestions"),
            gettext("Add all"),
            gettext("Nothing more."),
            self._suggestions_text(obj),
        )

    def _suggestions_text(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the release to see the countries and topics its text names.")
        countries, topics = suggestions(obj)
        chosen = {*obj.countries.all(), *obj.topics.all()}
        missing = [item for item in [*countries, *topics] if item not in chosen]
        if not missing:
            return gettext("Nothing more.")
        return format_html_join(", ", "{} ({})", ((item, item._meta.verbose_name) for item in missing))
