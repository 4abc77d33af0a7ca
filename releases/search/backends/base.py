"""What every search backend does alike: choosing the candidates worth ranking, storing documents."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from ...models import NEWEST_FIRST, Release
from .. import limits
from ..documents import SEARCH_FIELDS


@dataclass
class Conditions:
    """A parsed query as the backend's conditions on releases (each a Q or boolean expression).

    matches: every term as words or inside compounds; title / head: every term a whole word in
    the title / in title, summary or officials' names; words: every term a whole word anywhere;
    rank: a float within a tier; phrases: an extra word-order check for the kept rows (or None);
    parts: (condition, walk, share) for each kind of candidate (see `candidates`)."""

    matches: object
    title: object
    head: object
    words: object
    rank: object
    phrases: object
    parts: list


class SearchBackend:
    """The database-specific half of search: conditions, candidates, DDL; one instance per vendor."""

    vendor = None
    # Whether forked indexing workers write what they segment over their own connections.
    workers_store = False

    def conditions(self, terms, bounded):
        raise NotImplementedError(f"no full-text search on {connection.vendor}")

    def recent_cutoff(self, share):
        """A release date after which the newest candidates of a term in `share` of releases
        likely lie; None when unknown (only PostgreSQL's statistics tell)."""
        return None

    def filter_candidates(self, queryset, candidates):
        return queryset.filter(pk__in=candidates)

    def candidates(self, queryset, parts):
        """SQL for the ids worth ranking: the newest RANK_CANDIDATES + 1 matches (one more than the
        list counts, so it knows there are more) and the newest as many title hits, within
        `queryset`'s own filters. `parts`: (condition, walk, share); walk=False orders by an
        expression no index serves, so PostgreSQL collects the hits with GIN bitmaps instead of
        walking the newest-first index; with an estimated `share` of releases matching, the bitmap
        is first limited to recent releases (recent_cutoff), older ones read only if needed.

        Raw SQL: Django cannot write a UNION of sliced subqueries as a subquery (each member
        needs its own ORDER BY and LIMIT, which SQLite allows only inside a wrapping SELECT)."""
        sql, params = [], []
        wanted = limits.RANK_CANDIDATES + 1
        for n, (condition, walk, share) in enumerate(parts):
            part = queryset.filter(condition).order_by(*(NEWEST_FIRST if walk else self.unindexed_order())).values("pk")
            cutoff = self.recent_cutoff(share) if not walk else None
            part_sql, part_params = self.part_sql(part, wanted, cutoff)
            # Wrapped: SQLite allows no LIMIT on a bare member of a UNION.
            sql.append(f"SELECT * FROM ({part_sql}) AS candidates{n}")
            params.extend(part_params)
        return RawSQL(" UNION ".join(sql), params)

    def unindexed_order(self):
        return NEWEST_FIRST

    def part_sql(self, part, wanted, cutoff):
        return compiled(part[:wanted])

    # --- writing documents and the index's DDL ---------------------------------------------

    def store_documents(self, documents):
        """One UPDATE ... FROM (VALUES ...) per batch of (pk, document): bulk_update's CASE chains
        are ~10x slower. Raw SQL: Django has no UPDATE ... FROM; both databases accept this one."""
        table = Release._meta.db_table
        row = "(" + ", ".join(["%s"] * (len(SEARCH_FIELDS) + 1)) + ")"
        assignments = ", ".join(f"{field} = v.column{n}" for n, field in enumerate(SEARCH_FIELDS, start=2))
        params = [value for pk, document in documents for value in (pk, *(document[f] for f in SEARCH_FIELDS))]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(documents))}) AS v "
                f"WHERE {table}.id = v.column1",
                params,
            )

    def install_index(self, conn):
        """Create (idempotently) the full-text index and the triggers that keep it current."""

    def ensure_index(self, conn):
        """After migrate: reinstall what a later migration dropped, and resync."""

    def rebuild_index(self, conn):
        """Rebuild the index from the search fields after bulk writes, where the database needs it."""

    def compact(self, conn):
        """Give back the space of old row versions after rewriting every release."""


def compiled(queryset):
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def has_search_columns(conn, names=SEARCH_FIELDS):
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        if "releases_release" not in tables:
            return False
        columns = {c.name for c in conn.introspection.get_table_description(cursor, "releases_release")}
    return set(names) <= columns
