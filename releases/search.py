"""Search over releases: narrows a queryset by a reader's or editor's query, most relevant first."""

import re

from django.db.models import Case, IntegerField, Q, Value, When

# Longer queries are cut to this many characters rather than refused.
MAX_QUERY_LENGTH = 200

_WORDS = re.compile(r"\w+", re.UNICODE)


def clean_query(query):
    """The query cut to MAX_QUERY_LENGTH; '' when it holds no letter or digit."""
    query = " ".join(str(query or "").split())[:MAX_QUERY_LENGTH]
    return query if _WORDS.search(query) else ""


def search_releases(queryset, query):
    """`queryset` narrowed to releases matching `query`, most relevant first.

    Unchanged for an empty or punctuation-only query. First version: a plain scan.
    """
    query = clean_query(query)
    if not query:
        return queryset
    terms = query.split()
    for term in terms:
        queryset = queryset.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
    title_hit = Q()
    for term in terms:
        title_hit &= Q(title__icontains=term)
    return queryset.annotate(
        search_rank=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-search_rank", "-release_date", "-publish_at", "-pk")


def highlight(release, query):
    """A short plain-text snippet of `release` around the query (placeholder: the summary)."""
    return release.summary
