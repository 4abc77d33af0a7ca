"""The release change list's own filters: the year in the Buddhist era, and releases missing photos."""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from . import fragments, thai
from .forms import MAX_YEAR, MIN_YEAR
from .models import Release
from .readership.admin import with_image_count


class YearFilter(admin.SimpleListFilter):
    title = _("year (B.E.)")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        # Once per content generation: on SQLite the distinct years run a Python function per row
        # (~140 ms at 100,000 releases, docs/performance.md "Readership").
        years = fragments.cached("admin-years", (), lambda: [d.year for d in Release.objects.dates("release_date", "year", order="DESC")])
        return [(str(year), str(year + thai.BE_OFFSET)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and value.isascii():
            # A year no date can have (0, 99999, 10**20) would be a 500 inside the year lookup.
            if not MIN_YEAR <= int(value) <= MAX_YEAR:
                return queryset.none()
            return queryset.filter(release_date__year=int(value))
        return queryset


class MissingImagesFilter(admin.SimpleListFilter):
    title = _("photos")
    parameter_name = "photos"

    def lookups(self, request, model_admin):
        return [("missing", _("fewer than the source had"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return with_image_count(queryset).filter(n_images__lt=F("expected_image_count"))
        return queryset
