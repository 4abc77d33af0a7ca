"""Highlighted snippets: a passage of each release on a page around the first match, matches in <mark>."""

import functools
import html
import re
import unicodedata

from django.utils.safestring import mark_safe

from .. import thai
from .normalization import normalize
from .query import parse_query
from .segmentation import segment, syllables
from .vocabulary import dictionary

SNIPPET_WORDS = 40
_SPACES = re.compile(r"(\s+)")


def highlight(release, query, words=SNIPPET_WORDS, trie=None):
    """Safe HTML: a short passage of the release around the first match, matched words in
    <mark>. Works on the original text, so Thai digits and punctuation survive. trie: the
    segmentation dictionary, when the caller already has it (asking costs a cache look-up)."""
    terms = parse_query(query) if not isinstance(query, list) else query
    plain = release.summary or release.plain_body[:300]
    if not terms:
        return mark_safe(html.escape(plain))
    wanted = {w for term in terms for w in term.words}
    # Compound hits: a term of two or more syllables inside a longer word (ต่างประเทศ in
    # กระทรวงการต่างประเทศ); one syllable (ยา) would light up ยาวนาน.
    inside = {"".join(term.words) for term in terms if len(syllables(term.words)) > 1}
    needles = wanted | inside
    paragraphs = [release.summary, *release.paragraphs]
    # pythainlp's normalize is the costly part of a page of snippets: find the paragraph with
    # a cheap fold. A release that matched elsewhere (title, officials' names) or only through
    # a misspelling normalize() repairs shows its summary, unmarked: never a wrong mark.
    candidates = [p for p in paragraphs if _contains_any(_quick_fold(p), needles)]
    for paragraph in candidates:
        trie = trie or dictionary.trie()
        tokens = _segment_by_phrase(paragraph, trie)
        hits = [i for i, token in enumerate(tokens) if _token_hit(_normalize_token(token), wanted, inside)]
        if not hits:
            continue
        start = max(hits[0] - words // 3, 0)
        window = tokens[start : start + words]
        parts = ["…"] if start else []
        for index, token in enumerate(window, start=start):
            text = html.escape(token)
            parts.append(f"<mark>{text}</mark>" if index in hits else text)
        if start + words < len(tokens):
            parts.append("…")
        return mark_safe("".join(parts))
    return mark_safe(html.escape(plain))


def _segment_by_phrase(paragraph, trie):
    """Words of `paragraph` with its spaces kept, segmented one space-separated phrase at a time.

    As the index does (segmentation.tokenize), so a snippet marks the words that matched. It is
    also half the cost: a paragraph naming an official goes whole to pythainlp's Python newmm,
    while per phrase only the phrase holding the name does and the rest go to the Rust segmenter
    (docs/performance.md, "The one-language rule probed, not hashed").
    """
    tokens = []
    for piece in _SPACES.split(paragraph):
        if piece.isspace():
            tokens.append(piece)
        elif piece:
            tokens.extend(segment(piece, trie, keep_whitespace=True))
    return tokens


def _quick_fold(text):
    """normalize() without pythainlp's spelling clean-up: enough to find the likely paragraph."""
    return thai.to_arabic_digits(unicodedata.normalize("NFC", text or "")).casefold()


def _contains_any(text, needles):
    return any(needle in text for needle in needles)


@functools.lru_cache(maxsize=65536)
def _normalize_token(token):
    # Words repeat across a page's snippets (and pages): normalise each once per process.
    return normalize(token)


def _token_hit(token, wanted, inside):
    return token in wanted or any(len(part) > 1 and part in token for part in inside)


def with_highlights(releases, query):
    """Set `search_headline` on each release of a page (a list), for the list template."""
    terms = parse_query(query)
    trie = dictionary.trie() if releases else None  # once per page, not once per snippet
    for release in releases:
        release.search_headline = highlight(release, terms, trie=trie)
    return releases
