"""The form field for photo uploads: the pipeline's validation, with its reason as the form error."""

from django import forms

from .pipeline import ImageRejected, prepare_image

# The attribute the field leaves on an upload it validated, so the save does not decode it twice.
# Django has no public place on an UploadedFile for per-request data; an attribute of our own
# name cannot collide with Django's. If it were lost, the photo would be validated again
# (slower, same result); tests/images/test_fields.py checks it is reused.
PREPARED_ATTRIBUTE = "_newsroom_prepared"


def stash_prepared(upload, prepared):
    setattr(upload, PREPARED_ATTRIBUTE, prepared)


def prepared_from(upload):
    """The PreparedImage a form field stashed on an upload, or a fresh one."""
    stashed = getattr(upload, PREPARED_ATTRIBUTE, None)
    if stashed is not None:
        return stashed
    upload.seek(0)
    return prepare_image(upload, getattr(upload, "name", ""))


class ImageUploadField(forms.FileField):
    """A file field that accepts only what prepare_image accepts, with the reason as the error."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            stash_prepared(upload, prepare_image(upload, upload.name))
        except ImageRejected as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        upload.seek(0)
        return upload
