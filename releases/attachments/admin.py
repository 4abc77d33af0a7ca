"""The release admin's "documents" inline: upload checked by content, the current file by its own name, extraction problems shown."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReleaseAttachment
from .storage import DocumentUploadField
from .widgets import DocumentFileInput

ACCEPT = {
    "accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.openxmlformats-officedocument.presentationml.presentation,"
    "application/vnd.oasis.opendocument.text,application/vnd.oasis.opendocument.spreadsheet"
}


class ReleaseAttachmentForm(forms.ModelForm):
    file = DocumentUploadField(label=_("file"), widget=DocumentFileInput(attrs=ACCEPT))

    class Meta:
        model = ReleaseAttachment
        fields = ["file", "title", "language", "order"]


class ReleaseAttachmentInline(admin.TabularInline):
    model = ReleaseAttachment
    form = ReleaseAttachmentForm
    extra = 1
    # The current document (original file name, type, size, pages) is shown by the file field's widget.
    fields = ["file", "title", "language", "order", "extraction_error"]
    readonly_fields = ["extraction_error"]
    ordering = ["order", "pk"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class UploaderFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.uploaded_by = user
                return super().save_new(form, commit)

        return UploaderFormSet
