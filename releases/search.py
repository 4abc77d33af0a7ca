"""Thai-aware search over releases: segmented search documents, query parsing, matching and ranking.

Thai has no spaces between words, so neither database can split it. Each release keeps a
pre-segmented copy of its text (the `search_*` fields, words joined by single spaces); the
database indexes those copies (PostgreSQL: a weighted tsvector column with a GIN index;
SQLite: an FTS5 table), both kept in step by database triggers (see docs/search.md).
Queries are segmented the same way, so both sides agree on what a word is.
"""

import collections
import functools
import gc
import hashlib
import html
import logging
import os
import re
import threading
import time
import unicodedata

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from pythainlp import thai_above_vowels, thai_below_vowels, thai_follow_vowels, thai_lead_vowels, thai_tonemarks
from pythainlp.corpus import thai_syllables, thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.tokenize._utils import rejoin_formatted_num, strip_whitespace
from pythainlp.tokenize.nlpo3 import segment as nlpo3_segment
from pythainlp.util import Trie
from pythainlp.util import normalize as thai_normalize
from pythainlp.util.normalize import remove_dup_spaces

from . import thai
from .models import Official, Release

logger = logging.getLogger(__name__)

# Longer queries are cut to this many characters (and terms), never refused.
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10
# PostgreSQL clamps tsvector positions at 16,383; capping both parts keeps phrase matching
# identical on both databases for very long releases (their tail is not indexed).
MAX_DOCUMENT_WORDS = 8000
MAX_DOCUMENT_SYLLABLES = 8000
# PostgreSQL's parser drops longer words; both databases drop them alike.
MAX_TOKEN_LENGTH = 100
# Joins two adjacent Latin words into one lexeme of the syllable field ('tradeǂand'): a letter
# to both databases' tokenizers (so the pair stays one token) that no word here contains.
PAIR_JOINER = "\u01c2"

FTS_TABLE = "releases_release_search"
# PostgreSQL columns kept by a trigger (not model fields): all words with positions and
# weights A/B/C; title and summary only (small, stored inline: cheap to test row by row);
# syllable lexemes without positions.
VECTOR_COLUMN = "search_vector"
HEAD_VECTOR_COLUMN = "search_head_vector"
SYLLABLE_VECTOR_COLUMN = "search_syllable_vector"
SEARCH_FIELDS = ("search_title", "search_summary", "search_body", "search_syllables")
WORD_COLUMNS = "{search_title search_summary search_body}"
HEAD_COLUMNS = "{search_title search_summary}"
# Relevance is ranked among the newest RANK_CANDIDATES + 1 matches and the newest as many title
# hits, so a word found in most releases costs no more than a rare one; the public list counts
# at most RANK_CANDIDATES ("more than 1,000 results"). See docs/search.md, "Bounded ranking".
RANK_CANDIDATES = 1000
# Relevance tiers: every term a whole word in the title; in the title, summary or officials'
# names; anywhere; or only inside a compound word (syllable field).
TIER_TITLE, TIER_HEAD, TIER_WORDS, TIER_SYLLABLES = 4, 3, 2, 1

# Words the default dictionary lacks, so newmm would break them up (checked against thai_words()).
DOMAIN_TERMS = frozenset(
    {
        "ไฟเซอร์", "ซิโนแวค", "ซิโนฟาร์ม", "แอสตร้าเซนเนก้า", "โมเดอร์นา", "จอห์นสันแอนด์จอห์นสัน",
        "บิมสเทค", "ไอยูยู", "บริกส์", "จีทูจี", "ยูเนสโก", "ยูนิเซฟ", "เอฟทีเอ", "ซีพีทีพีพี",
        "อาร์เซ็ป", "แม่โขง-ล้านช้าง", "โอไอซี", "ไอเอ็มเอฟ", "ดับเบิลยูทีโอ", "ดับเบิลยูเอชโอ",
        "ศบค", "สอท", "สกญ", "กต", "วีซ่า", "พาสปอร์ต", "อีวีซ่า",
    }
)
# Honorifics written straight before a given name; stripped so `นายดอน` does not enter the
# dictionary as one word (a reader searching `ดอน` must still find it).
HONORIFICS = ("นางสาว", "นาย", "นาง", "ดร.", "ดร", "พล.อ.", "ม.ร.ว.", "ม.ล.", "ท่าน")

_SPACE = re.compile(r"\s+")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]*)[\"“”«»„]?")


# --- normalisation -----------------------------------------------------------------------


# What pythainlp's normalize() would change besides runs of spaces and newlines, as one regex
# (a superset of its rules: anything doubtful takes the full clean-up). Its ~35 regex passes
# over each paragraph were most of a search document's cost; most text needs none of them.
_NON_BASE = f"{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}\u0e3a\u0e4c\u0e4d\u0e4e"
_NO_REPEAT = f"{thai_follow_vowels}{thai_lead_vowels}{thai_above_vowels}{thai_below_vowels}\u0e3a\u0e4c\u0e4d\u0e4e"
_NEEDS_THAI_CLEANUP = re.compile(
    "[\u200b\u200c\u0e45]"  # zero-width space and non-joiner; lakkhangyao
    "|\u0e40\u0e40"  # sara e twice
    f"|[{thai_tonemarks}\u0e4c][{thai_above_vowels}{thai_below_vowels}{thai_tonemarks}]"  # mark order, doubled tones
    f"|\u0e4d[{thai_tonemarks}]*\u0e32"  # nikhahit + sara aa
    f"|[{thai_follow_vowels}][{thai_tonemarks}]"  # tone mark after a following vowel
    f"|([{_NO_REPEAT}])[ \n]*\\1"  # a repeated vowel or sign
    f"|(?:^|\\s)[{_NON_BASE}]"  # a mark with no base (start of text, after a space)
)


def thai_cleanup(text):
    """Exactly pythainlp's normalize(text), without its regex passes when none could apply."""
    if _NEEDS_THAI_CLEANUP.search(text):
        return thai_normalize(text)
    return remove_dup_spaces(text)


def normalize(text):
    """One spelling for indexing and querying: NFC (never NFKC: it splits ำ), pythainlp's
    Thai clean-up, Thai digits as Arabic, Latin case-folded."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = thai_cleanup(text)
    text = thai.to_arabic_digits(text).casefold()
    return unicodedata.normalize("NFC", text)


def _is_token_char(ch):
    # Letters, digits and Thai vowel/tone marks; exactly what FTS5's tokenizer (categories
    # 'L* N* Mn Mc') and PostgreSQL's parser keep, so both see the same words.
    # ฯ (abbreviation mark) is a letter to Unicode but punctuation to a reader: 'สหรัฐฯ' is 'สหรัฐ'.
    return ch not in "\u0e2f" and unicodedata.category(ch)[0] in "LNM" and unicodedata.category(ch) != "Me"


# Thai letters, marks and digits (not ฯ ฿ ๏ ๚ ๛) and folded ASCII: all token characters.
_PLAIN_TOKEN = re.compile(r"[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59a-z0-9]+")


def _split_token(token):
    """Pieces of one segmenter token made only of token characters ('covid-19' -> covid, 19)."""
    if _PLAIN_TOKEN.fullmatch(token):  # the common case, without a look at each character
        return [token] if len(token) <= MAX_TOKEN_LENGTH else []
    pieces, current = [], []
    for ch in token:
        if _is_token_char(ch):
            current.append(ch)
        elif current:
            pieces.append("".join(current))
            current = []
    if current:
        pieces.append("".join(current))
    return [p for p in pieces if len(p) <= MAX_TOKEN_LENGTH]


_THAI_CHARACTER = re.compile("[\u0e00-\u0e7f]")


def _has_thai(text):
    return _THAI_CHARACTER.search(text) is not None


# --- the dictionary: pythainlp's words + domain terms + officials' names -----------------


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


def warm_up():
    """Build what segmentation needs (the dictionary trie, nlpo3's copy, the syllable trie) now,
    e.g. before forking workers that should share it (config/gunicorn.py, bulk indexing)."""
    syllables(tokenize("กระทรวงการต่างประเทศ", dictionary.trie()))


class frozen_heap:
    """Within the block, Python's cycle collector skips everything that existed when it began:
    the dictionary tries alone are ~500,000 objects, and a full collection walked them all
    (0.6-0.75 s each; the archive import collects after every batch). Forked workers inherit
    the exemption. Warm up first, so the tries are among what is exempted."""

    def __enter__(self):
        warm_up()
        gc.freeze()
        return self

    def __exit__(self, *exc_info):
        gc.unfreeze()


def name_words(name, honorific=""):
    """The Thai parts of one name line to keep whole when segmenting ('นายดอน ปรมัตถ์วินัย'
    -> 'ดอน', 'ปรมัตถ์วินัย'); Latin parts need no dictionary (spaces separate them)."""
    words = set()
    prefixes = tuple(p for p in (honorific.strip(), *HONORIFICS) if p)
    for part in normalize(name).split():
        for prefix in prefixes:
            if part.startswith(prefix) and len(part) > len(prefix):
                part = part[len(prefix):]
                break
        if _has_thai(part) and len(part) > 1:
            words.add(part)
    return words


# --- segmentation -----------------------------------------------------------------------


def segment(text, trie, keep_whitespace=False):
    """newmm words of `text` with `trie` as the dictionary, as word_tokenize gives them.

    A stretch of text holding no official's name is segmented by nlpo3 (pythainlp's Rust newmm,
    ~7x faster) with the base dictionary alone, which gives what newmm with the names would:
    a name that does not occur in the text cannot change its words. Stretches with a name, and
    any trie that is not a NameTrie, use pythainlp's Python newmm. Both indexing and queries
    come here, so they always agree (docs/decisions.md, "nlpo3").
    """
    names = getattr(trie, "names", None)
    nlpo3_dictionary = trie.nlpo3_dictionary if names is not None else None
    if nlpo3_dictionary is None or names.search(text):
        return word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=keep_whitespace)
    # word_tokenize's own post-processing, as for its engines.
    tokens = rejoin_formatted_num(nlpo3_segment(text, custom_dict=nlpo3_dictionary))
    return tokens if keep_whitespace else strip_whitespace(tokens)


def tokenize(text, trie=None):
    """Normalised words of `text`, punctuation and spaces dropped: the unit of matching."""
    trie = trie or dictionary.trie()
    tokens = []
    for chunk in normalize(text).split():
        if not _has_thai(chunk):
            tokens.extend(_split_token(chunk))
            continue
        for token in segment(chunk, trie):
            tokens.extend(_split_token(token))
    return tokens


@functools.cache
def _syllable_trie():
    # What subword_tokenize(engine="dict") uses, built once: pythainlp 5.4 rebuilds it on every call.
    return Trie(thai_syllables())


@functools.lru_cache(maxsize=200_000)
def _syllables_of(word):
    if not _has_thai(word) or len(word) < 3:
        return (word,)
    pieces = []
    for syllable in word_tokenize(word, custom_dict=_syllable_trie(), engine="newmm", keep_whitespace=False):
        pieces.extend(_split_token(syllable))
    return tuple(pieces) or (word,)


@functools.lru_cache(maxsize=200_000)
def _thai_syllables_of(word):
    """The syllables of a Thai word; None for a Latin word or a number."""
    return _syllables_of(word) if _has_thai(word) else None


def syllables(words):
    """Thai syllables of already segmented words; Latin words and numbers stay whole."""
    result = []
    for word in words:
        result.extend(_syllables_of(word))
    return result


def syllable_lexemes(words, document=True, limit=None):
    """What the syllable field holds for `words`: for each run of Thai words, its syllables
    and each pair of adjacent syllables joined ('ต่าง', 'ประ', 'ต่างประ', 'ประเทศ'...); other
    words as they are. A query (document=False) asks for the pairs of each run (its one
    syllable if it has only one): `ต่างประเทศ` is found inside `กระทรวงการต่างประเทศ`, and
    `ยา` is not found in `ยาวนาน` (ยาว|นาน) or `พยายาม` (พยา|ยาม).

    No positions: pairs make an exact index lookup (PostgreSQL's GIN needs no recheck), where a
    syllable phrase would re-read every candidate row. For the same reason a document also holds
    each pair of adjacent Latin words or numbers joined by PAIR_JOINER (`tradeǂand`), which a
    quoted Latin phrase asks for (Term).
    """
    lexemes, run, seen, latin = [], [], 0, None

    def flush():
        if document:
            lexemes.extend(run)
        if len(run) == 1 and not document:
            lexemes.append(run[0])
        lexemes.extend(map(str.__add__, run, run[1:]))
        run.clear()

    for word in words:
        if limit is not None and seen >= limit:
            break
        parts = _thai_syllables_of(word)
        if parts is not None:
            run.extend(parts)
            seen += len(parts)
            latin = None
        else:
            if run:
                flush()
            lexemes.append(word)
            if document and latin is not None:
                lexemes.append(latin + PAIR_JOINER + word)
            latin = word
            seen += 1
    flush()
    return list(dict.fromkeys(lexemes))


def build_document(title, summary, body, official_names=(), trie=None):
    """The search fields of one release, as a dict ready for `Release(**doc)` or `.update()`."""
    trie = trie or dictionary.trie()
    title_words = tokenize(title, trie)[:MAX_DOCUMENT_WORDS]
    summary_words = tokenize(" \n".join([summary or "", *official_names]), trie)
    summary_words = summary_words[: max(MAX_DOCUMENT_WORDS - len(title_words), 0)]
    body_words = []
    budget = MAX_DOCUMENT_WORDS - len(title_words) - len(summary_words)
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
            syllable_lexemes(title_words + summary_words + body_words, limit=MAX_DOCUMENT_SYLLABLES)
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


def document_for(release, trie=None):
    return build_document(release.title, release.summary, release.body, official_names(release), trie)


# --- queries ----------------------------------------------------------------------------


class Term:
    """One thing the reader asked for: a word or phrase, as words and as syllables."""

    def __init__(self, words):
        self.words = tuple(words)
        # Only Thai has compounds to look inside (`compound`). `syllables`: what the term asks
        # of the syllable field, where every match is found by exact index lookups: a Thai
        # term's syllable pairs; a Latin phrase's word pairs (all adjacent in the document).
        self.compound = any(_has_thai(word) for word in self.words)
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
    """The query cut to MAX_QUERY_LENGTH characters (at a space when there is one, so no
    half word is searched for), spaces collapsed."""
    query = _SPACE.sub(" ", str(query or "")).strip()
    if len(query) > MAX_QUERY_LENGTH:
        query = query[: MAX_QUERY_LENGTH + 1]
        query = query[: query.rfind(" ")] if " " in query else query[:MAX_QUERY_LENGTH]
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
    return terms[:MAX_QUERY_TERMS]


# --- SQLite: FTS5 MATCH expressions -------------------------------------------------------


def _fts_phrase(tokens):
    return '"' + " ".join(tokens) + '"'


def fts_match(terms, tier=TIER_SYLLABLES):
    """FTS5 query: every term as words in the tier's columns or, for the lowest tier, as
    syllables (all of the term's syllable pairs)."""
    columns = {TIER_TITLE: "{search_title}", TIER_HEAD: HEAD_COLUMNS}.get(tier, WORD_COLUMNS)
    parts = []
    for term in terms:
        words = f"{columns} : {_fts_phrase(term.words)}"
        # (A Latin phrase needs no pairs here: FTS5 checks word positions cheaply.)
        if tier == TIER_SYLLABLES and term.compound and term.syllables:
            inside = " AND ".join(_fts_phrase([lexeme]) for lexeme in term.syllables)
            words = f"({words} OR {{search_syllables}} : ({inside}))"
        parts.append(words)
    return " AND ".join(parts)


# --- PostgreSQL: tsquery text -------------------------------------------------------------


def _ts_phrase(tokens, weights=""):
    suffix = f":{weights}" if weights else ""
    return "(" + " <-> ".join(f"'{token}'{suffix}" for token in tokens) + ")"


def tsquery(terms, weights=""):
    """to_tsquery('simple', ...) text: every term as words (a phrase when it has several)."""
    return " & ".join(_ts_phrase(term.words, weights) for term in terms)


def _ts_syllables(term):
    return "(" + " & ".join(f"'{lexeme}'" for lexeme in term.syllables) + ")"


# --- the public entry point ---------------------------------------------------------------


def _fts_ids(match):
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))


def _pg_column(column):
    return f'"{Release._meta.db_table}"."{column}"'


def _pg_matches(terms):
    """Each term as words OR as syllables, written as one exact GIN lookup per term.

    A Thai term's words, adjacent in a document, always leave all its syllable pairs in the
    syllable field (syllable_lexemes), so "words OR syllables" is "syllables": the word phrase,
    whose position check re-reads every candidate's large word vector, is left out. (Only the
    tail of a release longer than MAX_DOCUMENT_SYLLABLES is in the word field alone.) A quoted
    Latin phrase is found by its adjacent word pairs the same way: exact for two words; for
    more, `_pg_phrases` then checks the order on the few rows kept.
    No weights here: weights (like phrases) make PostgreSQL re-read every candidate row."""
    sql, params = [], []
    for term in terms:
        words = f"{_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s)"
        if term.syllables:
            sql.append(f"{_pg_column(SYLLABLE_VECTOR_COLUMN)} @@ to_tsquery('simple', %s)")
            params.append(_ts_syllables(term))
        else:
            sql.append(words)
            params.append(tsquery([term]))
    return RawSQL(" AND ".join(sql), params, output_field=models.BooleanField())


def _pg_phrases(terms):
    """Latin phrases of three words or more, as word phrases (pairs alone would also accept
    'trade and tourism and investment' for "trade and investment"); None when there are none."""
    long_phrases = [term for term in terms if not term.compound and len(term.words) > 2]
    if not long_phrases:
        return None
    # The function form of @@, which no index serves: PostgreSQL must test the kept rows, not
    # collect every phrase match with the GIN index (it underestimates phrase matches).
    return RawSQL(
        f"ts_match_vq({_pg_column(VECTOR_COLUMN)}, to_tsquery('simple', %s))", (tsquery(long_phrases),),
        output_field=models.BooleanField(),
    )


def _pg_head_matches(terms, weights):
    # The head vector is small and inline: testing it row by row is cheap.
    return RawSQL(
        f"{_pg_column(HEAD_VECTOR_COLUMN)} @@ to_tsquery('simple', %s)", (tsquery(terms, weights),),
        output_field=models.BooleanField(),
    )


def search_releases(queryset, query, bounded=True):
    """`queryset` narrowed to releases matching `query`, most relevant first: all terms in the
    title, then in title/summary/officials' names, then anywhere as whole words, then found
    only inside compound words; by rank within a tier, newest first among equals. Unchanged
    for an empty or punctuation-only query.

    bounded (the public list): only the newest RANK_CANDIDATES + 1 matches and the newest as
    many title hits are kept and ranked, so the work is bounded for words found in most
    releases. bounded=False (the admin, which orders by its own columns): every match."""
    try:
        terms = parse_query(query)
    except Exception:  # a segmenter failure must not take the page down
        logger.exception("could not parse search query %r", query)
        return queryset.none()
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        matches, title, head = _pg_matches(terms), _pg_head_matches(terms, "A"), _pg_head_matches(terms, "")
        share, head_share, phrases = _pg_share(terms), _pg_share(terms, head=True), _pg_phrases(terms)
        cutoff = _pg_recent_cutoff(share) if bounded and share < WALK_SHARE else None
        if bounded and cutoff is not None and all(len(term.words) == 1 for term in terms):
            # The candidates after the recent cutoff (usually all of them): one GIN lookup
            # limited to those dates, hashed, instead of reading each row's large out-of-line
            # word vector (~25 us a row); older candidates, if any, row by row. Single words
            # only: a phrase's word order would be re-read for every recent row with its words.
            words = RawSQL(
                f"CASE WHEN {_pg_column('release_date')} >= %s THEN {_pg_column('id')} IN "
                f"(SELECT recent.id FROM {Release._meta.db_table} recent WHERE recent.{VECTOR_COLUMN} "
                "@@ to_tsquery('simple', %s) AND recent.release_date >= %s) "
                f"ELSE {_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s) END",
                (cutoff, tsquery(terms), cutoff, tsquery(terms)),
                output_field=models.BooleanField(),
            )
        elif bounded:
            # At most 2 x RANK_CANDIDATES rows: testing each one's word vector is cheaper than
            # collecting every whole-word match of a common word.
            words = RawSQL(
                f"{_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s)", (tsquery(terms),),
                output_field=models.BooleanField(),
            )
        else:
            # "Any whole word" is one GIN lookup, hashed once per query, rather than a test of
            # each row's large (out-of-line) word vector.
            words = Q(pk__in=RawSQL(
                f'SELECT "id" FROM "{Release._meta.db_table}" WHERE {_pg_column(VECTOR_COLUMN)} '
                "@@ to_tsquery('simple', %s)",
                (tsquery(terms),),
            ))
        # SearchRank over the head vector, weights A (title) and B (summary, officials).
        rank = RawSQL(
            f"ts_rank({_pg_column(HEAD_VECTOR_COLUMN)}, to_tsquery('simple', %s))",
            (" | ".join(_ts_phrase(term.words) for term in terms),),
            output_field=FloatField(),
        )
    else:
        matches, title, head, words = (
            Q(pk__in=_fts_ids(fts_match(terms, tier))) for tier in (TIER_SYLLABLES, TIER_TITLE, TIER_HEAD, TIER_WORDS)
        )
        phrases = None  # FTS5 matches phrases exactly
        # No bm25() here: as a per-row correlated lookup it re-ran the match for every hit
        # (1.5 s for 7,700 hits of 10,000 releases); the tiers carry the column weights and
        # ties go newest first.
        rank = Value(0.0, output_field=FloatField())
    if bounded:
        # search_total: the candidates' number on every row, so the list's paginator needs no
        # count query of its own (releases/paginators.py).
        parts = [(matches, True, 0.0), (title, True, 0.0)]
        if connection.vendor == "postgresql":
            parts = [(matches, share >= WALK_SHARE, share), (title, head_share >= WALK_SHARE, head_share)]
        candidates = _candidates(queryset, parts)
        if connection.vendor == "postgresql":
            # An array, not IN (…): the planner cannot know how many candidates the fallback
            # branches add, and with a high guess it joined them to a scan of the whole table
            # (43 ms at 100,000 releases); `id = ANY(array)` is always one index lookup each.
            candidates = RawSQL(f"{_pg_column('id')} = ANY(ARRAY({candidates.sql}))", candidates.params,
                                output_field=models.BooleanField())
            queryset = queryset.filter(candidates)
        else:
            queryset = queryset.filter(pk__in=candidates)
        if phrases is not None:
            # Only on the kept rows: checking word order re-reads each row's large word vector.
            queryset = queryset.filter(phrases)
        queryset = queryset.annotate(search_total=Window(Count("pk")))
    else:
        queryset = queryset.filter(matches)
        if phrases is not None:
            queryset = queryset.filter(phrases)
    tiers = [When(title, then=Value(TIER_TITLE)), When(head, then=Value(TIER_HEAD))]
    if any(term.compound for term in terms):
        tiers.append(When(words, then=Value(TIER_WORDS)))
        lowest = TIER_SYLLABLES
    else:
        # Latin words, numbers and phrases only: every match is a whole-word match (a phrase's
        # adjacent pairs all found); testing each row's large word vector again would only cost time.
        lowest = TIER_WORDS
    tier = Case(*tiers, default=Value(lowest), output_field=IntegerField())
    return queryset.annotate(search_tier=tier, search_rank=rank).order_by(
        F("search_tier").desc(), F("search_rank").desc(nulls_last=True), *NEWEST_FIRST
    )


NEWEST_FIRST = ("-release_date", "-publish_at", "-pk")


# Above this estimated share of releases matching, the newest matches are found by walking the
# newest-first index (few rows read per hit); below it, by a GIN bitmap limited to recent dates
# (_pg_recent_cutoff) that reads only the hits. Each row the walk reads costs its syllable vector
# fetched from TOAST and decompressed (~7 us with lz4), which the planner does not price.
# Measured on 100,000 generated releases (docs/performance.md, "Search"): a surname in 11 % of
# releases 42-59 ms walked, 27-36 ms by the bitmap; words in 77 % (ต่างประเทศ) 38-41 ms walked,
# 47-61 ms by the bitmap. (0.1 before the candidates were passed as an array: the bitmap's
# candidates were then joined to a scan of the whole table.)
WALK_SHARE = 0.3
LEXEME_STATS_SECONDS = 3600
_lexeme_stats = {"at": None, "shares": {}, "rows": 0, "dates": []}
# A bitmap collects the newest matches after a release date chosen so that about this many times
# RANK_CANDIDATES matches are expected after it (see _pg_recent_cutoff).
CUTOFF_MARGIN = 2.0


def _pg_statistics():
    """pg_stats (kept by ANALYZE), re-read at most hourly per process: "shares": {(column,
    lexeme): share of releases} for the most common lexemes of the three vectors; "rows": the
    table's estimated row count; "dates": the release dates that cut it into equal parts."""
    now = time.monotonic()
    if _lexeme_stats["at"] is None or now - _lexeme_stats["at"] > LEXEME_STATS_SECONDS:
        table = Release._meta.db_table
        vectors = (VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN)
        shares, rows, dates = {}, 0, []
        with connection.cursor() as cursor:
            # One query (the list's query budget): the vectors' common lexemes, the histogram of
            # release dates, and the table's estimated size on every row.
            cursor.execute(
                "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs, "
                "CASE WHEN attname = 'release_date' THEN histogram_bounds::text::date[] END, "
                "(SELECT reltuples FROM pg_class WHERE relname = %s) FROM pg_stats "
                "WHERE tablename = %s AND attname IN (%s, %s, %s, 'release_date')",
                (table, table, *vectors),
            )
            for column, lexemes, frequencies, bounds, reltuples in cursor.fetchall():
                rows = max(reltuples or 0, 0)
                if column == "release_date":
                    dates = bounds or []
                else:
                    shares.update(((column, lexeme), share) for lexeme, share in zip(lexemes or (), frequencies or ()))
        _lexeme_stats.update(shares=shares, rows=rows, dates=dates)
        _lexeme_stats["at"] = now
    return _lexeme_stats


def _pg_lexeme_shares():
    return _pg_statistics()["shares"]


def _pg_recent_cutoff(share):
    """A release date after which the newest RANK_CANDIDATES + 1 hits of a term found in
    `share` of releases are likely all to lie (CUTOFF_MARGIN times as many expected), from the
    histogram of release dates; None when that would be most of the table or is unknown.

    Only a speed-up: _candidates still looks before the date when too few hits lie after it."""
    statistics = _pg_statistics()
    rows, dates = statistics["rows"], statistics["dates"]
    if share <= 0 or rows <= 0 or len(dates) < 2:
        return None
    newer = CUTOFF_MARGIN * (RANK_CANDIDATES + 1) / share / rows
    if newer >= 0.5:
        return None
    return dates[int((1 - newer) * (len(dates) - 1))]


def _pg_share(terms, head=False):
    """Estimated share of releases matching all terms (0 for a lexeme too rare to be listed);
    head=True: with all terms in the title or summary."""
    shares = _pg_lexeme_shares()

    def share(column, lexemes):
        return min((shares.get((column, lexeme), 0.0) for lexeme in lexemes), default=0.0)

    if head:
        return min(share(HEAD_VECTOR_COLUMN, term.words) for term in terms)
    return min(
        max(share(VECTOR_COLUMN, term.words), share(SYLLABLE_VECTOR_COLUMN, term.syllables) if term.syllables else 0.0)
        for term in terms
    )


def _candidates(queryset, parts):
    """SQL for the ids worth ranking: the newest RANK_CANDIDATES + 1 matches (one more than the
    list counts, so it knows there are more) and the newest as many title hits, within
    `queryset`'s own filters. `parts`: (condition, walk, share); walk=False orders by an
    expression no index serves, so PostgreSQL collects the hits with GIN bitmaps instead of
    walking the newest-first index; with an estimated `share` of releases matching, the bitmap
    is first limited to recent releases (_pg_recent_cutoff), older ones read only if needed."""
    sql, params = [], []
    unindexed = (RawSQL(f"{_pg_column('release_date')} + 0", ()).desc(), *NEWEST_FIRST[1:])
    wanted = RANK_CANDIDATES + 1

    def compiled(part):
        return part.query.get_compiler(using=part.db).as_sql()

    for n, (condition, walk, share) in enumerate(parts):
        part = queryset.filter(condition).order_by(*(NEWEST_FIRST if walk else unindexed)).values("pk")
        cutoff = _pg_recent_cutoff(share) if connection.vendor == "postgresql" and not walk else None
        if cutoff is None:
            part_sql, part_params = compiled(part[:wanted])
        else:
            # Newest first: all hits after the cutoff (a BitmapAnd with the date index reads
            # only those rows), then, only if they are too few, the newest older ones (LIMIT 0
            # does not run its query).
            recent_sql, recent_params = compiled(part.filter(release_date__gte=cutoff)[:wanted])
            older_sql, older_params = compiled(part.filter(release_date__lt=cutoff))
            part_sql = (
                f"WITH recent AS MATERIALIZED ({recent_sql}) SELECT * FROM recent UNION ALL "
                f"({older_sql} LIMIT GREATEST(0, {wanted} - (SELECT count(*) FROM recent)))"
            )
            part_params = (*recent_params, *older_params)
        # Wrapped: SQLite allows no LIMIT on a bare member of a UNION.
        sql.append(f"SELECT * FROM ({part_sql}) AS candidates{n}")
        params.extend(part_params)
    return RawSQL(" UNION ".join(sql), params)


# --- highlighted snippets (both databases, built in Python for the rows on a page) ----------


SNIPPET_WORDS = 40


def highlight(release, query, words=SNIPPET_WORDS):
    """Safe HTML: a short passage of the release around the first match, matched words in
    <mark>. Works on the original text, so Thai digits and punctuation survive."""
    terms = parse_query(query) if not isinstance(query, list) else query
    plain = release.summary or release.body[:300]
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
        tokens = segment(paragraph, dictionary.trie(), keep_whitespace=True)
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
    for release in releases:
        release.search_headline = highlight(release, terms)
    return releases


# --- keeping the search fields current --------------------------------------------------

TEXT_FIELDS = {"title", "summary", "body"}

# Bulk writers (the archive import) defer indexing: saves in this thread only collect ids.
_deferred = threading.local()


class deferred_indexing:
    """Within the block, saves in this thread leave the search fields alone and only note the
    release; `flush()` (call it at batch boundaries) and the end of the block index the noted
    releases in batches with `workers` processes. Until then they are not findable by search.

    `flush(wait=False)` hands the batch to the workers and returns at once, storing only what
    earlier batches have finished: segmentation then runs on the other core while the caller
    writes the next batch (the archive import), instead of one waiting for the other."""

    def __init__(self, workers=1, batch_size=200):
        self.workers, self.batch_size = workers, batch_size
        self.ids = set()
        # One pool for the whole block: the workers' syllable caches stay warm between flushes.
        self._pool = self._pool_fingerprint = None
        self._pending = collections.deque()

    def __enter__(self):
        self._outer = getattr(_deferred, "current", None)
        _deferred.current = self
        return self

    def __exit__(self, exc_type, *exc_info):
        _deferred.current = self._outer
        try:
            # Also after an error or Ctrl-C: what was committed gets indexed now.
            self.flush()
        finally:
            self._close_pool()

    def note(self, ids):
        self.ids.update(pk for pk in ids if pk is not None)

    def flush(self, wait=True):
        """Index the noted releases; returns how many were stored by this call."""
        ids, self.ids = sorted(self.ids), set()
        done = 0
        if ids and self.workers < 2:
            done += reindex_queryset(Release.objects.filter(pk__in=ids), batch_size=self.batch_size)
        elif ids:
            pool = self._worker_pool()
            for start in range(0, len(ids), self.batch_size):
                self._pending.append(_submit(pool, _batch_rows(ids[start : start + self.batch_size])))
        while self._pending and (wait or self._pending[0][1].ready()):
            done += _collect(self._pending.popleft(), None)
        return done

    def _worker_pool(self):
        global _WORKER_TRIE
        _WORKER_TRIE = dictionary.trie(verify=True)
        if self._pool is not None and self._pool_fingerprint != dictionary._fingerprint:
            # Officials changed: the workers' copy of the dictionary is stale. Batches they
            # already took were segmented with the names as they were when they were written.
            while self._pending:
                _collect(self._pending.popleft(), None)
            self._close_pool()
        if self._pool is None:
            import multiprocessing

            self._pool = multiprocessing.get_context("fork").Pool(self.workers)
            self._pool_fingerprint = dictionary._fingerprint
        return self._pool

    def _close_pool(self):
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def _deferring():
    return getattr(_deferred, "current", None)


@receiver(pre_save, sender=Release, dispatch_uid="search_pre_save")
def _index_on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or update_fields is not None or _deferring():
        return
    trie = dictionary.trie(verify=True)
    for field, value in document_for(instance, trie).items():
        setattr(instance, field, value)


@receiver(post_save, sender=Release, dispatch_uid="search_post_save")
def _index_on_partial_save(sender, instance, update_fields=None, raw=False, **kwargs):
    # save(update_fields=[...]) would not write fields set in pre_save.
    if raw or (update_fields is not None and not (set(update_fields) & TEXT_FIELDS)):
        return
    if _deferring():
        _deferring().note([instance.pk])  # created or changed: indexed at the next flush
    elif update_fields is not None:
        reindex([instance.pk])


@receiver(m2m_changed, sender=Release.officials.through, dispatch_uid="search_officials_changed")
def _index_on_officials_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # official.releases.clear(): remember who was linked
        instance._search_release_ids = list(instance.releases.values_list("pk", flat=True))
    elif reverse and action == "post_clear":
        reindex(getattr(instance, "_search_release_ids", []))
    elif reverse and action in ("post_add", "post_remove"):  # pk_set holds releases
        reindex(pk_set)
    elif action in ("post_add", "post_remove", "post_clear"):
        reindex([instance.pk])


NAME_FIELDS = ("honorific", "name_th", "name_en", "aliases")


@receiver(pre_save, sender=Official, dispatch_uid="search_official_saving")
def _remember_official_names(sender, instance, raw=False, **kwargs):
    # Only a change of names re-indexes the official's releases (a minister may have thousands).
    stored = Official.objects.filter(pk=instance.pk).values_list(*NAME_FIELDS).first() if instance.pk else None
    instance._search_names_changed = stored != tuple(getattr(instance, f) for f in NAME_FIELDS)


@receiver(post_save, sender=Official, dispatch_uid="search_official_saved")
def _index_on_official_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or not getattr(instance, "_search_names_changed", True):
        return
    dictionary.refresh()
    if not created:
        reindex(official=instance)


@receiver(pre_delete, sender=Official, dispatch_uid="search_official_deleting")
def _remember_official_releases(sender, instance, **kwargs):
    instance._search_release_ids = list(instance.releases.values_list("pk", flat=True))


@receiver(post_delete, sender=Official, dispatch_uid="search_official_deleted")
def _index_on_official_deleted(sender, instance, **kwargs):
    dictionary.refresh()
    reindex(getattr(instance, "_search_release_ids", []))


def reindex(ids=None, official=None, batch_size=200):
    """Recompute the search fields of releases by id, or of one official's releases."""
    if ids is not None and official is None and _deferring():
        _deferring().note(ids)
        return 0
    queryset = Release.objects.all()
    if official is not None:
        queryset = queryset.filter(officials=official)
    elif ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        queryset = queryset.filter(pk__in=ids)
    return reindex_queryset(queryset, batch_size=batch_size)


def reindex_queryset(queryset, batch_size=200, progress=None, workers=1, pool=None):
    """Recompute and store the search fields for `queryset`, in batches; returns the count.

    workers > 1 segments in that many forked processes (segmentation is pure Python and
    single-core; threads would not help) while this process reads and writes the database;
    or in `pool` (of `workers` processes), forked by the caller after setting _WORKER_TRIE; left open.
    """
    global _WORKER_TRIE
    _WORKER_TRIE = trie = dictionary.trie(verify=True)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    batches = [pks[start : start + batch_size] for start in range(0, len(pks), batch_size)]
    done = 0
    if workers > 1 or pool is not None:
        import contextlib
        import multiprocessing

        # Forked workers inherit the trie (shared copy-on-write). Reads stay in this thread
        # (Django's connections are per thread); writes too, but on PostgreSQL (_submit).
        pending = collections.deque()
        with contextlib.nullcontext(pool) if pool is not None else multiprocessing.get_context("fork").Pool(workers) as pool:
            for batch in batches:
                pending.append(_submit(pool, _batch_rows(batch)))
                if len(pending) > 2 * workers:
                    done += _collect(pending.popleft(), progress)
            while pending:
                done += _collect(pending.popleft(), progress)
    else:
        for batch in batches:
            done += _store(_segment_rows(_batch_rows(batch)), progress)
    return done


_WORKER_TRIE = None


def _batch_rows(pks):
    releases = Release.objects.filter(pk__in=pks).only("pk", "title", "summary", "body").prefetch_related("officials")
    return [(r.pk, r.title, r.summary, r.body, official_names(r)) for r in releases]


def _segment_rows(rows):
    return [(pk, build_document(title, summary, body, names, _WORKER_TRIE)) for pk, title, summary, body, names in rows]


def _workers_store():
    """Whether the workers write what they segment, each over its own connection.

    On PostgreSQL the UPDATE of a batch costs the server ~1.3 ms a release (the trigger builds
    three tsvectors, then their GIN entries): done by the worker, the importing process goes on
    writing instead of waiting for it. Not on SQLite, which has one writer at a time; nor inside
    a transaction, whose rows another connection cannot see yet (the tests run in one).
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _submit(pool, rows):
    """Hand a batch to the workers; `_collect` takes the result."""
    if _workers_store():
        return True, pool.apply_async(_segment_and_store_rows, (rows, os.getpid()))
    return False, pool.apply_async(_segment_rows, (rows,))


def _collect(job, progress):
    """Wait for a batch handed over by `_submit`, store it here if the worker did not; its count."""
    stored_there, result = job
    if not stored_there:
        return _store(result.get(), progress)
    count = result.get()
    if progress:
        progress(count)
    return count


def _segment_and_store_rows(rows, parent_pid):
    if os.getpid() != parent_pid:
        _own_connections()
    return _store(_segment_rows(rows), None)


_INHERITED_CONNECTIONS = []


def _own_connections():
    """In a forked worker: its own database connections from now on (opened when first used).

    The parent's came with the fork. Closing or even freeing one would end the parent's session
    (libpq says goodbye over the shared socket), so they are kept, unused, until os._exit."""
    import multiprocessing.util

    from asgiref.local import Local
    from django.db import connections

    if _INHERITED_CONNECTIONS:
        return
    _INHERITED_CONNECTIONS.append(connections._connections)
    connections._connections = Local(connections.thread_critical)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _store(documents, progress):
    """One UPDATE ... FROM (VALUES ...) per batch: bulk_update's CASE chains are ~10x slower."""
    if documents:
        table = Release._meta.db_table
        row = "(" + ", ".join(["%s"] * (len(SEARCH_FIELDS) + 1)) + ")"
        assignments = ", ".join(f"{field} = v.column{n}" for n, field in enumerate(SEARCH_FIELDS, start=2))
        params = [value for pk, document in documents for value in (pk, *(document[f] for f in SEARCH_FIELDS))]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(documents))}) AS v "
                f"WHERE {table}.id = v.column1",
                params,
            )
    if progress:
        progress(len(documents))
    return len(documents)


# --- the database side: index and triggers (installed by migration 00xx_search, re-checked after
# every migrate because SQLite's table rebuilds in later migrations drop triggers) ---------------

HEAD_INDEX = "releases_release_search_head_idx"
# Narrow rows: every search reads the date and status of each matching row, so PostgreSQL moves
# long values (body, search copies, the large vectors) out of line once a row passes 128 bytes
# (default ~2 kB); the small title/summary vector stays inline ("main"), as the ranking tests it
# row by row. The table's main part shrank 165 -> 106 MB at 100,000 releases, which is what a
# GIN bitmap visits (docs/performance.md, "Search"). Rows written before take it when next updated.
_PG_NARROW_ROWS = [
    "ALTER TABLE releases_release SET (toast_tuple_target = 128)",
    f"ALTER TABLE releases_release ALTER COLUMN {HEAD_VECTOR_COLUMN} SET STORAGE MAIN",
]
# lz4 for the long values (PostgreSQL 14+, when built with it; the default is pglz): it
# decompresses several times faster, and search decompresses the small title/summary vector of
# every candidate and the word and syllable vectors of rows it walks. Measured on 100,000
# releases: p95 of the benchmark queries 54 -> 41-43 ms (docs/performance.md, "Search"); it also
# costs the server less to write (the import). Values written before keep pglz until rewritten.
LZ4_COLUMNS = {
    "releases_release": ("body", "summary", *SEARCH_FIELDS, VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN),
    "releases_historicalrelease": ("body", "summary"),
}


def set_lz4_compression(cursor, method="lz4"):
    """ALTER the long columns to `method` ("lz4", or "pglz" to undo) if this server has lz4."""
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    if not (row and row[0]):
        return False
    for table, columns in LZ4_COLUMNS.items():
        cursor.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns))
    return True


_PG_INSTALL = [
    f"""ALTER TABLE releases_release ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector,
      ADD COLUMN IF NOT EXISTS {HEAD_VECTOR_COLUMN} tsvector,
      ADD COLUMN IF NOT EXISTS {SYLLABLE_VECTOR_COLUMN} tsvector""",
    f"""
    CREATE OR REPLACE FUNCTION releases_release_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head tsvector := setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
                       setweight(to_tsvector('simple', coalesce(NEW.search_summary, '')), 'B');
    BEGIN
      NEW.{HEAD_VECTOR_COLUMN} := head;
      NEW.{VECTOR_COLUMN} := head || setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'C');
      NEW.{SYLLABLE_VECTOR_COLUMN} := strip(to_tsvector('simple', coalesce(NEW.search_syllables, '')));
      RETURN NEW;
    END $$
    """,
    "DROP TRIGGER IF EXISTS releases_release_search_vector ON releases_release",
    # Only when the search text changes: a view-count UPDATE must not recompute the vector.
    """
    CREATE TRIGGER releases_release_search_vector
    BEFORE INSERT OR UPDATE OF search_title, search_summary, search_body, search_syllables
    ON releases_release FOR EACH ROW EXECUTE FUNCTION releases_release_search_vector()
    """,
    f"CREATE INDEX IF NOT EXISTS releases_release_search_idx ON releases_release USING GIN ({VECTOR_COLUMN})",
    f"CREATE INDEX IF NOT EXISTS releases_release_syllable_idx ON releases_release USING GIN ({SYLLABLE_VECTOR_COLUMN})",
    # Title hits among many matches (bounded ranking): GIN finds title/summary words, the
    # weight is rechecked on the small inline vector.
    f"CREATE INDEX IF NOT EXISTS {HEAD_INDEX} ON releases_release USING GIN ({HEAD_VECTOR_COLUMN})",
    *_PG_NARROW_ROWS,
]
_PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS releases_release_search_vector ON releases_release",
    "DROP FUNCTION IF EXISTS releases_release_search_vector()",
    "DROP INDEX IF EXISTS releases_release_search_idx",
    "DROP INDEX IF EXISTS releases_release_syllable_idx",
    f"DROP INDEX IF EXISTS {HEAD_INDEX}",
    f"""ALTER TABLE releases_release DROP COLUMN IF EXISTS {VECTOR_COLUMN},
      DROP COLUMN IF EXISTS {HEAD_VECTOR_COLUMN}, DROP COLUMN IF EXISTS {SYLLABLE_VECTOR_COLUMN}""",
]

_COLS = ", ".join(SEARCH_FIELDS)
_NEW = ", ".join(f"new.{c}" for c in SEARCH_FIELDS)
_OLD = ", ".join(f"old.{c}" for c in SEARCH_FIELDS)
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {_COLS} ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
      INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END""",
]
_SQLITE_INSTALL = [
    # External content: FTS5 reads the text from releases_release itself (no second copy).
    # The tokenizer keeps Thai vowel and tone marks (Mn, Mc) inside words; remove_diacritics 0
    # because PostgreSQL's 'simple' configuration keeps them too.
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLS},
      content='releases_release', content_rowid='id',
      tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'")""",
    *_SQLITE_TRIGGERS,
]
_SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def compact_releases(conn):
    """Give back the space of old row versions after rewriting every release (rebuild_search_index
    --vacuum): PostgreSQL's VACUUM FULL (an exclusive lock while it runs) and fresh statistics,
    which search plans by; SQLite's VACUUM. Not inside a transaction (neither database allows it)."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"VACUUM FULL {Release._meta.db_table}")
            cursor.execute(f"ANALYZE {Release._meta.db_table}")
        elif conn.vendor == "sqlite":
            cursor.execute("VACUUM")


def install_index(conn):
    """Create (idempotently) the full-text index and the triggers that keep it current."""
    statements = _PG_INSTALL if conn.vendor == "postgresql" else _SQLITE_INSTALL if conn.vendor == "sqlite" else []
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        if conn.vendor == "postgresql":
            set_lz4_compression(cursor)  # also for vector columns added again (ensure_index)


def uninstall_index(conn):
    statements = _PG_UNINSTALL if conn.vendor == "postgresql" else _SQLITE_UNINSTALL if conn.vendor == "sqlite" else []
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def ensure_index(conn):
    """After migrate: reinstall triggers a later SQLite table rebuild dropped, and resync."""
    if not _has_search_columns(conn):
        return
    if conn.vendor == "postgresql":
        # PostgreSQL keeps triggers through ALTER TABLE; only a missing column needs the install.
        if not _has_search_columns(conn, [VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN]):
            install_index(conn)
        return
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", (f"{FTS_TABLE}_%",))
        missing = cursor.fetchone()[0] < len(_SQLITE_TRIGGERS)
    install_index(conn)
    if missing:
        with conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def rebuild_fts(conn=connection):
    """SQLite only: rebuild the FTS5 index from the search fields (after bulk writes)."""
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _has_search_columns(conn, names=SEARCH_FIELDS):
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        if "releases_release" not in tables:
            return False
        columns = {c.name for c in conn.introspection.get_table_description(cursor, "releases_release")}
    return set(names) <= columns


@receiver(post_migrate, dispatch_uid="search_post_migrate")
def _ensure_index_after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.db import connections

    if app_config is not None and app_config.label == "releases":
        ensure_index(connections[using])
