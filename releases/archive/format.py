"""The archive's text format, read and written: one release per file, optional URL line, title, date, views, paragraphs, photo lines."""

import codecs
import datetime
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from .. import thai
from ..body import bullets_to_markup, split_paragraphs
from ..models import Release

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Before BE 2484 (1941) the Thai year began in April: an older date is a typo, not an archive page.
MIN_YEAR = 1941
MAX_VIEW_COUNT = 9_223_372_036_854_775_807  # PositiveBigIntegerField on both databases
MAX_TITLE_LENGTH = Release._meta.get_field("title").max_length
LANGUAGE_SAMPLE = 600  # characters

# One photo line per photo at the end of a file: the word written for each language, and every
# word read as one (compared case-folded).
PHOTO_LINE = {"th": "รูปภาพประกอบ", "en": "Photo"}
PHOTO_LINES = {word.casefold() for word in PHOTO_LINE.values()} | {"ภาพประกอบ", "image"}

_SPACES = " \t\u00a0\u200b\u3000\ufeff"
_C1 = re.compile("[\u0080-\u009f]")
_VIEWS = re.compile(r"^(?P<count>[0-9][0-9,]*)\s*views?$", re.IGNORECASE | re.ASCII)
_VIEWS_LOOSE = re.compile(r"\bviews?$", re.IGNORECASE)
_SAFE_PART = re.compile(r"^[^/\\\x00]+$")
# An optional first line: the address the release had on the ministry's old site (releases/redirects/).
_URL_LINE = re.compile(r"^URL\s*:\s*(?P<url>.*)$", re.IGNORECASE)
_URL_SHAPE = re.compile(r"^(?:https?://[^/\s]+)?/\S*$", re.IGNORECASE)
MAX_URL_LENGTH = 2000



class SourceError(ValueError):
    """A file that cannot be imported; `line` is 1-based when the problem has a place."""

    def __init__(self, reason, line=None):
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def __reduce__(self):  # raised in a worker process, re-raised here: keep the line
        return type(self), (self.reason, self.line)



class SourceSkipped(SourceError):
    """A directory entry that is not a file the import can read (a FIFO, a file it may not open): skipped, not failed."""


def read_source(path, max_bytes=DEFAULT_MAX_BYTES):
    """The raw bytes of `path`; the size limit is checked before anything is read.

    Opened without blocking and checked to be a regular file: a FIFO put in a file's place after
    the walk would otherwise hold the run until something wrote to it.
    """
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise SourceError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        with open(path, "rb", opener=_open_nonblocking) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise SourceSkipped("not a regular file")
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceSkipped(f"unreadable: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:  # grew after the check
        raise SourceError(f"file is over the {max_bytes:,}-byte limit")
    return raw


def _open_nonblocking(path, flags):
    return os.open(path, flags | os.O_NONBLOCK)


def decode(raw):
    """Text of a source file: UTF-8 (with or without BOM), else cp874 (TIS-620); newlines as \\n, NFC."""
    if b"\x00" in raw:
        raise SourceError("binary file (contains NUL bytes)", line=raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        # utf-8-sig counts from after the byte order mark; offsets here count from the file's start.
        utf8_at = utf8_error.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
        try:
            text = raw.decode("cp874")
        except UnicodeDecodeError as exc:
            # The encoding that read further is the one the file was written in: its error is the real one.
            at = max(utf8_at, exc.start)
            raise SourceError(
                f"cannot be decoded as UTF-8 or cp874/TIS-620 (byte 0x{raw[at]:02x} at offset {at})",
                line=raw[:at].count(b"\n") + 1,
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
    original_url: str = ""

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

    original_url, filled = _original_url(filled)
    if not filled:
        raise SourceError("nothing after the URL line", line=1)
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
    paragraphs = tuple(map(bullets_to_markup, split_paragraphs("\n".join(lines[body_start:body_end]))))
    if not paragraphs:
        raise SourceError("no body text after the heading lines", line=body_start)
    return ParsedRelease(title, release_date, view_count, paragraphs, photos, original_url)


def _original_url(filled):
    """The URL line's address, and the filled lines after it (all of them when there is none)."""
    number, first = filled[0]
    match = _URL_LINE.match(first)
    if not match:
        return "", filled
    url = match.group("url")
    if not _URL_SHAPE.match(url) or len(url) > MAX_URL_LENGTH:
        raise SourceError(f"unusable URL line: expected “URL: https://www.mfa.go.th/th/content/…”, found {first[:80]!r}", line=number)
    return url, filled[1:]


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


# --- writing -------------------------------------------------------------------------------


def views_line(count):
    """The view-count line as written ("1 view", "1,234 views"); `_VIEWS` reads it back."""
    return f"{count:,} view" if count == 1 else f"{count:,} views"


def render(release, photo_count=None):
    """The source-file text of one release: title twice, date, views, paragraphs, one line per photo.

    Thai releases carry a Buddhist-era date (29 ก.ย. 2564), English ones a Christian-era date
    (29 Sep 2021). `photo_count` defaults to the larger of the attached and the expected photos.
    """
    language = "en" if release.language == Release.Language.ENGLISH else "th"
    if photo_count is None:
        photo_count = max(release.images.count(), release.expected_image_count)
    blocks = [
        release.title,
        release.title,
        thai.format_date(release.release_date, "short", language),
        views_line(release.view_count),
        *release.paragraphs,
        *[PHOTO_LINE[language]] * photo_count,
    ]
    return "\n\n".join(blocks) + "\n"


def relative_path(release):
    """Where a release goes inside the export directory: its source key, else release-<id>."""
    parts = (release.source_key or "").split("/")
    if release.source_key and all(_SAFE_PART.match(part) and part not in (".", "..") for part in parts):
        return Path(*parts[:-1], parts[-1] + ".txt")
    return Path(f"release-{release.pk}.txt")
