"""What an uploaded document is, decided from its bytes: PDF (parsed with pypdf) or an OOXML/ODF ZIP, with its page count and text."""

import html
import io
import re
import zipfile
from dataclasses import dataclass

import pypdf
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# ZIP limits: real office files have tens to a few hundred members and compress XML ~5-20x.
MAX_MEMBERS = 2000
MAX_EXPANDED_BYTES = 250 * 1024 * 1024
MAX_RATIO = 100
# Extracted text kept for search; a longer document is searchable by its first part only.
MAX_TEXT_CHARS = 1_000_000

ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
# Relationships that may point outside the file: a hyperlink is harmless; anything else external
# (a remote template, a linked workbook or OLE object) makes the file reach out when opened.
HYPERLINK_TYPE = "/relationships/hyperlink"
_EXTERNAL_REL = re.compile(r"<Relationship\b[^>]*\bTargetMode\s*=\s*[\"']External[\"'][^>]*>", re.I)
_REL_TYPE = re.compile(r"\bType\s*=\s*[\"']([^\"']*)[\"']", re.I)


class DocumentRejected(ValueError):
    """An upload that is not an allowed, safe document; `message` says why, for the editor."""

    def __init__(self, message, code):
        super().__init__(str(message))
        self.message, self.code = message, code


@dataclass
class DocumentInfo:
    file_type: str
    size: int
    page_count: int | None = None
    text: str = ""
    extraction_error: str = ""


def inspect_document(fileobj):
    """DocumentInfo for an allowed document, or DocumentRejected with the reason."""
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size > settings.NEWSROOM_ATTACHMENT_MAX_BYTES:
        raise DocumentRejected(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.NEWSROOM_ATTACHMENT_MAX_BYTES)},
            "too_large",
        )
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        info = _inspect_pdf(fileobj)
    elif head.startswith(b"PK\x03\x04"):
        info = _inspect_zip(fileobj)
    else:
        raise DocumentRejected(_("This is not a PDF, DOCX, XLSX, PPTX, ODT or ODS document (its content was checked, not its name)."), "type")
    info.size = size
    info.text = info.text[:MAX_TEXT_CHARS]
    if not info.text.strip() and not info.extraction_error:
        info.extraction_error = str(_("No text found (a scanned document without a text layer?): it will not be found by search."))
    return info


def _inspect_pdf(fileobj):
    try:
        reader = pypdf.PdfReader(fileobj, strict=False)
        encrypted = reader.is_encrypted
        pages = None if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many types for broken files; any of them means "malformed"
        raise DocumentRejected(_("The PDF is damaged and cannot be read."), "malformed") from None
    if encrypted:
        raise DocumentRejected(_("The PDF is password-protected or encrypted; upload an unprotected copy."), "encrypted")
    info = DocumentInfo("pdf", 0, page_count=pages)
    texts = []
    try:
        for page in reader.pages:
            texts.append(page.extract_text() or "")
    except Exception as exc:  # text is a bonus for search; the document itself is fine
        info.extraction_error = str(_("Text could not be read from the PDF: %(error)s")) % {"error": type(exc).__name__}
    info.text = "\n".join(texts)
    return info


def _inspect_zip(fileobj):
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentRejected(_("The document is damaged and cannot be read."), "malformed") from None
    _check_limits(members)
    names = {member.filename for member in members}
    try:
        file_type = _zip_type(archive, names)
        _check_active_content(archive, names)
        info = DocumentInfo(file_type, 0)
        try:
            info.text, info.page_count = _office_text(archive, names, file_type)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            info.extraction_error = str(_("Text could not be read from the document: %(error)s")) % {"error": type(exc).__name__}
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        raise DocumentRejected(_("The document is damaged and cannot be read."), "malformed") from None
    return info


def _check_limits(members):
    expanded = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    too_dense = any(
        member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1) for member in members
    )
    if len(members) > MAX_MEMBERS or expanded > MAX_EXPANDED_BYTES or too_dense or expanded > MAX_RATIO * compressed and expanded > 1024 * 1024:
        raise DocumentRejected(_("The document expands to far more than its size (too many parts or too highly compressed) and was refused."), "zip_bomb")


def _zip_type(archive, names):
    if "mimetype" in names:
        file_type = ODF_TYPES.get(archive.read("mimetype")[:100].strip())
        if file_type:
            return file_type
    if "[Content_Types].xml" in names:
        for part, file_type in OOXML_PARTS.items():
            if part in names:
                return file_type
    raise DocumentRejected(_("This is not a PDF, DOCX, XLSX, PPTX, ODT or ODS document (its content was checked, not its name)."), "type")


def _check_active_content(archive, names):
    lowered = [name.lower() for name in names]
    if any(name.endswith("vbaproject.bin") or name.startswith(("basic/", "scripts/")) for name in lowered):
        raise DocumentRejected(_("The document contains macros; save it without macros (e.g. as .docx, not .docm) and upload again."), "macros")
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        for relationship in _EXTERNAL_REL.findall(_read_text(archive, name)):
            kind = _REL_TYPE.search(relationship)
            if not kind or not kind.group(1).endswith(HYPERLINK_TYPE):
                raise DocumentRejected(_("The document links to external files or templates; remove the links and upload again."), "external")


def _read_text(archive, name):
    return archive.read(name).decode("utf-8", "replace")


_BREAKS = re.compile(r"</(?:w:p|a:p|text:p|text:h|si|row)>|<(?:w:tab|w:br|text:tab|text:line-break)\b[^>]*/>")
_TAGS = re.compile(r"<[^>]*>")


def xml_text(xml):
    """Plain text of an office XML part: paragraphs on their own lines, runs joined as they are.

    Tags are stripped rather than parsed, so no entity or DTD in the file is ever expanded.
    """
    return html.unescape(_TAGS.sub("", _BREAKS.sub("\n", xml)))


def _office_text(archive, names, file_type):
    if file_type in ("odt", "ods"):
        meta = _read_text(archive, "meta.xml") if "meta.xml" in names else ""
        pages = re.search(r'meta:page-count="(\d+)"', meta)
        return xml_text(_read_text(archive, "content.xml")) if "content.xml" in names else "", int(pages[1]) if pages else None
    if file_type == "docx":
        parts = ["word/document.xml"]
    elif file_type == "xlsx":
        parts = [name for name in ("xl/sharedStrings.xml",) if name in names]
    else:
        parts = sorted((name for name in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)), key=lambda n: int(re.sub(r"\D", "", n)))
    app = _read_text(archive, "docProps/app.xml") if "docProps/app.xml" in names else ""
    pages = re.search(r"<(?:Pages|Slides)>(\d+)</", app)
    return "\n".join(xml_text(_read_text(archive, part)) for part in parts), int(pages[1]) if pages else None
