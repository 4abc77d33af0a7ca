"""The search's sizes and caps, each defined once (read as `limits.X`, so a test can lower one)."""

# Longer queries are cut to this many characters (and terms), never refused; the search box's
# maxlength (releases/filters.py) reads it too.
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 10
# PostgreSQL clamps tsvector positions at 16,383; capping both parts keeps phrase matching
# identical on both databases for very long releases (their tail is not indexed).
MAX_DOCUMENT_WORDS = 8000
MAX_DOCUMENT_SYLLABLES = 8000
# Relevance is ranked among the newest RANK_CANDIDATES + 1 matches and the newest as many title
# hits, so a word found in most releases costs no more than a rare one; the public list counts
# at most RANK_CANDIDATES ("more than 1,000 results"). See docs/search.md, "Bounded ranking".
RANK_CANDIDATES = 1000
# Releases segmented and stored per batch when (re)indexing.
INDEX_BATCH_SIZE = 200
