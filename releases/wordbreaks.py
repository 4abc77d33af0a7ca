"""Line-break opportunities (<wbr>) between Thai words, so a browser never breaks a Thai word at a line end."""

import functools
import re
import time

from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from .search.segmentation import segment
from .search.vocabulary import dictionary

WBR = "<wbr>"
# Thai letters, vowels, tone marks, digits, ฯ and ๆ: Thai needs no escaping, so a run found in
# escaped text is never part of an entity (entities are ASCII).
_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]+")
_CHUNK = re.compile(r"\S+")
# A chunk that is (or holds) an address (a URL, a bare domain, an e-mail): left whole, so an
# address shown as a link's text, or to be copied, is never cut.
_ADDRESS = re.compile(r"://|www\.|@|\.[a-z]{2,6}(?:/|$|\b)", re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")
# Texts up to this length are remembered (a title, a summary, a body block: content-keyed, so
# a release's text is segmented once per change of that text); longer ones are done each time.
_CACHED_LENGTH = 20_000
# The segmentation dictionary (with officials' names) is asked for again at most this often:
# asking costs a cache look-up, a database query on the default database cache.
_TRIE_RECHECK_SECONDS = 60


def thai_breaks(value):
    """`value` as safe HTML with <wbr> between Thai words: plain text is escaped first; safe
    HTML (SafeData) keeps its tags untouched and only its text gains breaks. Addresses (a link's
    URL text, a domain, an e-mail) are left whole."""
    if value is None or value == "":
        return mark_safe("")
    if isinstance(value, SafeData):
        return mark_safe(_html(str(value)) if len(value) <= _CACHED_LENGTH else _html_uncached(str(value)))
    text = str(value)
    return mark_safe(_text(text) if len(text) <= _CACHED_LENGTH else _text_uncached(text))


def _break_offsets(escaped):
    """Where <wbr> goes in escaped, tag-free text: between two segmenter words of a Thai run."""
    offsets = []
    for chunk in _CHUNK.finditer(escaped):
        if _ADDRESS.search(chunk.group()):
            continue
        for run in _THAI_RUN.finditer(chunk.group()):
            at = chunk.start() + run.start()
            for word in _words(run.group())[:-1]:
                at += len(word)
                offsets.append(at)
    return offsets


def _insert(text, offsets, start=0):
    """`text` (which begins at `start` of the whole) with <wbr> at those of `offsets` inside it."""
    pieces, last = [], 0
    for offset in offsets:
        if start <= offset < start + len(text):
            pieces.append(text[last : offset - start])
            last = offset - start
    pieces.append(text[last:])
    return WBR.join(pieces)


def _text_uncached(text):
    escaped = escape(text)
    return _insert(escaped, _break_offsets(escaped))


def _html_uncached(html):
    # _TAG.split puts the tags at odd positions. The text between them is segmented as one, so a
    # word cut by a tag (a search highlight's <mark>) is still one word; breaks go in the text only.
    pieces = _TAG.split(html)
    offsets = _break_offsets("".join(pieces[0::2]))
    out, start = [], 0
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(piece)
        else:
            out.append(_insert(piece, offsets, start))
            start += len(piece)
    return "".join(out)


_text = functools.lru_cache(maxsize=4096)(_text_uncached)
_html = functools.lru_cache(maxsize=2048)(_html_uncached)


@functools.lru_cache(maxsize=50_000)
def _words(run):
    """The segmenter's words of one Thai run; the run whole if they do not add up to it."""
    words = segment(run, _trie())
    return tuple(words) if "".join(words) == run else (run,)


_checked = {"trie": None, "at": 0.0}


def _trie():
    now = time.monotonic()
    if _checked["trie"] is None or now - _checked["at"] > _TRIE_RECHECK_SECONDS:
        _checked["trie"], _checked["at"] = dictionary.trie(), now
    return _checked["trie"]
