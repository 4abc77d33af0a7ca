"""Search results that matched inside a document: which document, with a highlighted passage of it."""

from types import SimpleNamespace

from django.apps import apps
from django.utils.safestring import SafeString

from .. import search
from ..body import split_paragraphs


def _marked(html):
    return isinstance(html, SafeString) and "<mark>" in html


def _explained(release, needles):
    """The reader can see why it matched: a marked passage, or a term in its title."""
    title = release.title.casefold()
    return _marked(getattr(release, "search_headline", None)) or any(needle in title for needle in needles)


def note_document_matches(releases, query):
    """Set `document_match` = (title, snippet) on each release of a page whose own text shows no
    match but one of its documents does (after search.with_highlights). At most one query a page,
    none when every result shows its match."""
    terms = search.parse_query(query)
    needles = ["".join(term.words).casefold() for term in terms]
    unmarked = {release.pk: release for release in releases if not _explained(release, needles)}
    if not terms or not unmarked:
        return releases
    ReleaseAttachment = apps.get_model("releases", "ReleaseAttachment")
    documents = ReleaseAttachment.objects.filter(release__in=list(unmarked)).exclude(text="").only("release_id", "title", "text")
    for document in documents:
        release = unmarked.get(document.release_id)
        if release is None or getattr(release, "document_match", None):
            continue
        # highlight() reads a release's summary, paragraphs and body: give it the document's text.
        text = SimpleNamespace(
            summary="", body=document.text, plain_body=document.text, paragraphs=split_paragraphs(document.text.replace("\n", "\n\n"))
        )
        snippet = search.highlight(text, terms)
        if _marked(snippet):
            release.document_match = (document.title, snippet)
    return releases
