"""The segmentation dictionary: pythainlp's words, domain terms and officials' names, one trie per process."""

import functools
import hashlib
import logging
import re
import threading
import time

from django.core.cache import cache
from pythainlp.corpus import thai_words
from pythainlp.util import Trie

from ..models import Official
from ..names import strip_thai_honorific
from .normalization import has_thai, normalize

logger = logging.getLogger(__name__)


# Words the default dictionary lacks, so newmm would break them up (checked against thai_words()).
DOMAIN_TERMS = frozenset(
    {
        "ไฟเซอร์", "ซิโนแวค", "ซิโนฟาร์ม", "แอสตร้าเซนเนก้า", "โมเดอร์นา", "จอห์นสันแอนด์จอห์นสัน",
        "บิมสเทค", "ไอยูยู", "บริกส์", "จีทูจี", "ยูเนสโก", "ยูนิเซฟ", "เอฟทีเอ", "ซีพีทีพีพี",
        "อาร์เซ็ป", "แม่โขง-ล้านช้าง", "โอไอซี", "ไอเอ็มเอฟ", "ดับเบิลยูทีโอ", "ดับเบิลยูเอชโอ",
        "ศบค", "สอท", "สกญ", "กต", "วีซ่า", "พาสปอร์ต", "อีวีซ่า",
    }
)


class NameTrie(Trie):
    """The newmm dictionary trie (base words + officials' names) that also knows which of its
    words are names (`names`: a regex finding any of them) and its base words' nlpo3 copy."""

    def __init__(self, base, names):
        super().__init__(base | names)
        self.base = base
        self.names = _any_of(names)

    @functools.cached_property
    def nlpo3_dictionary(self):
        return _load_nlpo3(self.base)


def _any_of(words):
    """A regex finding any of `words` in a text, factored by shared prefixes so that thousands
    of names cost about as much as a few (a word with a shorter word as prefix adds nothing)."""
    tree = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node):
        if "" in node:
            return ""
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(pattern(tree) if tree else "(?!)")


_nlpo3_dictionaries = {}
_nlpo3_lock = threading.Lock()


def _load_nlpo3(words):
    """The name of an nlpo3 dictionary holding `words`, loaded once per process (nlpo3 reads a
    file and keeps the dictionary, ~50 MB, for the life of the process; forked workers inherit
    it). None when it cannot be loaded: segmentation then stays in Python."""
    key = Dictionary.fingerprint_of(words)[:16]
    with _nlpo3_lock:
        if key not in _nlpo3_dictionaries:
            name = None
            try:
                import tempfile

                import nlpo3

                with tempfile.TemporaryDirectory() as directory:
                    path = f"{directory}/words.txt"
                    with open(path, "w", encoding="utf-8") as file:
                        file.write("\n".join(sorted(words)))
                    message, loaded = nlpo3.load_dict(path, f"newsroom-{key}")
                if loaded:
                    name = f"newsroom-{key}"
                else:
                    logger.warning("nlpo3 could not load the dictionary: %s", message)
            except (ImportError, OSError):
                logger.warning("nlpo3 unavailable; segmenting in Python", exc_info=True)
            _nlpo3_dictionaries[key] = name
        return _nlpo3_dictionaries[key]


class Dictionary:
    """A newmm trie built once per process and patched in place when officials change.

    `word_tokenize(custom_dict=...)` replaces the default dictionary, so the trie starts from
    `thai_words()`; official names are added and removed incrementally (a rebuild costs ~0.5 s).
    Other processes notice a change through a fingerprint in the cache, and re-check the
    database at least every RECHECK_SECONDS in case the cache lost it.
    """

    CACHE_KEY = "releases:search:names-fingerprint"
    RECHECK_SECONDS = 600

    def __init__(self):
        self._lock = threading.Lock()
        self._trie = None
        self._base = None
        self._names = frozenset()
        self._fingerprint = None
        self._checked_at = 0.0

    @staticmethod
    def names_from_db():
        words = set()
        for honorific, *names in Official.objects.values_list("honorific", "name_th", "name_en", "aliases"):
            for name in names:
                for line in (name or "").splitlines():
                    words.update(name_words(line, honorific))
        return frozenset(words)

    @staticmethod
    def fingerprint_of(names):
        return hashlib.sha1("\n".join(sorted(names)).encode()).hexdigest()

    def trie(self, verify=False):
        """The current trie. verify=True (indexing paths) always compares with the database;
        the query path only consults the cache fingerprint, so it costs no database query."""
        if self._trie is None or verify:
            self._sync(self.names_from_db())
        else:
            shared = cache.get(self.CACHE_KEY)
            stale = shared is not None and shared != self._fingerprint
            if stale or time.monotonic() - self._checked_at > self.RECHECK_SECONDS:
                self._sync(self.names_from_db())
            elif shared is None:
                cache.set(self.CACHE_KEY, self._fingerprint, None)
        return self._trie

    def _sync(self, names):
        with self._lock:
            if self._trie is None:
                self._base = frozenset(thai_words()) | DOMAIN_TERMS
                self._trie = NameTrie(self._base, names)
            else:
                for word in self._names - names - self._base:
                    self._trie.remove(word)
                for word in names - self._names:
                    self._trie.add(word)
                self._trie.names = _any_of(names)
            self._names = names
            self._fingerprint = self.fingerprint_of(names)
            self._checked_at = time.monotonic()
        cache.set(self.CACHE_KEY, self._fingerprint, None)

    def refresh(self):
        """Called when officials change: re-read names, tell other processes."""
        self._sync(self.names_from_db())


dictionary = Dictionary()


def name_words(name, honorific=""):
    """The Thai parts of one name line to keep whole when segmenting ('นายดอน ปรมัตถ์วินัย'
    -> 'ดอน', 'ปรมัตถ์วินัย'); Latin parts need no dictionary (spaces separate them)."""
    words = set()
    for part in normalize(name).split():
        part = strip_thai_honorific(part, extra=(honorific.strip(),))
        if has_thai(part) and len(part) > 1:
            words.add(part)
    return words
