"""The release form's video rows: address and title; provider and thumbnail are found on save."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ReleaseVideo


class ReleaseVideoInline(admin.TabularInline):
    model = ReleaseVideo
    extra = 0
    fields = ["url", "title", "order", "thumbnail_preview"]
    readonly_fields = ["thumbnail_preview"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("thumbnail"))
    def thumbnail_preview(self, obj):
        if obj and obj.thumbnail:
            return format_html('<img src="{}" alt="" width="160">', obj.thumbnail.url)
        return "—"
