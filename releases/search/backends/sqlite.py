"""SQLite search: an external-content FTS5 table over the search fields, kept by triggers; MATCH queries."""

from django.db.models import FloatField, Q, Value
from django.db.models.expressions import RawSQL

from ..documents import SEARCH_FIELDS
from .base import Conditions, SearchBackend, has_search_columns

FTS_TABLE = "releases_release_search"
WORD_COLUMNS = "{search_title search_summary search_body}"
HEAD_COLUMNS = "{search_title search_summary}"
TITLE_COLUMNS = "{search_title}"

_COLS = ", ".join(SEARCH_FIELDS)
_NEW = ", ".join(f"new.{c}" for c in SEARCH_FIELDS)
_OLD = ", ".join(f"old.{c}" for c in SEARCH_FIELDS)
TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {_COLS} ON releases_release BEGIN
      INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
      INSERT INTO {FTS_TABLE}(rowid, {_COLS}) VALUES (new.id, {_NEW}); END""",
]
INSTALL = [
    # External content: FTS5 reads the text from releases_release itself (no second copy).
    # The tokenizer keeps Thai vowel and tone marks (Mn, Mc) inside words; remove_diacritics 0
    # because PostgreSQL's 'simple' configuration keeps them too.
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLS},
      content='releases_release', content_rowid='id',
      tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'")""",
    *TRIGGERS,
]


def _fts_phrase(tokens):
    return '"' + " ".join(tokens) + '"'


def fts_match(terms, columns=WORD_COLUMNS, inside=False):
    """FTS5 query: every term as words in `columns` or, with inside=True, as syllables (all of
    the term's syllable pairs)."""
    parts = []
    for term in terms:
        words = f"{columns} : {_fts_phrase(term.words)}"
        # (A Latin phrase needs no pairs here: FTS5 checks word positions cheaply.)
        if inside and term.compound and term.syllables:
            pairs = " AND ".join(_fts_phrase([lexeme]) for lexeme in term.syllables)
            words = f"({words} OR {{search_syllables}} : ({pairs}))"
        parts.append(words)
    return " AND ".join(parts)


def _fts_ids(match):
    # Raw SQL: FTS5's MATCH on its own table has no Django lookup.
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,)))


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def conditions(self, terms, bounded):
        matches = _fts_ids(fts_match(terms, inside=True))
        title = _fts_ids(fts_match(terms, TITLE_COLUMNS))
        return Conditions(
            matches=matches,
            title=title,
            head=_fts_ids(fts_match(terms, HEAD_COLUMNS)),
            words=_fts_ids(fts_match(terms)),
            # No bm25() here: as a per-row correlated lookup it re-ran the match for every hit
            # (1.5 s for 7,700 hits of 10,000 releases); the tiers carry the column weights and
            # ties go newest first.
            rank=Value(0.0, output_field=FloatField()),
            phrases=None,  # FTS5 matches phrases exactly
            parts=[(matches, True, 0.0), (title, True, 0.0)],
        )

    def install_index(self, conn):
        with conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)

    def ensure_index(self, conn):
        """Table rebuilds in later migrations drop triggers: reinstall them, and resync the index."""
        if not has_search_columns(conn):
            return
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", (f"{FTS_TABLE}_%",))
            missing = cursor.fetchone()[0] < len(TRIGGERS)
        self.install_index(conn)
        if missing:
            self.rebuild_index(conn)

    def rebuild_index(self, conn):
        with conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    def compact(self, conn):
        with conn.cursor() as cursor:
            cursor.execute("VACUUM")
