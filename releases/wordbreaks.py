"""Line-break opportunities (<wbr>) between Thai words, so a browser never breaks a Thai word at a line end."""

import functools
import re
import time

from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from .search.segmentation import segment
from .search.vocabulary import dictionary

WBR = "<wbr>"
# Each Thai word is wrapped in a span that the stylesheet keeps whole
# (`.thw { white-space: nowrap }`), so the only places a run can wrap are our <wbr> between the
# spans: <wbr> alone adds opportunities, but Chromium still breaks inside words its own
# dictionary splits ("ราย|ละเอียด", "ร่วม|มือ"); browser-tested in tests/browser/test_wordbreaks.py.
_WORD_OPEN, _WORD_CLOSE = '<span class="thw">', "</span>"
# A word longer than this (a very long compound) is left to the browser, so it can still wrap
# inside a narrow screen rather than overflow.
_LONGEST_UNBROKEN = 24
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


def _runs(escaped):
    """(start, end, words) of each Thai run in escaped, tag-free text, outside addresses."""
    for chunk in _CHUNK.finditer(escaped):
        if _ADDRESS.search(chunk.group()):
            continue
        for run in _THAI_RUN.finditer(chunk.group()):
            if len(run.group()) > 1:
                yield chunk.start() + run.start(), chunk.start() + run.end(), _words(run.group())


def _marked(words):
    """One Thai run: each word kept whole (see _WORD_OPEN), <wbr> between them."""
    return WBR.join(_WORD_OPEN + word + _WORD_CLOSE if 1 < len(word) <= _LONGEST_UNBROKEN else word for word in words)


def _text_uncached(text):
    escaped = escape(text)
    pieces, last = [], 0
    for start, end, words in _runs(escaped):
        pieces += [escaped[last:start], _marked(words)]
        last = end
    pieces.append(escaped[last:])
    return "".join(pieces)


def _html_uncached(html):
    # _TAG.split puts the tags at odd positions. The text between them is segmented as one, so a
    # word cut by a tag (a search highlight's <mark>) is still one word. A run inside one text
    # piece is marked whole; a run cut by a tag only gains its <wbr> (a span cannot cross tags).
    pieces = _TAG.split(html)
    texts = pieces[0::2]
    bounds, at = [], 0
    for text in texts:
        bounds.append((at, at + len(text)))
        at += len(text)
    edits = {index: [] for index in range(len(texts))}  # per text piece: (start, end, replacement)
    for start, end, words in _runs("".join(texts)):
        inside = [i for i, (a, b) in enumerate(bounds) if a <= start and end <= b]
        if inside:
            i = inside[0]
            edits[i].append((start - bounds[i][0], end - bounds[i][0], _marked(words)))
            continue
        offset = start
        for word in words[:-1]:
            offset += len(word)
            i = next(i for i, (a, b) in enumerate(bounds) if a <= offset < b or (a == offset == b))
            edits[i].append((offset - bounds[i][0], offset - bounds[i][0], WBR))
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(piece)
            continue
        text, last, parts = piece, 0, []
        for start, end, replacement in edits[index // 2]:
            parts += [text[last:start], replacement]
            last = end
        parts.append(text[last:])
        out.append("".join(parts))
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
