"""Normalisation: one spelling for indexing and querying, and the fast path beside pythainlp."""

import pytest

from releases.search import normalization

from .corpus import CORPUS

pytestmark = pytest.mark.django_db


def test_normalize_folds_digits_case_and_keeps_sara_am():
    assert normalization.normalize("โควิด-๑๙ COVID") == "โควิด-19 covid"
    # NFKC would split ำ into ํ + า; NFC keeps it.
    assert normalization.normalize("น้ำ") == "น้ำ"
    assert normalization.normalize("เเปลก") == "แปลก"


def test_thai_cleanup_is_exactly_pythainlps_normalize():
    # The fast path must never change what pythainlp's normalize() gives: random strings made
    # of the characters its rules are about (marks, vowels, spaces, zero-width), and real text.
    import random

    from pythainlp.util import normalize as thai_normalize

    alphabet = "กขคนมยรลวสอหเแโใไะาำๅัิีึืุูํ็่้๊๋์ฺ๎ ฤฦ \n\t\u00a0\u200b\u200cab1"
    rng = random.Random(2564)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(30000)]
    texts += [body for _, body, _, _ in CORPUS.values()] + ["เเปลก", "นานาาา", "ก  ่", " ่ก", "ก่่่"]
    mismatches = [t for t in texts if normalization.thai_cleanup(t) != thai_normalize(t)]
    assert mismatches == []
    # and the fast path is taken for ordinary text
    assert not normalization._NEEDS_THAI_CLEANUP.search(CORPUS["ministry"][1])
