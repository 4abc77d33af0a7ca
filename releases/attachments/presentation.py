"""How documents appear to readers: the link label's facts, feed enclosures, schema.org objects."""

import mimetypes

from django.utils.feedgenerator import Enclosure
from django.utils.translation import ngettext

# Media types by detected file type (never the uploader's claim).
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
for _type, _media_type in MEDIA_TYPES.items():
    # The media view guesses types from the stored name's suffix: make sure it knows these.
    mimetypes.add_type(_media_type, f".{_type}")


def size_label(size):
    """"1.2 MB", "350 KB": decimal units with the Latin abbreviations both interfaces use."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def facts(attachment):
    """"PDF, 1.2 MB, 3 หน้า" in the active language."""
    parts = [attachment.get_file_type_display(), size_label(attachment.size)]
    if attachment.page_count:
        parts.append(ngettext("%(count)d page", "%(count)d pages", attachment.page_count) % {"count": attachment.page_count})
    return ", ".join(parts)


def enclosures(attachments, limit=None):
    """Feed enclosures with site-relative URLs (RSS allows one an item: `limit=1`; Atom takes them all)."""
    return [
        Enclosure(attachment.file.url, str(attachment.size), MEDIA_TYPES[attachment.file_type])
        for attachment in list(attachments)[:limit]
    ]


def absolute(request, enclosure):
    return Enclosure(request.build_absolute_uri(enclosure.url), enclosure.length, enclosure.mime_type)


def media_objects(request, attachments):
    """schema.org MediaObjects for a NewsArticle's `associatedMedia`."""
    return [
        {
            "@type": "MediaObject",
            "name": attachment.title,
            "contentUrl": request.build_absolute_uri(attachment.file.url),
            "encodingFormat": MEDIA_TYPES[attachment.file_type],
            "contentSize": str(attachment.size),
            "inLanguage": attachment.language,
        }
        for attachment in attachments
    ]
