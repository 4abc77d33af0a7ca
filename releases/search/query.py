"""Query parsing: a reader's query as terms (words and phrases), segmented as documents are."""

import re

from . import limits
from .normalization import has_thai
from .segmentation import PAIR_JOINER, syllable_lexemes, tokenize
from .vocabulary import dictionary

_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]*)[\"“”«»„]?")


class Term:
    """One thing the reader asked for: a word or phrase, as words and as syllables."""

    def __init__(self, words):
        self.words = tuple(words)
        # Only Thai has compounds to look inside (`compound`). `syllables`: what the term asks
        # of the syllable field, where every match is found by exact index lookups: a Thai
        # term's syllable pairs; a Latin phrase's word pairs (all adjacent in the document).
        self.compound = any(has_thai(word) for word in self.words)
        if self.compound:
            self.syllables = tuple(syllable_lexemes(self.words, document=False))
        else:
            self.syllables = tuple(a + PAIR_JOINER + b for a, b in zip(self.words, self.words[1:]))

    def __eq__(self, other):
        return self.words == other.words

    def __hash__(self):
        return hash(self.words)

    def __repr__(self):
        return f"Term({' '.join(self.words)!r})"


def clean_query(query):
    """The query cut to limits.MAX_QUERY_LENGTH characters (at a space when there is one, so no
    half word is searched for), spaces collapsed."""
    query = _SPACE.sub(" ", str(query or "")).strip()
    if len(query) > limits.MAX_QUERY_LENGTH:
        query = query[: limits.MAX_QUERY_LENGTH + 1]
        query = query[: query.rfind(" ")] if " " in query else query[:limits.MAX_QUERY_LENGTH]
    return query.strip()


def parse_query(query, trie=None):
    """Terms of a query: each quoted part is one phrase; otherwise each space-separated
    chunk is one term, its words adjacent (Thai writes a phrase without spaces, and
    `โควิด-19` is two words). Every term must match. [] for empty or punctuation-only."""
    query = clean_query(query)
    if not query:
        return []
    trie = trie or dictionary.trie()
    chunks = []
    for index, part in enumerate(_QUOTED.split(query)):
        # re.split with one group alternates: outside quotes, inside quotes, outside...
        chunks.extend([part] if index % 2 else part.split())
    terms = []
    for chunk in chunks:
        words = tokenize(chunk, trie)
        if words:
            term = Term(words)
            if term not in terms:
                terms.append(term)
    return terms[: limits.MAX_QUERY_TERMS]

