"""The admin's photo file input: the current photo as a small thumbnail and the file name the editor gave it."""

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class PhotoFileInput(forms.ClearableFileInput):
    """A clearable file input that shows the stored photo as its ~120 px thumbnail and its original
    file name, where Django's shows the storage path (`releases/2026/12/<uuid>.jpg`)."""

    template_name = "admin/releases/widgets/photo_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        photo = getattr(value, "instance", None) if self.is_initial(value) else None
        if photo is not None:
            # The JPEG thumbnail every browser shows; the stored original if renditions are missing.
            context["widget"]["thumb"] = photo.rendition("thumb", "jpeg") or {
                "url": value.url, "width": photo.width, "height": photo.height,
            }
            context["widget"]["file_name"] = photo.file_name
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/admin/...): the default form renderer only
        # searches the apps' own template folders.
        return mark_safe(render_to_string(template_name, context))
