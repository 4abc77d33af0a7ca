"""Query parsing: empty and punctuation-only queries, over-long queries, the term cap, other filters kept."""

import pytest

from releases import search
from releases.models import Release
from releases.search import limits

from .corpus import found

pytestmark = pytest.mark.django_db


# --- queries that are not really queries ----------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "!!!", "“ ”", "-- ??", None, "ฯ", "๏ ๚"])
def test_empty_or_punctuation_only_query_returns_queryset_unchanged(corpus, query):
    base = Release.objects.published().newest_first()
    assert list(search.search_releases(base, query)) == list(base)


def test_over_long_query_is_cut_not_failed(corpus):
    assert len(search.clean_query("ก" * 10_000)) == limits.MAX_QUERY_LENGTH
    # Cut at a space: the half word at the limit is dropped, the rest still searched.
    assert search.clean_query("วัคซีน " + "ก" * 10_000) == "วัคซีน"
    assert "vaccine" in found("วัคซีน " + "ก" * 10_000, corpus)
    assert "vaccine" in found("วัคซีน " * 500, corpus)
    assert found("ญี่ปุ่น" * 2000, corpus) == []


def test_many_terms_are_capped(corpus):
    terms = search.parse_query(" ".join(f"คำ{n}" for n in range(50)))
    assert len(terms) == limits.MAX_QUERY_TERMS


def test_search_narrows_the_given_queryset(corpus):
    """Other filters (here: language) stay applied; drafts are never returned from published()."""
    queryset = Release.objects.published().filter(language="th")
    assert search.search_releases(queryset, "ministry").count() == 0
    assert search.search_releases(Release.objects.all(), "ร่างข่าว").get() == corpus["draft"]
