"""The search itself: a queryset narrowed to the releases matching a query, ranked in tiers."""

import logging

from django.db.models import Case, Count, F, IntegerField, Value, When, Window

from ..models import NEWEST_FIRST
from .backends import backend
from .query import parse_query

logger = logging.getLogger(__name__)

# Relevance tiers: every term a whole word in the title; in the title, summary or officials'
# names; anywhere; or only inside a compound word (syllable field).
TIER_TITLE, TIER_HEAD, TIER_WORDS, TIER_SYLLABLES = 4, 3, 2, 1


def search_releases(queryset, query, bounded=True):
    """`queryset` narrowed to releases matching `query`, most relevant first: all terms in the
    title, then in title/summary/officials' names, then anywhere as whole words, then found
    only inside compound words; by rank within a tier, newest first among equals. Unchanged
    for an empty or punctuation-only query.

    bounded (the public list): only the newest RANK_CANDIDATES + 1 matches and the newest as
    many title hits are kept and ranked, so the work is bounded for words found in most
    releases. bounded=False (the admin, which orders by its own columns): every match."""
    try:
        terms = parse_query(query)
    except Exception:  # a segmenter failure must not take the page down
        logger.exception("could not parse search query %r", query)
        return queryset.none()
    if not terms:
        return queryset
    db = backend()
    conditions = db.conditions(terms, bounded)
    if bounded:
        queryset = db.filter_candidates(queryset, db.candidates(queryset, conditions.parts))
        if conditions.phrases is not None:
            # Only on the kept rows: checking word order re-reads each row's large word vector.
            queryset = queryset.filter(conditions.phrases)
        # search_total: the candidates' number on every row, so the list's paginator needs no
        # count query of its own (releases/paginators.py).
        queryset = queryset.annotate(search_total=Window(Count("pk")))
    else:
        queryset = queryset.filter(conditions.matches)
        if conditions.phrases is not None:
            queryset = queryset.filter(conditions.phrases)
    tiers = [When(conditions.title, then=Value(TIER_TITLE)), When(conditions.head, then=Value(TIER_HEAD))]
    if any(term.compound for term in terms):
        tiers.append(When(conditions.words, then=Value(TIER_WORDS)))
        lowest = TIER_SYLLABLES
    else:
        # Latin words, numbers and phrases only: every match is a whole-word match (a phrase's
        # adjacent pairs all found); testing each row's large word vector again would only cost time.
        lowest = TIER_WORDS
    tier = Case(*tiers, default=Value(lowest), output_field=IntegerField())
    return queryset.annotate(search_tier=tier, search_rank=conditions.rank).order_by(
        F("search_tier").desc(), F("search_rank").desc(nulls_last=True), *NEWEST_FIRST
    )
