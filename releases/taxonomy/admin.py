"""Countries and topics in the admin: their own lists, and autocomplete fields and suggestions on a release."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from .models import Country, Topic
from .suggest import suggestions


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

    @admin.display(description=_("named in the text"))
    def suggested_tags(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the release to see the countries and topics its text names.")
        countries, topics = suggestions(obj)
        chosen = {*obj.countries.all(), *obj.topics.all()}
        missing = [item for item in [*countries, *topics] if item not in chosen]
        if not missing:
            return gettext("Nothing more.")
        return format_html_join(", ", "{} ({})", ((item, item._meta.verbose_name) for item in missing))
