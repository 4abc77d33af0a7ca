"""releases/thai.py: Buddhist-era dates, digits, slugs, language detection."""

import datetime
import os
import subprocess
import sys

import pytest
from django.template import Context, Template
from django.utils import translation

from releases import thai

SEP_29 = datetime.date(2021, 9, 29)


@pytest.mark.parametrize(
    "text",
    [
        "29 ก.ย. 2564", "29 ก.ย 2564", "29 กันยายน 2564", "๒๙ ก.ย. ๒๕๖๔", "๒๙ กันยายน ๒๕๖๔",
        "วันที่ 29 กันยายน พ.ศ. 2564", "29 Sep 2021", "29 September 2021", "September 29, 2021",
        "29/09/2564", "29/09/2021", "2021-09-29", "29\u00a0ก.ย.\u00a02564",
    ],
)
def test_parse_date_forms(text):
    assert thai.parse_date(text) == SEP_29


@pytest.mark.parametrize("month", range(1, 13))
def test_every_thai_month_round_trips(month):
    day = datetime.date(2021, month, 10)
    for style in ("short", "long"):
        assert thai.parse_date(thai.format_date(day, style)) == day
        assert thai.parse_date(thai.format_date(day, style, "en")) == day
    assert thai.parse_date(thai.format_date(day, "long", thai_digits=True)) == day


@pytest.mark.parametrize("text", ["31 ก.พ. 2564", "29 ก.พ. 2564", "30 Feb 2021", "abc", "", "29 ก.ย.", "29 xyz 2564"])
def test_impossible_or_unreadable_dates(text):
    with pytest.raises(thai.ThaiDateError):
        thai.parse_date(text)


@pytest.mark.parametrize("text", ["1 ม.ค. พ.ศ. 2100", "1 มกราคม พ.ศ.2021", "1 ม.ค. ค.ศ. 2564"])
def test_a_named_era_is_never_overridden_by_the_year_guess(text):
    # พ.ศ. 2100 is 1557 CE and ค.ศ. 2564 is 2564 CE: out of range, never stored as 2100 or 2021.
    with pytest.raises(thai.ThaiDateError, match="implausible"):
        thai.parse_date(text, min_year=1900, max_year=2200)


def test_named_eras_read_as_named():
    assert thai.parse_date("29 ก.ย. ค.ศ. 2021") == SEP_29
    assert thai.parse_date("29 ก.ย. พ.ศ. 2564") == SEP_29


def test_long_datetime_input_is_refused_at_once():
    # 20,000 spaces took ~9 s of backtracking before the length limit (a 2.5 MB POST: hours).
    with pytest.raises(thai.ThaiDateError, match="too long"):
        thai.parse_datetime("1" + " " * 20_000 + "x")


def test_leap_day_in_leap_year():
    assert thai.parse_date("29 ก.พ. 2563") == datetime.date(2020, 2, 29)


def test_year_window():
    with pytest.raises(thai.ThaiDateError, match="implausible"):
        thai.parse_date("29/09/1478", min_year=1900, max_year=2100)


def test_formats():
    assert thai.format_date(SEP_29) == "29 ก.ย. 2564"
    assert thai.format_date(SEP_29, "long") == "29 กันยายน 2564"
    assert thai.format_date(SEP_29, "long", thai_digits=True) == "๒๙ กันยายน ๒๕๖๔"
    assert thai.format_date(SEP_29, "short", "en") == "29 Sep 2021"
    assert thai.format_date(SEP_29, "long", "en") == "29 September 2021"
    assert thai.format_numeric_date(SEP_29) == "29/09/2564"


def test_aware_datetime_uses_bangkok(settings):
    # 20:00 UTC on the 28th is 03:00 on the 29th in Bangkok.
    moment = datetime.datetime(2021, 9, 28, 20, 0, tzinfo=datetime.timezone.utc)
    assert thai.format_date(moment) == "29 ก.ย. 2564"


def test_digits():
    assert thai.to_arabic_digits("๒๗ กันยายน ๒๕๖๔") == "27 กันยายน 2564"
    assert thai.to_thai_digits("COP26 ปี 2566") == "COP๒๖ ปี ๒๕๖๖"
    assert thai.ce_year(2564) == 2021 and thai.ce_year(2021) == 2021


def test_text_without_thai_digits_passes_through_unchanged():
    assert [thai.has_thai_digits(t) for t in ("ปี ๒๕๖๔", "ปี 2564", "", None)] == [True, False, False, False]
    assert thai.to_arabic_digits("ปี 2564") == "ปี 2564" and thai.to_arabic_digits("") == "" and thai.to_arabic_digits(None) is None


def test_slug_keeps_marks_django_would_drop():
    from django.utils.text import slugify as django_slugify

    assert django_slugify("ย้ำ", allow_unicode=True) != "ย้ำ"  # the trap
    assert thai.slugify("ย้ำ น้ำ") == "ย้ำ-น้ำ"


def test_slug_truncation_never_splits_a_letter_from_its_marks():
    slug = thai.slugify("ก" * 79 + "้ำ" + "ข" * 30, max_length=80)
    assert not slug.endswith("ก้") and slug.endswith("ก")
    assert len(slug) <= 80


def test_detect_language():
    assert thai.detect_language("นายดอนพบหารือกับนาย Anthony Blinken") == "th"
    assert thai.detect_language("Foreign Minister meets Anthony Blinken") == "en"


def test_template_filters():
    template = Template("{% load thai %}{{ d|thai_date }}|{{ d|thai_date_long }}|{{ d|thai_date_long_digits }}|{{ n|thai_digits }}")
    with translation.override("th"):
        assert template.render(Context({"d": SEP_29, "n": 71})) == "29 ก.ย. 2564|29 กันยายน 2564|๒๙ กันยายน ๒๕๖๔|๗๑"
    with translation.override("en"):
        assert template.render(Context({"d": SEP_29, "n": 71})).startswith("29 Sep 2021|29 September 2021|")


def test_pythainlp_works_with_read_only_home_and_offline(tmp_path):
    """Import and tokenise with an unwritable home and no network, as production runs."""
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    env = {**os.environ, "HOME": str(home), "PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1"}
    env.pop("PYTHAINLP_DATA_DIR", None)
    code = (
        "from pythainlp.tokenize import word_tokenize;"
        "import releases.thai as t;"
        "print('|'.join(word_tokenize('กระทรวงการต่างประเทศแถลงข่าว', engine='newmm')));"
        "print(t.format_date(__import__('datetime').date(2021,9,29)))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=os.getcwd())
    assert result.returncode == 0, result.stderr
    assert "กระทรวงการต่างประเทศ|แถลงข่าว" in result.stdout
    assert "29 ก.ย. 2564" in result.stdout
    assert not (home / "pythainlp-data").exists()


def test_be_years_in_a_label():
    assert thai.be_years_in("กันยายน 2021") == "กันยายน 2564"
    assert thai.be_years_in("2020") == "2563"
    # Not a year: longer numbers, and Buddhist-era years already, are left alone.
    assert thai.be_years_in("12021 2564 29") == "12021 2564 29"


def test_page_language_follows_the_active_language():
    with translation.override("en"):
        assert thai.page_language() == "en"
    with translation.override("th"):
        assert thai.page_language() == "th"
    with translation.override(None):
        assert thai.page_language() == "th"
