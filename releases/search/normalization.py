"""Thai text normalisation: one spelling for indexing and querying, and what counts as a word character."""

import re
import unicodedata

from pythainlp import thai_above_vowels, thai_below_vowels, thai_follow_vowels, thai_lead_vowels, thai_tonemarks
from pythainlp.util import normalize as thai_normalize
from pythainlp.util import remove_dup_spaces

from .. import thai

# PostgreSQL's parser drops longer words; both databases drop them alike.
MAX_TOKEN_LENGTH = 100

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


def split_token(token):
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


def has_thai(text):
    return _THAI_CHARACTER.search(text) is not None

