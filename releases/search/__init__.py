"""Thai-aware search over releases: segmented search documents, query parsing, matching and ranking.

Thai has no spaces between words, so neither database can split it. Each release keeps a
pre-segmented copy of its text (the `search_*` fields, words joined by single spaces); the
database indexes those copies (backends/: PostgreSQL tsvector columns with GIN indexes, SQLite
an FTS5 table), both kept in step by database triggers. Queries are segmented the same way, so
both sides agree on what a word is. docs/search.md describes the modules.

The names below are what the rest of the app uses; everything else is this package's business.
"""

from .documents import SEARCH_FIELDS, build_document, document_for, official_names
from .highlight import highlight, with_highlights
from .indexing import (
    compact_releases,
    deferred_indexing,
    ensure_index,
    rebuild_fts,
    reindex,
    reindex_queryset,
)
from .limits import MAX_QUERY_LENGTH, RANK_CANDIDATES
from .query import clean_query, parse_query
from .ranking import search_releases
from .segmentation import frozen_heap, tokenize, warm_up
from .vocabulary import dictionary

__all__ = [
    "MAX_QUERY_LENGTH", "RANK_CANDIDATES", "SEARCH_FIELDS", "build_document", "clean_query",
    "compact_releases", "deferred_indexing", "dictionary", "document_for", "ensure_index", "frozen_heap",
    "highlight", "official_names", "parse_query", "rebuild_fts", "reindex", "reindex_queryset",
    "search_releases", "tokenize", "warm_up", "with_highlights",
]
