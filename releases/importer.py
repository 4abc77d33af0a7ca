"""Archive import: reads scraped press-release text files and upserts them as releases, one file each."""

import collections
import contextlib
import ctypes
import datetime
import functools
import gc
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify as ascii_slugify

from . import caching, search, thai
from .models import Category, Official, Release, ReleaseImage, split_paragraphs

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Bulk mode: written releases are indexed for search (and the page cache renewed) every this many.
BULK_BATCH_FILES = 500
# Releases already imported are looked up for this many upcoming files in one query, not one each;
# in bulk mode with workers, the same chunk is read and parsed ahead by a pool of processes.
LOOKUP_FILES = 200
CHUNKS_AHEAD = 2
# Reading and parsing a file costs ~0.7 ms against ~2.3 ms of writing it: two readers keep ahead
# of the writer on any machine, and more would only hold more memory (each is a forked process).
MAX_READERS = 2
EXISTING_FIELDS = ("pk", "source_key", "source_checksum", "import_snapshot", "status", "search_title")
# Before BE 2484 (1941) the Thai year began in April: an older date is a typo, not an archive page.
MIN_YEAR = 1941
MAX_VIEW_COUNT = 9_223_372_036_854_775_807  # PositiveBigIntegerField on both databases
MAX_TITLE_LENGTH = Release._meta.get_field("title").max_length
MAX_KEY_LENGTH = Release._meta.get_field("source_key").max_length
MAX_PHOTOS = 50
PHOTO_LINES = {"รูปภาพประกอบ", "ภาพประกอบ", "photo", "image"}
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTO_TEXTS_FILE = "photos.json"
LANGUAGE_SAMPLE = 600  # characters
PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")

_SPACES = " \t\u00a0\u200b\u3000\ufeff"
_C1 = re.compile("[\u0080-\u009f]")
_VIEWS = re.compile(r"^(?P<count>[0-9][0-9,]*)\s*views?$", re.IGNORECASE | re.ASCII)
_VIEWS_LOOSE = re.compile(r"\bviews?$", re.IGNORECASE)


class SourceError(ValueError):
    """A file that cannot be imported; `line` is 1-based when the problem has a place."""

    def __init__(self, reason, line=None):
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def __reduce__(self):  # raised in a worker process, re-raised here: keep the line
        return type(self), (self.reason, self.line)


# --- reading and parsing -------------------------------------------------------------------


def read_source(path, max_bytes=DEFAULT_MAX_BYTES):
    """The raw bytes of `path`; the size limit is checked before anything is read."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise SourceError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    with open(path, "rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:  # grew after the check
        raise SourceError(f"file is over the {max_bytes:,}-byte limit")
    return raw


def decode(raw):
    """Text of a source file: UTF-8 (with or without BOM), else cp874 (TIS-620); newlines as \\n, NFC."""
    if b"\x00" in raw:
        raise SourceError("binary file (contains NUL bytes)", line=raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp874")
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"cannot be decoded as UTF-8 or cp874/TIS-620 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                line=raw[: exc.start].count(b"\n") + 1,
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _C1.search(text)
    if bad:
        raise SourceError(
            f"contains the control character U+{ord(bad.group()):04X}: the text was decoded wrongly somewhere",
            line=text.count("\n", 0, bad.start()) + 1,
        )
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class ParsedRelease:
    title: str
    release_date: datetime.date
    view_count: int
    paragraphs: tuple
    expected_image_count: int

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)

    @property
    def language(self):
        # The script of the title and the body's opening is plenty to tell Thai from English.
        return thai.detect_language(self.title, self.body[:LANGUAGE_SAMPLE])


def _clean_line(line):
    return " ".join(line.strip(_SPACES).split())


def parse(text, today=None):
    """A release from the text of one source file; raises SourceError naming the line and the problem."""
    today = today or timezone.localdate()
    lines = text.split("\n")
    # (1-based line number, cleaned text) of every line that holds something
    filled = [(number, _clean_line(line)) for number, line in enumerate(lines, start=1) if line.strip(_SPACES)]
    if not filled:
        raise SourceError("empty file (nothing but white space)", line=1)

    title_line, title = filled[0]
    if _looks_like_date(title) or _VIEWS.match(thai.to_arabic_digits(title)):
        raise SourceError("no title: the file starts with a date or view-count line", line=title_line)
    if len(title) > MAX_TITLE_LENGTH:
        raise SourceError(f"title is {len(title)} characters long, over the limit of {MAX_TITLE_LENGTH}", line=title_line)
    position = 1
    if position < len(filled) and filled[position][1] == title:  # the title is usually printed twice
        position += 1

    if position >= len(filled):
        raise SourceError("no date line after the title", line=title_line)
    if (
        not _looks_like_date(filled[position][1])
        and position + 1 < len(filled)
        and _looks_like_date(filled[position + 1][1])
    ):
        position += 1  # the title printed a second time, slightly differently
    date_line, date_text = filled[position]
    try:
        release_date = thai.parse_date(date_text, min_year=MIN_YEAR, max_year=today.year)
    except thai.ThaiDateError as exc:
        if _looks_like_date(date_text):
            raise SourceError(f"unusable date: {exc}", line=date_line) from None
        raise SourceError(f"no date line: expected a date such as “29 ก.ย. 2564” after the title, found {date_text[:60]!r}", line=date_line) from None
    if release_date > today:
        raise SourceError(f"date {date_text!r} ({release_date.isoformat()}) is in the future", line=date_line)
    position += 1

    view_count, body_start = 0, date_line  # the view-count line is optional
    if position < len(filled):
        views_line, views_text = filled[position]
        match = _VIEWS.match(thai.to_arabic_digits(views_text))
        if match:
            view_count = int(match.group("count").replace(",", ""))
            if view_count > MAX_VIEW_COUNT:
                raise SourceError(f"view count {match.group('count')} does not fit (largest is {MAX_VIEW_COUNT:,})", line=views_line)
            body_start = views_line
            position += 1
        elif _VIEWS_LOOSE.search(views_text) and len(views_text) < 40:
            raise SourceError(f"unreadable view count {views_text!r}", line=views_line)

    photos = 0
    end = len(filled)
    while end > position and filled[end - 1][1].casefold() in PHOTO_LINES:
        photos += 1
        end -= 1
    body_end = filled[end][0] - 1 if end < len(filled) else len(lines)
    paragraphs = tuple(split_paragraphs("\n".join(lines[body_start:body_end])))
    if not paragraphs:
        raise SourceError("no body text after the heading lines", line=body_start)
    return ParsedRelease(title, release_date, view_count, paragraphs, photos)


_DATE_SHAPE = re.compile(r"^(?:วันที่\s*)?[0-9๐-๙]{1,2}[\s/.-]*\S+[\s/.-]*[0-9๐-๙]{4}$")


def _looks_like_date(text):
    return bool(_DATE_SHAPE.match(text)) or _english_date(text)


def _english_date(text):
    try:
        thai.parse_date(text)
    except thai.ThaiDateError:
        return False
    return True


def checksum(raw):
    return hashlib.sha256(raw).hexdigest()


# --- finding files -------------------------------------------------------------------------


@dataclass
class SourceFile:
    path: str
    stem: str


@dataclass
class Skipped:
    path: str
    reason: str


def _inside(path, root):
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def iter_sources(paths):
    """SourceFile or Skipped for each file under `paths`, found lazily (nothing is listed up front).

    Directories are walked recursively in name order; hidden entries, files not ending in
    .txt and symbolic links leading outside the directory given are skipped. A file named
    explicitly is taken whatever its name.
    """
    for given in paths:
        given = os.fspath(given)
        if os.path.isfile(given):
            yield SourceFile(given, Path(given).stem)
            continue
        if not os.path.isdir(given):
            yield Skipped(given, "no such file or directory")
            continue
        root = os.path.realpath(given)
        visited = {root}
        stack = [given]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as found:
                    entries = sorted(found, key=lambda entry: entry.name)
            except OSError as exc:
                yield Skipped(directory, f"cannot list directory: {exc.strerror}")
                continue
            subdirectories = []
            for entry in entries:
                if entry.name.startswith("."):
                    yield Skipped(entry.path, "hidden")
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not _inside(target, root):
                        yield Skipped(entry.path, "symbolic link leading outside the directory")
                        continue
                    if os.path.isdir(target):
                        if target not in visited:
                            visited.add(target)
                            subdirectories.append(entry.path)
                        continue
                if entry.is_dir():
                    real = os.path.realpath(entry.path)
                    if real not in visited:
                        visited.add(real)
                        subdirectories.append(entry.path)
                elif not entry.is_file():
                    yield Skipped(entry.path, "not a regular file")
                elif not entry.name.lower().endswith(".txt"):
                    yield Skipped(entry.path, "not a .txt file")
                else:
                    yield SourceFile(entry.path, entry.name[:-4])
            stack.extend(reversed(subdirectories))


def count_sources(paths):
    """How many files `iter_sources` will yield (for a progress bar's total); keeps nothing."""
    return sum(1 for item in iter_sources(paths) if isinstance(item, SourceFile))


# --- officials -----------------------------------------------------------------------------

THAI_HONORIFICS = [
    "นางสาว", "นาง", "นาย", "ท่านผู้หญิง", "คุณหญิง",
    "ศ.ดร.", "รศ.ดร.", "ผศ.ดร.", "ศ.", "รศ.", "ผศ.", "ดร.", "ม.ร.ว.", "ม.ล.",
    "พล.อ.อ.", "พล.ร.อ.", "พล.ต.อ.", "พล.อ.", "พล.ท.", "พล.ต.", "พ.อ.", "พ.ต.อ.",
]
LATIN_HONORIFICS = ["H.E. Mr.", "H.E. Mrs.", "H.E. Ms.", "H.E. Dr.", "H.E.", "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof."]
# Words that turn a stretch of text after นาย/นาง into a sentence or a job title rather than a name:
# whole tokens, and the starts of compound tokens newmm keeps together (กล่าวว่า, พร้อมด้วย).
_NOT_NAME_WORDS = {
    "ว่า", "ได้", "และ", "เป็น", "ให้", "ที่", "ซึ่ง", "จะ", "ยัง", "พร้อม", "เข้า", "ร่วม", "เดินทาง",
    "พบ", "หารือ", "กับ", "ของ", "ใน", "โดย", "เพื่อ", "แจ้ง", "ระบุ", "แถลง", "มอบ", "เยือน", "ต้อนรับ",
}
_NOT_NAME_STARTS = (
    "กล่าว", "เปิดเผย", "เห็นพ้อง", "ทั้งสอง", "พร้อมด้วย", "ผู้แทน", "ผู้อำนวยการ", "รัฐมนตรี", "อธิบดี",
    "เอกอัครราชทูต", "นายก", "ปลัด", "เลขาธิการ", "ประธาน", "โฆษก",
)
_LATIN_TITLE_WORDS = {
    "Minister", "Deputy", "Prime", "Secretary", "Ambassador", "Director", "General", "President", "Permanent",
    "Foreign", "Affairs", "Spokesperson", "Chairman", "Governor", "Consul", "Vice", "Head", "Chief", "Senior",
    "State", "Of", "The", "Royal", "Thai", "Government", "Minister-Counsellor", "Director-General",
}
_THAI_LETTERS = "\u0e01-\u0e2e\u0e30-\u0e4e"  # Thai letters and marks, not ฯ and not digits
# Plain alternation, longest first: the regex engine scans for it quickly (lookbehinds here made
# it twenty times slower); what may precede an honorific is checked afterwards.
_HONORIFIC_RE = re.compile("|".join(re.escape(h) for h in sorted(LATIN_HONORIFICS + THAI_HONORIFICS, key=len, reverse=True)))
_LATIN_HONORIFIC_SET = frozenset(LATIN_HONORIFICS)
_THAI_NAME = re.compile(rf" ?([{_THAI_LETTERS}]{{2,20}})[ \u00a0]([{_THAI_LETTERS}]{{2,30}})(?![{_THAI_LETTERS}])")
_NAME_PARTICLES = ("bin", "binti", "de", "van", "von", "der", "da", "al", "el")  # lower-case inside Latin names
_LATIN_WORD = re.compile(r"[A-Z][A-Za-z'’\-]*\.?|(?:" + "|".join(_NAME_PARTICLES) + r")(?=\s)")


@dataclass(frozen=True)
class Candidate:
    honorific: str
    name: str

    def __str__(self):
        joiner = "" if self.honorific in THAI_HONORIFICS and not self.name.isascii() else " "
        return f"{self.honorific}{joiner}{self.name}"


@functools.lru_cache(maxsize=50_000)
def _word_tokenize(text):
    """newmm words of a short stretch of text; the same stretches recur across an archive."""
    from pythainlp.tokenize import word_tokenize

    from .search import dictionary  # its dictionary trie: one copy in memory, officials' names included

    return tuple(word_tokenize(text, custom_dict=dictionary.trie(), engine="newmm"))


def _starts_a_word(text, start, honorific):
    """Is the honorific at `start` a word of its own, not the start of นายกรัฐมนตรี?

    The text from the honorific to the next space is segmented: newmm keeps นายกรัฐมนตรี,
    นายอำเภอ, นางพยาบาล whole, and splits นายสมชาย into นาย|สมชาย.
    """
    end = start + len(honorific)
    while end < len(text) and end - start < 30 and not text[end].isspace():
        end += 1
    tokens = _word_tokenize(text[start:end])
    return bool(tokens) and tokens[0] == honorific


_LATIN_NAME = re.compile(r"\s*((?:" + _LATIN_WORD.pattern + r")(?:\s+(?:" + _LATIN_WORD.pattern + r"))*)")


def find_candidates(text):
    """People named with an honorific in `text`: Thai given name + surname, or Latin words."""
    found = []
    for match in _HONORIFIC_RE.finditer(text):
        honorific, after = match.group(), match.end()
        before = text[match.start() - 1] if match.start() else " "
        if honorific in _LATIN_HONORIFIC_SET and before.isascii() and before.isalpha():
            continue  # inside a word
        if before == ".":
            # ศ. inside พ.ศ. is the end of another abbreviation. A Thai letter before is fine:
            # Thai runs words together (โดยพล.อ.…).
            continue
        rest = text[after : after + 120]
        latin = _LATIN_NAME.match(rest)
        if latin:
            words = []
            for word in latin.group(1).split():
                if word.rstrip(".") in _LATIN_TITLE_WORDS or len(words) == 4:
                    break
                words.append(word)
            while words and words[-1] in _NAME_PARTICLES:
                words.pop()
            if len(words) < 2:
                continue
            name = " ".join(words).rstrip(",")
        else:
            thai_name = _THAI_NAME.match(rest)
            if not thai_name or honorific in _LATIN_HONORIFIC_SET:
                continue
            given, surname = thai_name.groups()
            tokens = _word_tokenize(given) + _word_tokenize(surname)  # tuples, cached
            if any(token in _NOT_NAME_WORDS or token.startswith(_NOT_NAME_STARTS) for token in tokens):
                continue
            name = f"{given} {surname}"
        if honorific in ("นาย", "นาง", "นางสาว") and not _starts_a_word(text, match.start(), honorific):
            continue
        candidate = Candidate(honorific, name)
        if candidate not in found:
            found.append(candidate)
    return found


def _alias_key(alias):
    return " ".join(alias.split()).casefold()


class OfficialMatcher:
    """Finds known officials in text by any of their names; built once per import run."""

    def __init__(self, officials=()):
        self._by_alias = {}
        self._names = {}
        self._pattern = None
        for official in officials:
            self.add(official)

    @classmethod
    def from_database(cls):
        return cls(Official.objects.only("pk", "honorific", "name_th", "name_en", "aliases"))

    def add(self, official):
        self._names[official.pk] = official.alias_list()
        for alias in self._names[official.pk]:
            if len(alias) >= 2:
                self._by_alias.setdefault(_alias_key(alias), set()).add(official.pk)
        self._pattern = None

    def names_of(self, pk):
        return self._names.get(pk, [])

    def knows(self, name):
        return _alias_key(name) in self._by_alias

    def _compiled(self):
        if self._pattern is None:
            parts = []
            for alias in sorted(self._by_alias, key=len, reverse=True):
                escaped = re.escape(alias).replace(r"\ ", r"\s+")
                # Latin names must be whole words ("Don" is not in "Donald"); Thai has no spaces to go by.
                if alias[0].isascii():
                    escaped = r"(?<![a-z0-9])" + escaped
                if alias[-1].isascii():
                    escaped += r"(?![a-z0-9])"
                parts.append(escaped)
            self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else False
        return self._pattern

    def find(self, text):
        pattern = self._compiled()
        if not pattern:
            return set()
        found = set()
        for match in pattern.finditer(text):
            found |= self._by_alias.get(_alias_key(match.group()), set())
        return found


def official_slug(candidate):
    """A Latin slug for a new official: royin romanisation of a Thai name (editors should check it)."""
    name = candidate.name
    if not name.isascii():
        from pythainlp.transliterate import romanize

        name = " ".join(romanize(word, engine="royin") for word in name.split())
    base = (ascii_slugify(name) or "official")[:180].strip("-")
    taken = set(Official.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- importing -----------------------------------------------------------------------------

# Fields the import writes and an editor may change afterwards; long text is remembered by digest.
TRACKED = ("title", "body", "summary", "language", "category", "release_date", "expected_image_count", "officials")
# A field written only together with the field it is derived from.
DERIVED_FROM = {"slug": "title", "summary": "body"}


def _digest(text):
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(values):
    """The import-snapshot form of field values: JSON-safe, long text as a digest."""
    result = {}
    for name, value in values.items():
        if name in ("body", "summary"):
            value = _digest(value)
        elif name == "release_date":
            value = value.isoformat()
        elif name == "officials":
            value = sorted(value)
        result[name] = value
    return result


@dataclass
class Outcome:
    path: str
    key: str = ""
    status: str = ""  # created, updated, unchanged, failed or skipped
    reason: str = ""
    line: int | None = None
    conflicts: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def location(self):
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Prepared:
    """One file as read and parsed (in a worker, ahead of its turn, or here): its checksum, the
    release parsed from it, or the error reading or parsing it raised; the known officials and
    the name candidates in it, as found by the matcher of `matcher_version` (-1: not looked for)."""

    path: str
    digest: str | None = None
    parsed: ParsedRelease | None = None
    read_error: Exception | None = None
    parse_error: Exception | None = None
    found: frozenset = frozenset()
    candidates: list = field(default_factory=list)
    matcher_version: int = -1


def _find_people(matcher, parsed):
    """Known officials (pks) and name candidates in the body of `parsed`."""
    body = " ".join(parsed.body.split())
    return matcher.find(body), find_candidates(body)


# In a reader worker: (matcher, its version, max bytes, today), set by Importer._reading_ahead before the fork.
_READER = None


def _prepare_files(files):
    """In a reader worker: Prepared for each (path, key, checksum already imported) of a chunk,
    parsed only when its checksum differs; as (key, Prepared) pairs."""
    matcher, version, max_bytes, today = _READER
    results = []
    for path, key, known in files:
        prepared = Prepared(path)
        try:
            raw = read_source(path, max_bytes)
        except (SourceError, OSError) as exc:
            prepared.read_error = exc
        else:
            prepared.digest = checksum(raw)
            if prepared.digest != known:
                try:
                    prepared.parsed = parse(decode(raw), today=today)
                except SourceError as exc:
                    prepared.parse_error = exc
                else:
                    found, prepared.candidates = _find_people(matcher, prepared.parsed)
                    prepared.found, prepared.matcher_version = frozenset(found), version
        results.append((key, prepared))
    return results


@contextlib.contextmanager
def _lazy_commits():
    """On PostgreSQL, this connection's commits stop waiting for the WAL flush while the block runs.

    Each file is one transaction, and waiting for its commit to reach the disk was a quarter of a
    bulk import's time. A crash of the database server can then lose the last fraction of a
    second of commits — whole releases, never part of one — and re-running the import, which is
    idempotent, writes them again (docs/decisions.md). Nothing else uses this setting: it is
    reset when the block ends."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Importer:
    """Imports source files one by one, each in its own transaction. Counts outcomes in `totals`."""

    def __init__(
        self, *, category="press-release", publish=False, images_dir=None, source_prefix="", dry_run=False,
        create_officials=False, max_bytes=DEFAULT_MAX_BYTES, today=None, now=None, bulk=False, workers=None,
    ):
        if source_prefix and not PREFIX_RE.match(source_prefix):
            raise ValueError(f"source prefix {source_prefix!r}: use Latin letters, digits, '.', '_' or '-'")
        try:
            self.category = Category.objects.get(slug=category)
        except Category.DoesNotExist:
            raise ValueError(f"no category with slug {category!r}") from None
        if images_dir is not None and not os.path.isdir(images_dir):
            raise ValueError(f"images directory {images_dir!r} does not exist")
        self.publish = publish
        self.images_dir = Path(images_dir) if images_dir is not None else None
        self._photo_texts = self._load_photo_texts(images_dir) if images_dir is not None else {}
        self.source_prefix = source_prefix
        self.dry_run = dry_run
        self.create_officials = create_officials
        self.max_bytes = max_bytes
        self.today = today or timezone.localdate()
        self.now = now or timezone.now()
        self.matcher = OfficialMatcher.from_database()
        self.totals = Counter()
        self.candidate_counts = Counter()
        self._seen_keys = set()
        self._looked_up = {}  # source key -> its release's EXISTING_FIELDS (None: not imported yet)
        self._prepared = {}  # source key -> Prepared: read and parsed ahead by a worker
        self._reader_pool = None
        self._matcher_version = 0  # +1 for each official the matcher learns during the run
        # bulk: run() defers search indexing and page-cache renewal to batch boundaries (see run()).
        self.bulk = bulk
        self.workers = workers or os.cpu_count() or 1
        self._indexing = None
        self._pending_officials = []

    def key_for(self, stem):
        return f"{self.source_prefix}/{stem}" if self.source_prefix else stem

    def run(self, paths):
        """Outcomes of every file under `paths`, one at a time, as each is imported.

        In bulk mode, saves neither segment text for search nor renew the page cache one by one:
        every BULK_BATCH_FILES written files, and when the run ends (also by an error or Ctrl-C),
        the written releases are indexed in batches by `workers` processes and the cache renewed
        once. A killed run leaves up to two batches unindexed; re-running the import indexes them.
        While the generator is suspended, saves made by its caller in this thread are deferred too.
        """
        if not self.bulk:
            yield from self._run(paths)
            return
        with search.frozen_heap(), caching.deferred(), _lazy_commits(), search.deferred_indexing(workers=self.workers) as indexing:
            self._indexing = indexing
            try:
                with self._reading_ahead():
                    yield from self._run(paths)
            finally:
                self._indexing = None
                self.totals["indexed"] += indexing.flush()

    @contextlib.contextmanager
    def _reading_ahead(self):
        """With workers: a pool of processes that read, decode and parse files (and find the
        officials and name candidates in them) a chunk or two ahead of their turn, so that this
        process only writes. Forked after the dictionaries are built (frozen_heap), so they are
        shared; each worker keeps the matcher as it was at the fork (_matcher_version says when
        its findings are stale). The pool never touches the database."""
        if self.workers < 2:
            yield
            return
        import multiprocessing

        global _READER
        _READER = (self.matcher, self._matcher_version, self.max_bytes, self.today)
        self._reader_pool = multiprocessing.get_context("fork").Pool(min(self.workers, MAX_READERS))
        try:
            yield
        finally:
            _READER = None
            self._reader_pool.terminate()  # nothing of value left in it: results not yet taken are dropped
            self._reader_pool.join()
            self._reader_pool = None

    def _batch_done(self):
        """At a batch boundary in bulk mode: index what was written since the last one."""
        indexing = self._indexing
        if indexing is not None and len(indexing.ids) >= BULK_BATCH_FILES:
            # Segmented by the workers while the next batch is written; stored at the next boundary.
            self.totals["indexed"] += indexing.flush(wait=False)
            caching.bump_and_prepare()
            _return_freed_memory()

    def _run(self, paths):
        for item in self._looking_ahead(iter_sources(paths)):
            if isinstance(item, Skipped):
                outcome = Outcome(item.path, status="skipped", reason=item.reason)
                if item.reason == "no such file or directory":
                    outcome.status = "failed"
                self.totals[outcome.status] += 1
                yield outcome
            else:
                outcome = self.import_file(item.path, item.stem)
                self._batch_done()
                yield outcome

    def _looking_ahead(self, items):
        """`items`, each chunk of LOOKUP_FILES first looked up in one query and, with a reader
        pool, handed to it CHUNKS_AHEAD chunks before its turn (the archive stays streamed:
        a few hundred paths and parsed files are held at a time)."""
        ahead = collections.deque()
        for chunk in _chunks(items, LOOKUP_FILES):
            ahead.append(self._look_up(chunk))
            if len(ahead) > (CHUNKS_AHEAD if self._reader_pool is not None else 0):
                yield from self._turn_of(*ahead.popleft())
        while ahead:
            yield from self._turn_of(*ahead.popleft())

    def _look_up(self, chunk):
        files = [(item, self.key_for(item.stem)) for item in chunk if isinstance(item, SourceFile)]
        keys = [key for _item, key in files if len(key) <= MAX_KEY_LENGTH]
        looked_up = dict.fromkeys(keys)
        if keys:
            for row in Release.objects.filter(source_key__in=keys).values(*EXISTING_FIELDS):
                looked_up[row["source_key"]] = row
        reading = None
        if self._reader_pool is not None and files:
            known = [(item.path, key, (looked_up.get(key) or {}).get("source_checksum")) for item, key in files]
            reading = self._reader_pool.apply_async(_prepare_files, (known,))
        return chunk, looked_up, reading

    def _turn_of(self, chunk, looked_up, reading):
        self._looked_up = looked_up
        self._prepared = {key: prepared for key, prepared in reading.get()} if reading is not None else {}
        try:
            yield from chunk
        finally:
            self._looked_up, self._prepared = {}, {}

    def _existing(self, key):
        """The release `key` names, as looked up ahead (a second or so ago) or now."""
        if key in self._looked_up:
            return self._looked_up.pop(key)
        # Not .first(): with its ORDER BY id, SQLite walks the whole table in id order instead of
        # using the unique key's index (slower with every release imported).
        return next(iter(Release.objects.filter(source_key=key).values(*EXISTING_FIELDS)), None)

    def import_file(self, path, stem):
        outcome = Outcome(os.fspath(path), key=self.key_for(stem))
        try:
            self._import(outcome, stem)
        except SourceError as exc:
            outcome.status, outcome.reason, outcome.line = "failed", exc.reason, exc.line
        except ValidationError as exc:
            outcome.status, outcome.reason = "failed", _validation_message(exc)
        except (OSError, DatabaseError) as exc:
            outcome.status, outcome.reason = "failed", f"{type(exc).__name__}: {exc}".strip()
        self.totals[outcome.status] += 1
        if outcome.conflicts:
            self.totals["conflicts"] += 1
        for candidate in outcome.candidates:
            self.candidate_counts[str(candidate)] += 1
        return outcome

    # --- one file ----------------------------------------------------------------------------
    def _import(self, outcome, stem):
        key = outcome.key
        if len(key) > MAX_KEY_LENGTH:
            raise SourceError(f"source key is {len(key)} characters long, over the limit of {MAX_KEY_LENGTH}")
        if key in self._seen_keys:
            raise SourceError(f"another file in this run has the same name (source key {key!r})")
        self._seen_keys.add(key)
        prepared = self._prepared.pop(key, None)
        if prepared is not None and prepared.path != outcome.path:
            prepared = None
        raw = None
        if prepared is None:
            raw = read_source(outcome.path, self.max_bytes)
            digest = checksum(raw)
        elif prepared.read_error is not None:
            raise prepared.read_error
        else:
            digest = prepared.digest
        existing = self._existing(key)
        if existing and not existing["search_title"] and not self.dry_run:
            # Written by a bulk run that was killed before indexing it (or a title of punctuation only).
            search.reindex([existing["pk"]])
        if existing and self._nothing_new(existing, digest):
            outcome.status = "unchanged"
            self._attach_photos_if_missing(existing["pk"], stem, outcome)
            return
        if prepared is not None and prepared.parse_error is not None:
            raise prepared.parse_error
        if prepared is None or prepared.parsed is None:
            # Not read ahead, or the worker skipped parsing (same checksum as looked up) and
            # something else (category, --publish) makes it worth writing.
            if raw is None:
                raw = read_source(outcome.path, self.max_bytes)
                digest = checksum(raw)
            prepared = Prepared(outcome.path, digest, parsed=parse(decode(raw), today=self.today))
        parsed = prepared.parsed
        self._pending_officials = []
        with transaction.atomic():
            # Locked and read again: deleted in the admin since it was looked up, it is created anew.
            release = existing and Release.objects.select_for_update().filter(pk=existing["pk"]).first()
            if release:
                self._update(release, prepared, digest, stem, outcome)
            else:
                self._create(prepared, key, digest, stem, outcome)
            if self.dry_run:
                transaction.set_rollback(True)
        for official in self._pending_officials:
            self.matcher.add(official)
            self._matcher_version += 1

    def _nothing_new(self, existing, digest):
        snapshot = existing["import_snapshot"] or {}
        return (
            existing["source_checksum"] == digest
            and snapshot.get("category") == self.category.pk
            and not (self.publish and existing["status"] == Release.Status.DRAFT and snapshot.get("status") == Release.Status.DRAFT)
        )

    def _values(self, parsed, officials):
        values = {
            "title": parsed.title,
            "body": parsed.body,
            "language": parsed.language,
            "category": self.category.pk,
            "release_date": parsed.release_date,
            "expected_image_count": parsed.expected_image_count,
            "officials": officials,
        }
        values["summary"] = Release(body=parsed.body).derive_summary()
        return values

    def _publish_at(self, release_date):
        morning = timezone.make_aware(datetime.datetime.combine(release_date, datetime.time(9, 0)))
        # Never in the future: that would hide the release as "scheduled".
        return min(morning, self.now)

    def _create(self, prepared, key, digest, stem, outcome):
        parsed = prepared.parsed
        officials = self._officials(prepared, outcome)
        values = self._values(parsed, officials)
        status = Release.Status.PUBLISHED if self.publish else Release.Status.DRAFT
        release = Release(
            source_key=key,
            source_checksum=digest,
            view_count=parsed.view_count,
            status=status,
            publish_at=self._publish_at(parsed.release_date) if self.publish else None,
            slug=thai.slugify(parsed.title),
            **{name: value for name, value in values.items() if name not in ("category", "officials")},
            category_id=self.category.pk,
        )
        release.import_snapshot = {**fingerprint(values), "slug": release.slug, "status": status}
        _validate(release)
        # The search index is built in save(); it learns the officials' names from here, and the
        # links are inserted directly, so that linking does not segment the whole text again.
        release.pending_official_names = [name for pk in officials for name in self.matcher.names_of(pk)]
        release.save()
        if officials:
            Link = Release.officials.through
            Link.objects.bulk_create([Link(release_id=release.pk, official_id=pk) for pk in officials])
        outcome.status = "created"
        self._attach_photos(release, stem, outcome)

    def _update(self, release, prepared, digest, stem, outcome):
        parsed, pk = prepared.parsed, release.pk
        current = {name: getattr(release, name) for name in TRACKED if name not in ("category", "officials")}
        current["category"] = release.category_id
        current["officials"] = list(release.officials.values_list("pk", flat=True))
        snapshot = dict(release.import_snapshot or {})
        officials = self._officials(prepared, outcome)
        new = self._values(parsed, officials)
        new_prints, current_prints = fingerprint(new), fingerprint(current)

        written, kept = set(), set()
        for name in TRACKED:
            if new_prints[name] == current_prints[name]:
                snapshot[name] = new_prints[name]  # both sides agree: the import owns the value again
                continue
            parent = DERIVED_FROM.get(name)
            if name in snapshot and snapshot[name] == current_prints[name] and parent not in kept:
                written.add(name)
                snapshot[name] = new_prints[name]
            else:
                kept.add(name)
        if "title" in written and release.slug == snapshot.get("slug"):
            release.slug = snapshot["slug"] = thai.slugify(new["title"])
            written.add("slug")

        status_changed = False
        if self.publish and release.status == Release.Status.DRAFT:
            if snapshot.get("status") == Release.Status.DRAFT:
                release.status, release.publish_at = Release.Status.PUBLISHED, self._publish_at(parsed.release_date)
                snapshot["status"] = Release.Status.PUBLISHED
                status_changed = True
            else:
                kept.add("status")  # an editor unpublished what the import had published

        for name in written:
            if name == "category":
                release.category_id = new["category"]
            elif name != "officials" and name != "slug":
                setattr(release, name, new[name])
        release.source_checksum = digest
        release.import_snapshot = snapshot
        model_fields = {name for name in written if name != "officials"}
        if model_fields or status_changed:
            _validate(release)
            update = model_fields | {"source_checksum", "import_snapshot"} | ({"status", "publish_at"} if status_changed else set())
            release.save(update_fields=update)
        else:
            # Bookkeeping only: no history row for it.
            Release.objects.filter(pk=pk).update(source_checksum=digest, import_snapshot=snapshot)
        if "officials" in written:
            release.officials.set(officials)
        # Never lower a count the live site has raised since; Greatest() keeps concurrent increments.
        raised = parsed.view_count > release.view_count
        if raised:
            Release.objects.filter(pk=pk).update(view_count=Greatest("view_count", parsed.view_count))
        outcome.conflicts = sorted(kept)
        attached = self._attach_photos_if_missing(pk, stem, outcome, release=release)
        outcome.status = "updated" if (written or status_changed or raised or attached) else "unchanged"

    # --- officials ---------------------------------------------------------------------------
    def _officials(self, prepared, outcome):
        if prepared.matcher_version == self._matcher_version:
            found, candidates = set(prepared.found), prepared.candidates  # found by a worker
        else:
            found, candidates = _find_people(self.matcher, prepared.parsed)
        for candidate in candidates:
            if self.matcher.knows(candidate.name) or self.matcher.knows(str(candidate)):
                continue
            if self.create_officials and not self.dry_run:
                official = self._create_official(candidate)
                found.add(official.pk)
                outcome.notes.append(f"created official {candidate} ({official.slug})")
            else:
                outcome.candidates.append(candidate)
        return sorted(found)

    def _create_official(self, candidate):
        latin = candidate.name.isascii()
        official = Official(
            honorific=candidate.honorific[:50],
            name_th=candidate.name,
            name_en=candidate.name if latin else "",
            aliases=str(candidate),
            slug=official_slug(candidate),
        )
        official.full_clean()
        official.save()
        # Other files may link to it only once this file's transaction has gone through.
        self._pending_officials.append(official)
        return official

    # --- photos ------------------------------------------------------------------------------
    @staticmethod
    def _load_photo_texts(images_dir):
        """{file name: {"alt": …, "caption": …}} from the optional photos.json beside the photos."""
        path = Path(images_dir) / PHOTO_TEXTS_FILE
        if not path.is_file():
            return {}
        try:
            texts = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not readable JSON ({exc})") from None
        if not isinstance(texts, dict) or not all(isinstance(value, dict) for value in texts.values()):
            raise ValueError(f"{path}: expected an object of {{file name: {{\"alt\": …, \"caption\": …}}}}")
        return texts

    def _photo_files(self, stem):
        files = []
        for number in range(1, MAX_PHOTOS + 1):
            for suffix in PHOTO_SUFFIXES:
                candidate = self.images_dir / f"{stem}-{number}{suffix}"
                if candidate.is_file():
                    files.append(candidate)
                    break
            else:
                break
        return files

    def _attach_photos_if_missing(self, pk, stem, outcome, release=None):
        """Photos are attached once: a release that has any (the editor's or ours) is left alone."""
        if self.images_dir is None or not self._photo_files(stem):
            return False
        if ReleaseImage.objects.filter(release_id=pk).exists():
            return False
        if self.dry_run:
            outcome.notes.append(f"would attach {len(self._photo_files(stem))} photo(s)")
            return True
        with transaction.atomic():
            release = release or Release.objects.filter(pk=pk).first()
            attached = release is not None and self._attach_photos(release, stem, outcome)
        if attached and outcome.status == "unchanged":
            outcome.status = "updated"
        return attached

    def _attach_photos(self, release, stem, outcome):
        if self.images_dir is None:
            return 0
        files = self._photo_files(stem)
        if self.dry_run:
            if files:
                outcome.notes.append(f"would attach {len(files)} photo(s)")
            return len(files)
        from . import images  # the image pipeline: validates, re-encodes and makes renditions

        attached = 0
        for order, path in enumerate(files):
            described = self._photo_texts.get(path.name, {})
            try:
                with transaction.atomic(), open(path, "rb") as handle:
                    images.attach_image(
                        release, handle, path.name, order=order, caption=str(described.get("caption", ""))[:500],
                        alt_text=str(described.get("alt") or fallback_alt_text(release, order))[:500],
                    )
                attached += 1
            except images.ImageRejected as exc:
                outcome.notes.append(f"photo {path.name} rejected: {exc}")
                self.totals["photos rejected"] += 1
            except OSError as exc:
                outcome.notes.append(f"photo {path.name} unreadable: {exc.strerror or exc}")
                self.totals["photos rejected"] += 1
        self.totals["photos attached"] += attached
        return attached


def _return_freed_memory():
    """Collect cycles and hand freed heap back to the OS after a batch (~0.1 ms a file). Not a
    leak (the object count stays flat), but cyclic garbage waits for a full collection and glibc
    keeps the fragments of each batch's large strings: without this the importing process grew
    ~4 MB per 1,000 files (165 -> 200 MB over 10,000 files)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def fallback_alt_text(release, order):
    """Alt text when photos.json gives none: which photo of which release (editors should describe it)."""
    label = "Photo" if release.language == Release.Language.ENGLISH else "รูปภาพประกอบ"
    return f"{label} {order + 1}: {release.title}"


def _validate(release):
    """full_clean() less the checks that cost a query per file and that the database repeats anyway.

    Field values (lengths, choices, required fields: SQLite would not check lengths) and
    Release.clean() are checked in Python on both databases alike. The category was looked up
    once per run; the unique source key and the check constraints are enforced by both
    databases, and a violation fails the file like any other error.
    """
    release.full_clean(exclude={"category"}, validate_unique=False, validate_constraints=False)


def _validation_message(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)
