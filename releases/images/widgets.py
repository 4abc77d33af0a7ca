"""The admin's file inputs for photos and documents (the current file by the name the editor gave it, never its storage path) and the photos' order input."""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class CurrentFileInput(forms.ClearableFileInput):
    """A clearable file input that shows the stored file as a link named `file_name(row)` (with an
    optional thumbnail and facts), where Django's shows the storage path (`documents/2026/12/<uuid>.pdf`)."""

    template_name = "admin/releases/widgets/current_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        row = getattr(value, "instance", None) if self.is_initial(value) else None
        if row is not None:
            context["widget"].update(self.describe(row, value))
        return context

    def describe(self, row, value):
        """What the template shows of a stored file: "file_name", and optionally "thumb" and "facts"."""
        return {"file_name": row.file_name}

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/admin/...): the default form renderer only
        # searches the apps' own template folders.
        return mark_safe(render_to_string(template_name, context))


class PhotoFileInput(CurrentFileInput):
    """The stored photo as its ~120 px thumbnail and its original file name."""

    def describe(self, row, value):
        # The JPEG thumbnail every browser shows; the stored original if renditions are missing.
        thumb = row.rendition("thumb", "jpeg") or {"url": value.url, "width": row.width, "height": row.height}
        return {"file_name": row.file_name, "thumb": thumb}


class PhotoOrderInput(forms.NumberInput):
    """A photo's order number, which static/js/photo-order.js turns into a drag handle and move
    up/down buttons (their texts, translated here, ride on the input's data attributes)."""

    class Media:
        js = ["js/photo-order.js"]

    def __init__(self, attrs=None):
        super().__init__({
            "data-reorder": "images", "data-move-up": _("Move up"), "data-move-down": _("Move down"),
            "data-drag": _("Drag to reorder"), "data-moved": _("Position %(position)s of %(count)s"), **(attrs or {}),
        })
