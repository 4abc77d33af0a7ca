"""Search documents: the segmented copies of a release's text that the database indexes."""

from . import limits
from .segmentation import syllable_lexemes, tokenize
from .vocabulary import dictionary

# The Release fields holding the copies (words joined by single spaces).
SEARCH_FIELDS = ("search_title", "search_summary", "search_body", "search_syllables")


def build_document(title, summary, body, official_names=(), trie=None):
    """The search fields of one release, as a dict ready for `Release(**doc)` or `.update()`."""
    trie = trie or dictionary.trie()
    title_words = tokenize(title, trie)[:limits.MAX_DOCUMENT_WORDS]
    summary_words = tokenize(" \n".join([summary or "", *official_names]), trie)
    summary_words = summary_words[: max(limits.MAX_DOCUMENT_WORDS - len(title_words), 0)]
    body_words = []
    budget = limits.MAX_DOCUMENT_WORDS - len(title_words) - len(summary_words)
    # Per paragraph: newmm slows down badly on one multi-kilobyte string.
    for paragraph in (body or "").splitlines():
        if len(body_words) >= budget:
            break
        body_words.extend(tokenize(paragraph, trie))
    body_words = body_words[: max(budget, 0)]
    return {
        "search_title": " ".join(title_words),
        "search_summary": " ".join(summary_words),
        "search_body": " ".join(body_words),
        "search_syllables": " ".join(
            syllable_lexemes(title_words + summary_words + body_words, limit=limits.MAX_DOCUMENT_SYLLABLES)
        ),
    }


def official_names(release):
    if release.pk is None:
        # Not saved yet, so no links; a creator that links officials right after the first
        # save (the archive import) names them here so the release is segmented only once.
        return list(getattr(release, "pending_official_names", ()))
    names = []
    for official in release.officials.all():
        names.extend(official.alias_list())
    return names


def searchable_body(release):
    """The body, then the text of the release's documents (extracted on upload): a word found only
    in an attached PDF finds the release. A saved release's documents are read through its
    (prefetchable) `attachments`; the word cap keeps the body first."""
    if release.pk is None:
        return release.plain_body
    texts = [attachment.text for attachment in release.attachments.all() if attachment.text]
    return "\n".join([release.plain_body, *texts]) if texts else release.plain_body


def document_for(release, trie=None):
    return build_document(release.title, release.summary, searchable_body(release), official_names(release), trie)

