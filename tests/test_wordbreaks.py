"""releases/wordbreaks.py: <wbr> between Thai words, escaped first, never inside a word, a tag or an address."""

import json
import re

import pytest
from django.template import Context, Template
from django.urls import reverse, reverse_lazy
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

from releases import wordbreaks
from releases.search.segmentation import segment
from releases.search.vocabulary import dictionary
from tests.factories import ReleaseFactory

LONG_THAI = "กระทรวงการต่างประเทศแถลงข่าวรายละเอียดความร่วมมือระหว่างประเทศ"


def plain(html):
    """The text a reader copies: without the breaks and the word spans."""
    return re.sub(r'<wbr>|<span class="thw">|</span>', "", str(html))


def pieces(html):
    """What lies between two <wbr>, word spans removed."""
    return [plain(piece) for piece in str(html).split("<wbr>")]


@pytest.fixture(autouse=True)
def _fresh_caches():
    wordbreaks._text.cache_clear()
    wordbreaks._html.cache_clear()
    wordbreaks._words.cache_clear()
    yield


def test_breaks_fall_exactly_between_the_segmenters_words(db):
    """Every piece between two <wbr> is one or more whole words: never a break inside a word."""
    result = wordbreaks.thai_breaks(LONG_THAI)
    assert isinstance(result, SafeData)
    words = segment(LONG_THAI, dictionary.trie())
    assert pieces(result) == words
    assert str(result).count('<span class="thw">') == len(words)
    assert result.count("<wbr>") >= 3


def test_plain_text_is_unchanged_once_the_breaks_are_taken_out(db):
    """<wbr> adds no character: copy-paste and search see the same text."""
    text = "วันที่ ๒๙ กันยายน ๒๕๖๔ นายดอน ปรมัตถ์วินัย รองนายกรัฐมนตรี COVID-19 ระบาด 1,000.50 บาท"
    assert plain(wordbreaks.thai_breaks(text)) == text


def test_latin_text_and_digits_get_no_breaks(db):
    assert wordbreaks.thai_breaks("Minister meets ASEAN partners 2021-09-29") == "Minister meets ASEAN partners 2021-09-29"
    assert "<wbr>" not in wordbreaks.thai_breaks("๒๕๖๔")


def test_mixed_thai_and_english_breaks_only_inside_thai_runs(db):
    result = str(wordbreaks.thai_breaks("การประชุมASEANรัฐมนตรีต่างประเทศ"))
    assert "ASEAN" in result and "A<wbr>" not in result and "<wbr>N" not in result
    assert "<wbr>" in result


def test_script_is_escaped_before_breaks_are_inserted(db):
    """Escape first, then insert: no markup from the text survives, and no break lands in an entity."""
    text = '<script>alert("ข่าวสารล่าสุด")</script><img src=x onerror=alert(1)>ข่าว&amp;ข้อมูล'
    result = str(wordbreaks.thai_breaks(text))
    assert "<script" not in result and "<img" not in result
    assert plain(result) == escape(text)
    assert not re.search(r"&[a-z#0-9]*<wbr>", result)


@pytest.mark.parametrize(
    "address",
    ["https://www.mfa.go.th/th/ข่าวสารล่าสุด", "www.mfa.go.th/ข่าวสารล่าสุด", "ข่าวสารล่าสุด@mfa.go.th", "mfa.go.th/ข่าวสารล่าสุด"],
)
def test_addresses_are_never_cut(db, address):
    result = str(wordbreaks.thai_breaks(f"ความร่วมมือระหว่างประเทศ {address} ความร่วมมือระหว่างประเทศ"))
    assert address in result
    assert result.count("<wbr>") >= 2


def test_safe_html_keeps_its_tags_and_breaks_only_its_text(db):
    html = mark_safe('<p>ความร่วมมือระหว่างประเทศ <a href="https://x.go.th/ข่าวสารล่าสุด" title="ข่าวสารล่าสุด">ข่าวสารล่าสุด</a></p>')
    result = str(wordbreaks.thai_breaks(html))
    assert plain(result) == plain(html)
    assert 'href="https://x.go.th/ข่าวสารล่าสุด" title="ข่าวสารล่าสุด"' in result
    assert '><span class="thw">ข่าวสาร</span><wbr><span class="thw">ล่าสุด</span></a>' in result


def test_a_word_cut_by_a_highlight_is_still_one_word(db):
    """A search highlight's <mark> inside a word is not a word boundary."""
    html = mark_safe("กระทรวงการต่าง<mark>ประเทศ</mark>แถลงข่าว")
    result = str(wordbreaks.thai_breaks(html))
    assert plain(result) == html
    assert "ต่าง<wbr>" not in result and "<wbr>ประเทศ" not in result
    assert "<mark>ประเทศ</mark><wbr>แถลง" in result  # a break at the tag, between two words


def test_segmentation_is_cached_per_text(db, monkeypatch):
    """The same text (a release not changed since) is segmented once, not on every request."""
    calls = []
    real = wordbreaks.segment
    monkeypatch.setattr(wordbreaks, "segment", lambda text, trie: calls.append(text) or real(text, trie))
    first = wordbreaks.thai_breaks(LONG_THAI)
    assert wordbreaks.thai_breaks(LONG_THAI) == first
    assert wordbreaks.thai_breaks(LONG_THAI + "ใหม่") != first
    assert calls == [LONG_THAI, LONG_THAI + "ใหม่"]


def test_empty_and_none_are_empty_safe_strings():
    assert wordbreaks.thai_breaks(None) == "" and wordbreaks.thai_breaks("") == ""


def test_template_filter_escapes_plain_text(db):
    rendered = Template("{% load thai %}{{ title|thai_breaks }}").render(Context({"title": "<b>ข่าวสารล่าสุด</b>"}))
    assert rendered == '&lt;b&gt;<span class="thw">ข่าวสาร</span><wbr><span class="thw">ล่าสุด</span>&lt;/b&gt;'


def test_detail_page_breaks_title_and_body_but_not_title_meta_or_json_ld(db, client, django_assert_max_num_queries):
    release = ReleaseFactory(title=LONG_THAI, summary="ความร่วมมือระหว่างประเทศ", body=f"{LONG_THAI}\n\nย่อหน้าที่สอง")
    with django_assert_max_num_queries(30):
        html = client.get(release.get_absolute_url()).content.decode()
    heading = re.search(r'<h1 id="release-title">(.*?)</h1>', html).group(1)
    assert "<wbr>" in heading and plain(heading) == LONG_THAI
    body = re.search(r'<div class="release__body">(.*?)</div>', html, re.S).group(1)
    assert "<wbr>" in body
    head = html.split("</head>")[0]
    assert "<wbr>" not in head and "thw" not in head
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(json_ld)["headline"] == LONG_THAI


def test_list_items_break_title_and_summary(db, client, django_assert_max_num_queries):
    ReleaseFactory(title=LONG_THAI, summary="ความร่วมมือระหว่างประเทศ")
    with django_assert_max_num_queries(30):
        html = client.get(reverse("releases:list")).content.decode()
    assert "ความร่วมมือ ระหว่างประเทศ" not in html and "ความร่วมมือระหว่างประเทศ" in plain(html)
    title = re.search(r'class="release-item__title"><a [^>]*>(.*?)</a>', html).group(1)
    assert "<wbr>" in title and plain(title) == LONG_THAI


@pytest.mark.parametrize("url", [reverse_lazy("releases:feed-rss"), reverse_lazy("releases:feed-atom"), "/api/v1/releases/"])
def test_feeds_and_the_api_carry_plain_text(db, client, url):
    ReleaseFactory(title=LONG_THAI, summary="ความร่วมมือระหว่างประเทศ", body=LONG_THAI)
    response = client.get(url)
    assert response.status_code == 200
    assert LONG_THAI in response.content.decode() and b"wbr" not in response.content and b"thw" not in response.content


def test_a_word_too_long_for_a_narrow_screen_is_left_to_the_browser(db, monkeypatch):
    monkeypatch.setattr(wordbreaks, "_words", lambda run: (run[:30], run[30:]))
    result = str(wordbreaks.thai_breaks("ก" * 40))
    assert result == "ก" * 30 + '<wbr><span class="thw">' + "ก" * 10 + "</span>"
