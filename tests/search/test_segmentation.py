"""Segmentation: nlpo3 and pythainlp agree, words and syllables, domain terms."""

import pytest
from pythainlp.corpus import thai_words

from releases import search
from releases.models import Release
from releases.search import segmentation
from releases.search.vocabulary import DOMAIN_TERMS, NameTrie
from tests.factories import ReleaseFactory

from .corpus import CORPUS

pytestmark = pytest.mark.django_db


def test_syllable_lexemes_hold_syllables_and_adjacent_pairs():
    assert segmentation.syllable_lexemes(["ต่างประเทศ"]) == ["ต่าง", "ประ", "เทศ", "ต่างประ", "ประเทศ"]
    assert segmentation.syllable_lexemes(["ต่างประเทศ"], document=False) == ["ต่างประ", "ประเทศ"]
    assert segmentation.syllable_lexemes(["ยา"], document=False) == ["ยา"]
    assert search.parse_query("blinken")[0].syllables == ()


def test_segment_uses_nlpo3_where_no_name_occurs_and_agrees_with_pythainlp(monkeypatch):
    from pythainlp.util import Trie

    base = frozenset(thai_words()) | DOMAIN_TERMS
    trie = NameTrie(base, frozenset({"สมปอง"}))
    calls = []
    real = segmentation.nlpo3_segment
    monkeypatch.setattr(segmentation, "nlpo3_segment", lambda text, **kw: calls.append(text) or real(text, **kw))
    texts = [text for title, body, _, _ in CORPUS.values() for text in (title, body)]
    python_only = Trie(base | {"สมปอง"})  # a plain Trie: pythainlp's Python newmm only
    for text in texts:
        assert search.tokenize(text, trie) == search.tokenize(text, python_only)
    assert len(calls) >= len(texts) - 2  # every Thai stretch (two texts are English)
    # A stretch holding an official's name is segmented by pythainlp with the name in the dictionary.
    calls.clear()
    assert segmentation.segment("นายสมปองแถลงข่าว", trie) == ["นาย", "สมปอง", "แถลงข่าว"]
    assert calls == []


def test_segment_stays_in_python_when_nlpo3_cannot_load_its_dictionary(monkeypatch):
    import nlpo3

    monkeypatch.setattr(nlpo3, "load_dict", lambda path, name: ("disk full", False))
    trie = NameTrie(frozenset(thai_words()) | {"คำทดสอบพิเศษ"}, frozenset())
    assert trie.nlpo3_dictionary is None
    assert segmentation.segment("คำทดสอบพิเศษกระทรวงการต่างประเทศ", trie) == ["คำทดสอบพิเศษ", "กระทรวงการต่างประเทศ"]


def test_tokenize_drops_punctuation_and_splits_hyphenated_words():
    assert search.tokenize("โควิด-๑๙ (Pfizer)!") == ["โควิด", "19", "pfizer"]


def test_domain_terms_stay_whole():
    assert "ซิโนแวค" in search.tokenize("วัคซีนซิโนแวค")


def test_quoted_latin_phrases_match_as_phrases_through_word_pairs():
    exact = ReleaseFactory(title="Trade and investment talks", summary="Talks.", body="Officials met.", language="en")
    scattered = ReleaseFactory(title="Tourism", summary="Notes.", body="Trade and tourism and investment grew.", language="en")
    reversed_ = ReleaseFactory(title="Notes", summary="Notes.", body="Investment and trade grew.", language="en")
    assert f"trade{segmentation.PAIR_JOINER}and" in exact.search_syllables.split()

    def hits(query, bounded=True):
        return set(search.search_releases(Release.objects.published(), query, bounded=bounded).values_list("pk", flat=True))

    for bounded in (True, False):
        assert hits('"trade and investment"', bounded) == {exact.pk}
        assert hits('"and investment"', bounded) == {exact.pk, scattered.pk}
        assert hits('"investment and trade"', bounded) == {reversed_.pk}
