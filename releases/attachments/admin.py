"""The release admin's "documents" inline: upload checked by content, facts and extraction problems shown to the editor."""

from django import forms
from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ReleaseAttachment
from .storage import DocumentUploadField

ACCEPT = {
    "accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
    "application/vnd.oasis.opendocument.text,application/vnd.oasis.opendocument.spreadsheet"
}


class ReleaseAttachmentForm(forms.ModelForm):
    file = DocumentUploadField(label=_("file"), widget=forms.ClearableFileInput(attrs=ACCEPT))

    class Meta:
        model = ReleaseAttachment
        fields = ["file", "title", "language", "order"]


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    form = ReleaseAttachmentForm
    extra = 1
    fields = ["file", "title", "language", "order", "facts", "extraction_error"]
    readonly_fields = ["facts", "extraction_error"]
    ordering = ["order", "pk"]

    @admin.display(description=_("type, size, pages"))
    def facts(self, obj):
        if not obj or not obj.pk:
            return "—"
        parts = [obj.get_file_type_display(), filesizeformat(obj.size)]
        if obj.page_count:
            parts.append(str(obj.page_count))
        return ", ".join(parts)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class UploaderFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.uploaded_by = user
                return super().save_new(form, commit)

        return UploaderFormSet
