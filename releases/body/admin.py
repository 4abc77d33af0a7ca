"""The body's live preview in the release admin: the endpoint, the script and the cheat sheet."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .render import MAX_BODY_LENGTH, render_html

CHEAT_SHEET = _(
    "# heading · ## subheading · - bullet · ๑. Thai-numbered item (๑.๑ nested) · **bold** · *italics* · "
    "[text](https://…) · > quote · | table | cells |"
)


class BodyPreviewMixin:
    """Adds `body-preview/` (POST the text, get the sanitised HTML back) and the script that calls it."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-post.js", "js/body-preview.js"])

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.body_preview_view))
        return [path("body-preview/", preview, name="releases_release_body_preview")] + super().get_urls()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body" and field is not None:
            field.widget.attrs["data-preview-url"] = reverse("admin:releases_release_body_preview")
            field.help_text = CHEAT_SHEET
            field.max_length = MAX_BODY_LENGTH
            field.validators.append(MaxLengthValidator(MAX_BODY_LENGTH))
        return field

    def body_preview_view(self, request):
        """Rendered exactly as the public page renders it; only for staff who may write releases."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return JsonResponse({"html": render_html(request.POST.get("body", "")[:MAX_BODY_LENGTH])})
