"""PostgreSQL search: weighted tsvector columns with GIN indexes (kept by a trigger), pg_stats-guided plans, lz4, DDL.

Raw SQL throughout: the vector columns are not model fields (a trigger keeps them, so the model
and admin never load them), and no Django expression can name a column the model lacks.
"""

import time

from django.db import connection, models
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from ...models import NEWEST_FIRST, Release
from .. import limits
from ..documents import SEARCH_FIELDS
from .base import Conditions, SearchBackend, compiled, has_search_columns

# Columns kept by a trigger (not model fields): all words with positions and weights A/B/C;
# title and summary only (small, stored inline: cheap to test row by row); syllable lexemes
# without positions.
VECTOR_COLUMN = "search_vector"
HEAD_VECTOR_COLUMN = "search_head_vector"
SYLLABLE_VECTOR_COLUMN = "search_syllable_vector"
VECTOR_COLUMNS = (VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN)

HEAD_INDEX = "releases_release_search_head_idx"
# Narrow rows: every search reads the date and status of each matching row, so PostgreSQL moves
# long values (body, search copies, the large vectors) out of line once a row passes 128 bytes
# (default ~2 kB); the small title/summary vector stays inline ("main"), as the ranking tests it
# row by row. The table's main part shrank 165 -> 106 MB at 100,000 releases, which is what a
# GIN bitmap visits (docs/performance.md, "Search"). Rows written before take it when next updated.
NARROW_ROWS = [
    "ALTER TABLE releases_release SET (toast_tuple_target = 128)",
    f"ALTER TABLE releases_release ALTER COLUMN {HEAD_VECTOR_COLUMN} SET STORAGE MAIN",
]
# lz4 for the long values (PostgreSQL 14+, when built with it; the default is pglz): it
# decompresses several times faster, and search decompresses the small title/summary vector of
# every candidate and the word and syllable vectors of rows it walks. Measured on 100,000
# releases: p95 of the benchmark queries 54 -> 41-43 ms (docs/performance.md, "Search"); it also
# costs the server less to write (the import). Values written before keep pglz until rewritten.
LZ4_COLUMNS = {
    "releases_release": ("body", "summary", *SEARCH_FIELDS, VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN),
    "releases_historicalrelease": ("body", "summary"),
}


def set_lz4_compression(cursor, method="lz4"):
    """ALTER the long columns to `method` ("lz4", or "pglz" to undo) if this server has lz4."""
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    if not (row and row[0]):
        return False
    for table, columns in LZ4_COLUMNS.items():
        cursor.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns))
    return True


INSTALL = [
    f"""ALTER TABLE releases_release ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector,
      ADD COLUMN IF NOT EXISTS {HEAD_VECTOR_COLUMN} tsvector,
      ADD COLUMN IF NOT EXISTS {SYLLABLE_VECTOR_COLUMN} tsvector""",
    f"""
    CREATE OR REPLACE FUNCTION releases_release_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head tsvector := setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
                       setweight(to_tsvector('simple', coalesce(NEW.search_summary, '')), 'B');
    BEGIN
      NEW.{HEAD_VECTOR_COLUMN} := head;
      NEW.{VECTOR_COLUMN} := head || setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'C');
      NEW.{SYLLABLE_VECTOR_COLUMN} := strip(to_tsvector('simple', coalesce(NEW.search_syllables, '')));
      RETURN NEW;
    END $$
    """,
    "DROP TRIGGER IF EXISTS releases_release_search_vector ON releases_release",
    # Only when the search text changes: a view-count UPDATE must not recompute the vector.
    """
    CREATE TRIGGER releases_release_search_vector
    BEFORE INSERT OR UPDATE OF search_title, search_summary, search_body, search_syllables
    ON releases_release FOR EACH ROW EXECUTE FUNCTION releases_release_search_vector()
    """,
    f"CREATE INDEX IF NOT EXISTS releases_release_search_idx ON releases_release USING GIN ({VECTOR_COLUMN})",
    f"CREATE INDEX IF NOT EXISTS releases_release_syllable_idx ON releases_release USING GIN ({SYLLABLE_VECTOR_COLUMN})",
    # Title hits among many matches (bounded ranking): GIN finds title/summary words, the
    # weight is rechecked on the small inline vector.
    f"CREATE INDEX IF NOT EXISTS {HEAD_INDEX} ON releases_release USING GIN ({HEAD_VECTOR_COLUMN})",
    *NARROW_ROWS,
]


# --- tsquery text ---------------------------------------------------------------------------


def _ts_phrase(tokens, weights=""):
    suffix = f":{weights}" if weights else ""
    return "(" + " <-> ".join(f"'{token}'{suffix}" for token in tokens) + ")"


def tsquery(terms, weights=""):
    """to_tsquery('simple', ...) text: every term as words (a phrase when it has several)."""
    return " & ".join(_ts_phrase(term.words, weights) for term in terms)


def _ts_syllables(term):
    return "(" + " & ".join(f"'{lexeme}'" for lexeme in term.syllables) + ")"



def _pg_column(column):
    return f'"{Release._meta.db_table}"."{column}"'


def _pg_matches(terms):
    """Each term as words OR as syllables, written as one exact GIN lookup per term.

    A Thai term's words, adjacent in a document, always leave all its syllable pairs in the
    syllable field (syllable_lexemes), so "words OR syllables" is "syllables": the word phrase,
    whose position check re-reads every candidate's large word vector, is left out. (Only the
    tail of a release longer than MAX_DOCUMENT_SYLLABLES is in the word field alone.) A quoted
    Latin phrase is found by its adjacent word pairs the same way: exact for two words; for
    more, `_pg_phrases` then checks the order on the few rows kept.
    No weights here: weights (like phrases) make PostgreSQL re-read every candidate row."""
    sql, params = [], []
    for term in terms:
        words = f"{_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s)"
        if term.syllables:
            sql.append(f"{_pg_column(SYLLABLE_VECTOR_COLUMN)} @@ to_tsquery('simple', %s)")
            params.append(_ts_syllables(term))
        else:
            sql.append(words)
            params.append(tsquery([term]))
    return RawSQL(" AND ".join(sql), params, output_field=models.BooleanField())


def _pg_phrases(terms):
    """Latin phrases of three words or more, as word phrases (pairs alone would also accept
    'trade and tourism and investment' for "trade and investment"); None when there are none."""
    long_phrases = [term for term in terms if not term.compound and len(term.words) > 2]
    if not long_phrases:
        return None
    # The function form of @@, which no index serves: PostgreSQL must test the kept rows, not
    # collect every phrase match with the GIN index (it underestimates phrase matches).
    return RawSQL(
        f"ts_match_vq({_pg_column(VECTOR_COLUMN)}, to_tsquery('simple', %s))", (tsquery(long_phrases),),
        output_field=models.BooleanField(),
    )


def _pg_head_matches(terms, weights):
    # The head vector is small and inline: testing it row by row is cheap.
    return RawSQL(
        f"{_pg_column(HEAD_VECTOR_COLUMN)} @@ to_tsquery('simple', %s)", (tsquery(terms, weights),),
        output_field=models.BooleanField(),
    )



# --- statistics: how common a term is, and where the newest matches start --------------------

# Above this estimated share of releases matching, the newest matches are found by walking the
# newest-first index (few rows read per hit); below it, by a GIN bitmap limited to recent dates
# (_pg_recent_cutoff) that reads only the hits. Each row the walk reads costs its syllable vector
# fetched from TOAST and decompressed (~7 us with lz4), which the planner does not price.
# Measured on 100,000 generated releases (docs/performance.md, "Search"): a surname in 11 % of
# releases 42-59 ms walked, 27-36 ms by the bitmap; words in 77 % (ต่างประเทศ) 38-41 ms walked,
# 47-61 ms by the bitmap. (0.1 before the candidates were passed as an array: the bitmap's
# candidates were then joined to a scan of the whole table.)
WALK_SHARE = 0.3
LEXEME_STATS_SECONDS = 3600
_lexeme_stats = {"at": None, "shares": {}, "rows": 0, "dates": []}
# A bitmap collects the newest matches after a release date chosen so that about this many times
# RANK_CANDIDATES matches are expected after it (see _pg_recent_cutoff).
CUTOFF_MARGIN = 2.0


def _pg_statistics():
    """pg_stats (kept by ANALYZE), re-read at most hourly per process: "shares": {(column,
    lexeme): share of releases} for the most common lexemes of the three vectors; "rows": the
    table's estimated row count; "dates": the release dates that cut it into equal parts."""
    now = time.monotonic()
    if _lexeme_stats["at"] is None or now - _lexeme_stats["at"] > LEXEME_STATS_SECONDS:
        table = Release._meta.db_table
        vectors = (VECTOR_COLUMN, HEAD_VECTOR_COLUMN, SYLLABLE_VECTOR_COLUMN)
        shares, rows, dates = {}, 0, []
        with connection.cursor() as cursor:
            # One query (the list's query budget): the vectors' common lexemes, the histogram of
            # release dates, and the table's estimated size on every row.
            cursor.execute(
                "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs, "
                "CASE WHEN attname = 'release_date' THEN histogram_bounds::text::date[] END, "
                "(SELECT reltuples FROM pg_class WHERE relname = %s) FROM pg_stats "
                "WHERE tablename = %s AND attname IN (%s, %s, %s, 'release_date')",
                (table, table, *vectors),
            )
            for column, lexemes, frequencies, bounds, reltuples in cursor.fetchall():
                rows = max(reltuples or 0, 0)
                if column == "release_date":
                    dates = bounds or []
                else:
                    shares.update(((column, lexeme), share) for lexeme, share in zip(lexemes or (), frequencies or ()))
        _lexeme_stats.update(shares=shares, rows=rows, dates=dates)
        _lexeme_stats["at"] = now
    return _lexeme_stats


def _pg_recent_cutoff(share):
    """A release date after which the newest RANK_CANDIDATES + 1 hits of a term found in
    `share` of releases are likely all to lie (CUTOFF_MARGIN times as many expected), from the
    histogram of release dates; None when that would be most of the table or is unknown.

    Only a speed-up: SearchBackend.candidates still looks before the date when too few hits lie after it."""
    statistics = _pg_statistics()
    rows, dates = statistics["rows"], statistics["dates"]
    if share <= 0 or rows <= 0 or len(dates) < 2:
        return None
    newer = CUTOFF_MARGIN * (limits.RANK_CANDIDATES + 1) / share / rows
    if newer >= 0.5:
        return None
    return dates[int((1 - newer) * (len(dates) - 1))]


def _pg_share(terms, head=False):
    """Estimated share of releases matching all terms (0 for a lexeme too rare to be listed);
    head=True: with all terms in the title or summary."""
    shares = _pg_statistics()["shares"]

    def share(column, lexemes):
        return min((shares.get((column, lexeme), 0.0) for lexeme in lexemes), default=0.0)

    if head:
        return min(share(HEAD_VECTOR_COLUMN, term.words) for term in terms)
    return min(
        max(share(VECTOR_COLUMN, term.words), share(SYLLABLE_VECTOR_COLUMN, term.syllables) if term.syllables else 0.0)
        for term in terms
    )



# --- the backend ----------------------------------------------------------------------------


class PostgreSQLBackend(SearchBackend):
    vendor = "postgresql"
    # The UPDATE of a batch costs the server ~1.3 ms a release (the trigger builds three
    # tsvectors, then their GIN entries): done by the worker, the importing process goes on
    # writing instead of waiting for it. (Not SQLite, which has one writer at a time.)
    workers_store = True

    def conditions(self, terms, bounded):
        matches, title, head = _pg_matches(terms), _pg_head_matches(terms, "A"), _pg_head_matches(terms, "")
        share, head_share = _pg_share(terms), _pg_share(terms, head=True)
        cutoff = _pg_recent_cutoff(share) if bounded and share < WALK_SHARE else None
        if bounded and cutoff is not None and all(len(term.words) == 1 for term in terms):
            # The candidates after the recent cutoff (usually all of them): one GIN lookup
            # limited to those dates, hashed, instead of reading each row's large out-of-line
            # word vector (~25 us a row); older candidates, if any, row by row. Single words
            # only: a phrase's word order would be re-read for every recent row with its words.
            words = RawSQL(
                f"CASE WHEN {_pg_column('release_date')} >= %s THEN {_pg_column('id')} IN "
                f"(SELECT recent.id FROM {Release._meta.db_table} recent WHERE recent.{VECTOR_COLUMN} "
                "@@ to_tsquery('simple', %s) AND recent.release_date >= %s) "
                f"ELSE {_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s) END",
                (cutoff, tsquery(terms), cutoff, tsquery(terms)),
                output_field=models.BooleanField(),
            )
        elif bounded:
            # At most 2 x RANK_CANDIDATES rows: testing each one's word vector is cheaper than
            # collecting every whole-word match of a common word.
            words = RawSQL(
                f"{_pg_column(VECTOR_COLUMN)} @@ to_tsquery('simple', %s)", (tsquery(terms),),
                output_field=models.BooleanField(),
            )
        else:
            # "Any whole word" is one GIN lookup, hashed once per query, rather than a test of
            # each row's large (out-of-line) word vector.
            words = Q(pk__in=RawSQL(
                f'SELECT "id" FROM "{Release._meta.db_table}" WHERE {_pg_column(VECTOR_COLUMN)} '
                "@@ to_tsquery('simple', %s)",
                (tsquery(terms),),
            ))
        # SearchRank over the head vector, weights A (title) and B (summary, officials).
        rank = RawSQL(
            f"ts_rank({_pg_column(HEAD_VECTOR_COLUMN)}, to_tsquery('simple', %s))",
            (" | ".join(_ts_phrase(term.words) for term in terms),),
            output_field=FloatField(),
        )
        return Conditions(
            matches=matches, title=title, head=head, words=words, rank=rank, phrases=_pg_phrases(terms),
            parts=[(matches, share >= WALK_SHARE, share), (title, head_share >= WALK_SHARE, head_share)],
        )

    def recent_cutoff(self, share):
        return _pg_recent_cutoff(share)

    def filter_candidates(self, queryset, candidates):
        # An array, not IN (…): the planner cannot know how many candidates the fallback
        # branches add, and with a high guess it joined them to a scan of the whole table
        # (43 ms at 100,000 releases); `id = ANY(array)` is always one index lookup each.
        return queryset.filter(
            RawSQL(f"{_pg_column('id')} = ANY(ARRAY({candidates.sql}))", candidates.params, output_field=models.BooleanField())
        )

    def unindexed_order(self):
        # `release_date + 0` matches no index, so the planner collects hits by GIN bitmaps.
        return (RawSQL(f"{_pg_column('release_date')} + 0", ()).desc(), *NEWEST_FIRST[1:])

    def part_sql(self, part, wanted, cutoff):
        if cutoff is None:
            return compiled(part[:wanted])
        # Newest first: all hits after the cutoff (a BitmapAnd with the date index reads only
        # those rows), then, only if they are too few, the newest older ones (LIMIT 0 does not
        # run its query).
        recent_sql, recent_params = compiled(part.filter(release_date__gte=cutoff)[:wanted])
        older_sql, older_params = compiled(part.filter(release_date__lt=cutoff))
        sql = (
            f"WITH recent AS MATERIALIZED ({recent_sql}) SELECT * FROM recent UNION ALL "
            f"({older_sql} LIMIT GREATEST(0, {wanted} - (SELECT count(*) FROM recent)))"
        )
        return sql, (*recent_params, *older_params)

    def install_index(self, conn):
        with conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)
            set_lz4_compression(cursor)  # also for vector columns added again (ensure_index)

    def ensure_index(self, conn):
        # PostgreSQL keeps triggers through ALTER TABLE; only a missing column needs the install.
        if has_search_columns(conn) and not has_search_columns(conn, VECTOR_COLUMNS):
            self.install_index(conn)

    def compact(self, conn):
        # VACUUM FULL takes an exclusive lock while it runs; fresh statistics, which search plans by.
        with conn.cursor() as cursor:
            cursor.execute(f"VACUUM FULL {Release._meta.db_table}")
            cursor.execute(f"ANALYZE {Release._meta.db_table}")
