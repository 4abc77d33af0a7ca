"""Recognising officials in release text: known officials by any of their names, and new names after an honorific."""

import functools
import re
from dataclasses import dataclass

from django.utils.text import slugify as ascii_slugify

from ..models import Official
from ..names import LATIN_HONORIFICS, THAI_HONORIFICS

# A new official's slug leaves room for a "-2", "-3"… when the name is taken.
SLUG_BASE_LENGTH = Official._meta.get_field("slug").max_length - 20
HONORIFIC_LENGTH = Official._meta.get_field("honorific").max_length

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

    from ..search import dictionary  # its dictionary trie: one copy in memory, officials' names included

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
    base = (ascii_slugify(name) or "official")[:SLUG_BASE_LENGTH].strip("-")
    taken = set(Official.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def find_people(matcher, parsed):
    """Known officials (pks) and name candidates in the body of `parsed`."""
    body = " ".join(parsed.body.split())
    return matcher.find(body), find_candidates(body)
