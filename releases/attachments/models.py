"""ReleaseAttachment: a document (PDF or office file) published with a release."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..history import HistoricalRecords
from .storage import storing_attachment


def attachment_path(instance, filename):
    """Unguessable, dated path under documents/: the uploader's file name is never used."""
    match = re.search(r"\.([A-Za-z0-9]{1,5})$", filename or "")
    suffix = f".{match.group(1).lower()}" if match else ""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ReleaseAttachment(models.Model):
    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        PPTX = "pptx", "PPTX"
        ODT = "odt", "ODT"
        ODS = "ods", "ODS"

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("release"))
    # Indexed: the media view finds the row (and so its release) from the requested file name.
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=2, choices=[("th", _("Thai")), ("en", _("English"))], default="th")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    file_type = models.CharField(_("file type"), max_length=4, choices=FileType.choices, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    extraction_error = models.CharField(_("text extraction problem"), max_length=300, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    # The name the file had on the editor's computer (or in the import folder): the stored name is
    # a UUID that means nothing to an editor. Empty on rows from before it was kept.
    original_name = models.CharField(_("original file name"), max_length=255, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def file_name(self):
        """The document's name for editors: the file name as uploaded, else (older rows) its title,
        never the stored name (a UUID under documents/)."""
        return self.original_name or self.title

    def save(self, *args, **kwargs):
        # A new upload is checked and stored (with its facts and text) before the row points at it.
        with storing_attachment(self, kwargs.get("using")):
            super().save(*args, **kwargs)
