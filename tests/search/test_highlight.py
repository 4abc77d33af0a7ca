"""Highlighted snippets: matches marked in the original text, safe HTML either way."""

import pytest

from releases import search
from releases.search import segmentation
from tests.factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


# --- highlighted snippets -----------------------------------------------------------------------


def test_highlight_marks_matched_words_in_the_original_text(db):
    release = ReleaseFactory(title="ข่าว", body="ไทยได้รับวัคซีนโควิด-๑๙ แล้ว <b>ทั้งหมด</b>")
    snippet = search.highlight(release, "โควิด-19")
    assert "<mark>โควิด</mark>-<mark>๑๙</mark>" in snippet
    assert "&lt;b&gt;" in snippet


def test_highlight_marks_a_word_found_inside_a_compound(db):
    release = ReleaseFactory(title="ข่าว", body="กระทรวงการต่างประเทศแถลง")
    assert "<mark>กระทรวงการต่างประเทศ</mark>" in search.highlight(release, "ต่างประเทศ")


def test_asean_is_marked_in_the_text_and_a_title_only_match_shows_the_summary(db):
    in_text = ReleaseFactory(title="ข่าว", body="อธิบดีกรมอาเซียนแถลงผลการประชุมอาเซียน")
    snippet = search.highlight(in_text, "อาเซียน")
    assert "<mark>กรมอาเซียน</mark>" in snippet and "<mark>อาเซียน</mark>" in snippet
    title_only = ReleaseFactory(title="การประชุมอาเซียน", body="รัฐมนตรีเดินทางถึงกรุงจาการ์ตา")
    assert search.highlight(title_only, "อาเซียน") == "รัฐมนตรีเดินทางถึงกรุงจาการ์ตา"  # the summary, unmarked


def test_a_page_of_snippets_asks_for_the_dictionary_once(db, monkeypatch):
    releases = [ReleaseFactory(title="ข่าว", body=f"การค้าระหว่างประเทศ ฉบับที่ {n}") for n in range(5)]
    asked = []
    original = search.dictionary.trie
    monkeypatch.setattr(search.dictionary, "trie", lambda *a, **k: asked.append(1) or original(*a, **k))
    from releases.search.highlight import with_highlights

    with_highlights(releases[:1], "การค้า")
    one = len(asked)
    with_highlights(releases, "การค้า")
    assert len(asked) == 2 * one  # the same for five snippets as for one (the query's parsing asks too)
    assert all("<mark>" in release.search_headline for release in releases)


def test_a_paragraph_naming_an_official_is_segmented_phrase_by_phrase(db, monkeypatch):
    # pythainlp's Python newmm (needed where a name is) sees only the phrase holding the name,
    # not the whole paragraph; the snippet keeps the paragraph's spaces and marks the match.
    OfficialFactory(name_th="ธีรพงศ์ ศรีสุข")
    release = ReleaseFactory(title="ข่าว", body="นายธีรพงศ์ แถลงข่าว ความร่วมมือด้านการค้าระหว่างประเทศ")
    seen = []
    original = segmentation.word_tokenize
    monkeypatch.setattr(segmentation, "word_tokenize", lambda text, **kw: seen.append(text) or original(text, **kw))
    snippet = search.highlight(release, "การค้า")
    assert "<mark>การค้า</mark>" in snippet and "นายธีรพงศ์ แถลงข่าว ความร่วมมือด้าน" in snippet
    assert seen == ["นายธีรพงศ์"]


def test_highlight_without_a_match_falls_back_to_the_summary(db):
    release = ReleaseFactory(title="ข่าว", body="ย่อหน้าแรก")
    assert search.highlight(release, "ทุเรียน") == "ย่อหน้าแรก"
    assert search.highlight(release, "") == "ย่อหน้าแรก"


def test_highlight_fallback_is_escaped_once(db):
    """Safe HTML either way, so the template does not escape it a second time."""
    from django.template import Context, Template

    release = ReleaseFactory(title="ข่าว", body="ราคา <5 บาท & ฟรี")
    rendered = Template("{{ snippet }}").render(Context({"snippet": search.highlight(release, "ทุเรียน")}))
    assert rendered == "ราคา &lt;5 บาท &amp; ฟรี"
