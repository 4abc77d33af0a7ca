"""Storing a document: checked and described before its row, through the photos' files-before-row mechanism."""

from django import forms

from ..images.storage import files_before_row, original_name
from .inspect import DocumentRejected, inspect_document

# Set by DocumentUploadField on an upload it checked, so the save does not parse it twice.
INSPECTED_ATTRIBUTE = "_newsroom_document"


def inspected(upload):
    """The DocumentInfo the form field left on an upload, or a fresh inspection (raises DocumentRejected)."""
    info = getattr(upload, INSPECTED_ATTRIBUTE, None)
    if info is None:
        info = inspect_document(upload)
    upload.seek(0)
    return info


def _encode(row, field, field_file):
    info = inspected(field_file.file)
    name = field.generate_filename(row, f"document.{info.file_type}")

    def after(stored):
        row.original_name = original_name(field_file.name)
        row.file_type, row.size, row.page_count = info.file_type, info.size, info.page_count
        row.text, row.extraction_error = info.text, info.extraction_error[:300]

    return [(name, b"".join(field_file.chunks()))], after


def storing_attachment(row, using=None):
    """Around ReleaseAttachment.save(): a new upload is checked, stored, and its facts recorded first."""
    return files_before_row(row, "file", _encode, lambda previous: [previous.file.name], using)


class DocumentUploadField(forms.FileField):
    """Accepts only what inspect_document accepts, with the reason as the form error."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            setattr(upload, INSPECTED_ATTRIBUTE, inspect_document(upload))
        except DocumentRejected as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        upload.seek(0)
        return upload
