"""Thai dates (Buddhist era), digits, slugs and script detection, on top of pythainlp."""

import datetime
import re
import unicodedata

from django.utils.translation import get_language
from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime
from pythainlp.util.date import thai_abbr_months, thai_full_months

BE_OFFSET = 543
# Years at or above this are Buddhist era; below it, Christian era. No plausible CE year
# for a press release is >= 2400, and no BE year is below it.
BE_THRESHOLD = 2400

EN_ABBR_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EN_FULL_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_THAI_DIGIT = re.compile(f"[{THAI_DIGITS}]")
# The slug of a release whose title gives none (only punctuation, say): URLs always have one.
FALLBACK_SLUG = "release"


def page_language():
    """"en" on English pages, "th" otherwise: the language of the page being rendered."""
    return "en" if (get_language() or "th").startswith("en") else "th"


def to_arabic_digits(text):
    """'๒๕๖๔' -> '2564'; other characters are left alone."""
    # Most text holds no Thai digit: finding none is several times cheaper than the translation.
    return thai_digit_to_arabic_digit(text) if has_thai_digits(text) else text


def to_thai_digits(text):
    """'2564' -> '๒๕๖๔'; other characters are left alone."""
    return arabic_digit_to_thai_digit(text) if text else text


def has_thai_digits(text):
    return bool(text) and _THAI_DIGIT.search(text) is not None


def ce_year(year):
    """A year in either era -> Christian era (>= 2400 means Buddhist era)."""
    return year - BE_OFFSET if year >= BE_THRESHOLD else year


def be_year(date):
    return date.year + BE_OFFSET


_CE_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|2[0-2][0-9]{2})(?![0-9])")


def be_years_in(text):
    """Christian-era years in a short label -> Buddhist era ('กันยายน 2021' -> 'กันยายน 2564')."""
    return _CE_YEAR.sub(lambda match: str(int(match.group()) + BE_OFFSET), str(text))


def _localdate(value):
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_date(value, style="short", language="th", thai_digits=False):
    """A date in the form printed on releases.

    Thai: '29 ก.ย. 2564' (short) or '29 กันยายน 2564' (long), Buddhist era;
    English: '29 Sep 2021' / '29 September 2021'.
    """
    if value in (None, ""):
        return ""
    value = _localdate(value)
    if language == "en":
        months = EN_FULL_MONTHS if style == "long" else EN_ABBR_MONTHS
        return f"{value.day} {months[value.month - 1]} {value.year}"
    fmt = "%-d %B %Y" if style == "long" else "%-d %b %Y"
    return thai_strftime(value, fmt, thaidigit=thai_digits)


def format_datetime(value, language="th", thai_digits=False):
    """'29 ก.ย. 2564 14:30' in Asia/Bangkok."""
    if value in (None, ""):
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = f"{format_date(local.date(), 'short', language)} {local:%H:%M}"
    return to_thai_digits(text) if thai_digits and language != "en" else text


def _month_lookup():
    table = {}
    for index, name in enumerate(thai_full_months, start=1):
        table[name] = index
    for index, name in enumerate(thai_abbr_months, start=1):
        table[name] = index
        table[name.rstrip(".")] = index  # 'ก.ย' without the final dot
        table[name.replace(".", "")] = index  # 'กย'
    for index, (abbr, full) in enumerate(zip(EN_ABBR_MONTHS, EN_FULL_MONTHS), start=1):
        table[abbr.lower()] = index
        table[abbr.lower() + "."] = index
        table[full.lower()] = index
    table["sept"] = 9
    table["sept."] = 9
    return table


MONTHS = _month_lookup()

_WORD_DATE = re.compile(
    r"^(?:วันที่\s*)?(?P<day>[0-9]{1,2})\s*(?P<month>[^\s0-9,]+?)\s*,?\s*(?:(?P<be>พ\.?\s*ศ\.?)|(?P<ce>ค\.?\s*ศ\.?))?\s*(?P<year>[0-9]{4})$"
)
_ENGLISH_US_DATE = re.compile(r"^(?P<month>[A-Za-z]+\.?)\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})$")
_NUMERIC_DATE = re.compile(r"^(?P<day>[0-9]{1,2})[/.\-](?P<month>[0-9]{1,2})[/.\-](?P<year>[0-9]{4})$")
_ISO_DATE = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})$")


class ThaiDateError(ValueError):
    """A date that cannot be read, or names a day that does not exist."""


def parse_date(text, min_year=None, max_year=None):
    """Read a date written in Thai or English, in either era, with Thai or Arabic digits.

    Accepts '29 ก.ย. 2564', '29 กันยายน พ.ศ. 2564', '๒๙ ก.ย. ๒๕๖๔', '29 Sep 2021',
    'September 29, 2021', '29/09/2564', '2021-09-29'. A year >= 2400 is Buddhist era.
    Raises ThaiDateError naming the problem; optional min_year/max_year (Christian era)
    reject implausible years.
    """
    if text is None:
        raise ThaiDateError("no date given")
    cleaned = unicodedata.normalize("NFC", to_arabic_digits(str(text))).replace("\u00a0", " ").strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    if not cleaned:
        raise ThaiDateError("no date given")
    match = (
        _WORD_DATE.match(cleaned)
        or _ENGLISH_US_DATE.match(cleaned)
        or _NUMERIC_DATE.match(cleaned)
        or _ISO_DATE.match(cleaned)
    )
    if not match:
        raise ThaiDateError(f"not a date: {text!r}")
    month_text = match.group("month")
    if month_text.isdigit():
        month = int(month_text)
    else:
        month = MONTHS.get(month_text) or MONTHS.get(month_text.lower())
        if month is None:
            raise ThaiDateError(f"unknown month {month_text!r} in {text!r}")
    year = int(match.group("year"))
    # An era the text names wins over the >= 2400 guess: 'พ.ศ. 2100' is 1557 CE, never 2100.
    groups = match.groupdict()
    year = year - BE_OFFSET if groups.get("be") else year if groups.get("ce") else ce_year(year)
    if min_year is not None and year < min_year or max_year is not None and year > max_year:
        raise ThaiDateError(
            f"implausible year in {text!r}: {year} CE / {year + BE_OFFSET} BE "
            f"(expected {min_year}–{max_year} CE)"
        )
    try:
        return datetime.date(year, month, int(match.group("day")))
    except ValueError as exc:
        raise ThaiDateError(f"no such day: {text!r} ({exc})") from None


MAX_DATETIME_LENGTH = 100


def parse_datetime(text):
    """'29/09/2564 14:30' or '29 ก.ย. 2564 14:30' -> naive datetime (caller makes it aware)."""
    cleaned = to_arabic_digits(str(text or "")).strip()
    if len(cleaned) > MAX_DATETIME_LENGTH:
        # The pattern below backtracks quadratically over long runs of spaces (seconds of CPU).
        raise ThaiDateError(f"too long for a date and time: {len(cleaned)} characters")
    match = re.match(r"^(?P<date>.+?)(?:\s+(?:เวลา\s*)?(?P<h>[0-9]{1,2})[:.](?P<m>[0-9]{2})(?:[:.](?P<s>[0-9]{2}))?\s*(?:น\.)?)?$", cleaned)
    if not match:
        raise ThaiDateError(f"not a date and time: {text!r}")
    day = parse_date(match.group("date"))
    hour, minute, second = (int(match.group(k) or 0) for k in ("h", "m", "s"))
    try:
        return datetime.datetime.combine(day, datetime.time(hour, minute, second))
    except ValueError:
        raise ThaiDateError(f"no such time: {text!r}") from None


def format_numeric_date(value):
    """'29/09/2564': the admin's input form, Buddhist era."""
    value = _localdate(value)
    return f"{value.day:02d}/{value.month:02d}/{be_year(value)}"


# Thai letters with their vowel and tone marks (Mn, Mc) stay; everything else that is not
# a letter or digit becomes a hyphen. Django's slugify drops Mn marks and mangles Thai.
# Vowels written after (ะ า ำ ๅ) or before (เ แ โ ใ ไ) the consonant they belong to.
_FOLLOWING_VOWELS = "\u0e30\u0e32\u0e33\u0e45"
_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"
_SLUG_DROP = re.compile(r"[^\w\u0E00-\u0E7F]+", re.UNICODE)


def slugify(text, max_length=80):
    """A readable, URL-safe slug that keeps Thai spelling intact ('ย้ำ' stays 'ย้ำ')."""
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    text = text.replace("_", "-")
    slug = _SLUG_DROP.sub("-", text).strip("-")
    if len(slug) > max_length:
        end = max_length
        # Never separate a letter from the vowel or tone marks that follow it.
        while end > 0 and (unicodedata.category(slug[end]) in ("Mn", "Mc") or slug[end] in _FOLLOWING_VOWELS):
            end -= 1
        cut = slug[:end].rstrip(_LEADING_VOWELS)
        # Prefer to cut at a hyphen when one is near the end.
        if "-" in cut[max_length // 2 :]:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug or FALLBACK_SLUG


# Runs of Thai letters (not marks or digits) and of ASCII letters: counted with a regex, as a
# Python loop over every character cost ~1 ms a release in the archive import.
_THAI_LETTERS = re.compile("[" + "".join(chr(c) for c in range(0x0E00, 0x0E80) if chr(c).isalpha()) + "]+")
_LATIN_LETTERS = re.compile("[A-Za-z]+")


def detect_language(*texts):
    """'th' when Thai letters make up a fair share of the letters, else 'en'."""
    thai = latin = 0
    for text in texts:
        thai += sum(map(len, _THAI_LETTERS.findall(text or "")))
        latin += sum(map(len, _LATIN_LETTERS.findall(text or "")))
    return "th" if thai and thai >= latin * 0.2 else "en"
