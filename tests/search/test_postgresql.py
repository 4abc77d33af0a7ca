"""The PostgreSQL backend: candidate plans from pg_stats, the candidates array, narrow rows, lz4 (harmless on SQLite)."""

import datetime

import pytest

from releases import search
from releases.models import Release
from releases.search.backends import postgresql
from tests.factories import ReleaseFactory

from .corpus import TODAY, found

pytestmark = pytest.mark.django_db


def test_walk_and_bitmap_candidate_plans_find_the_same(fishery, monkeypatch, cap_candidates):
    """PostgreSQL picks how to collect the newest matches from pg_stats; both ways agree."""
    cap_candidates(1)
    results = []
    for share in (0.0, 2.0):  # always walk the newest-first index; never
        monkeypatch.setattr(postgresql, "WALK_SHARE", share)
        results.append(found("ประมง", fishery))
    assert results == [["title_old", "body_10", "body_20"]] * 2


def test_the_candidates_are_one_array_on_postgresql(fishery, cap_candidates):
    """`id = ANY(ARRAY(...))`: with `IN (...)` the planner guessed many candidates from the
    fallback branches and joined them to a scan of the whole table (43 ms at 100,000 releases)."""
    from django.db import connection

    cap_candidates(1)
    queryset = search.search_releases(Release.objects.published(), "ประมง")
    sql = str(queryset.query)
    assert ("= ANY(ARRAY(" in sql) == (connection.vendor == "postgresql")
    assert found("ประมง", fishery) == ["title_old", "body_10", "body_20"]


def test_release_rows_are_narrow_on_postgresql_and_the_migration_is_harmless_elsewhere():
    from importlib import import_module

    from django.db import connection

    class Editor:  # what the migration would run here
        executed = []

        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            self.executed.append(sql)

    import_module("releases.migrations.0006_search_narrow_rows").narrow_rows(None, Editor())
    if connection.vendor == "postgresql":
        assert Editor.executed == postgresql.NARROW_ROWS
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'releases_release'")
            assert "toast_tuple_target=128" in cursor.fetchone()[0]
            cursor.execute(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'releases_release'::regclass AND attname = %s",
                [postgresql.HEAD_VECTOR_COLUMN],
            )
            assert cursor.fetchone()[0] == "m"
    else:
        assert connection.vendor == "sqlite" and Editor.executed == []


@pytest.mark.parametrize("rank_candidates", [1, 1000])
def test_recent_cutoff_only_speeds_up_candidates_and_tiers(fishery, monkeypatch, rank_candidates, cap_candidates):
    """PostgreSQL first collects hits after a date from pg_stats, older ones only if too few;
    words found after it are tiered by one index lookup. Any cutoff gives the same page."""
    cap_candidates(rank_candidates)
    fishery["inside"] = ReleaseFactory(title="ข่าวกรม", body="กรมประมงแถลงข่าว", release_date=TODAY - datetime.timedelta(days=12))

    def page():
        results = search.search_releases(Release.objects.published(), "ประมง")
        by_pk = {release.pk: key for key, release in fishery.items()}
        return [(by_pk[r.pk], r.search_tier, r.search_total) for r in results]

    monkeypatch.setattr(postgresql, "_pg_recent_cutoff", lambda share: None)
    expected = page()
    assert {key for key, _, _ in expected} >= {"title_old", "body_10"}
    for days in (5, 11, 15, 25, 200):  # none, some or all of the hits after the cutoff
        monkeypatch.setattr(postgresql, "_pg_recent_cutoff", lambda share, days=days: TODAY - datetime.timedelta(days=days))
        assert page() == expected


def test_long_values_are_stored_with_lz4_on_postgresql(db):
    from django.db import connection

    from django.db.migrations.recorder import MigrationRecorder

    release = ReleaseFactory(title="ข่าวการบีบอัด", body="กระทรวงการต่างประเทศแถลงข่าวความร่วมมือ " * 300)
    assert MigrationRecorder(connection).migration_qs.filter(app="releases", name="0007_lz4_compression").exists()
    if connection.vendor != "postgresql":
        return  # a no-op on SQLite, which stores text as it is
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_compression(body), pg_column_compression({postgresql.VECTOR_COLUMN}), "
            f"pg_column_compression({postgresql.SYLLABLE_VECTOR_COLUMN}) FROM releases_release WHERE id = %s",
            (release.pk,),
        )
        assert cursor.fetchone() == ("lz4", "lz4", "lz4")
        cursor.execute("SELECT pg_column_compression(body) FROM releases_historicalrelease WHERE id = %s", (release.pk,))
        assert cursor.fetchone() == ("lz4",)


class FakeCursor:
    def __init__(self, has_lz4):
        self.has_lz4, self.executed = has_lz4, []

    def execute(self, sql, params=None):
        self.executed.append(sql)

    def fetchone(self):
        return (self.has_lz4,)


def test_lz4_is_asked_for_only_where_the_server_has_it():
    without = FakeCursor(False)
    assert postgresql.set_lz4_compression(without) is False and len(without.executed) == 1
    with_lz4 = FakeCursor(True)
    assert postgresql.set_lz4_compression(with_lz4) is True
    altered = with_lz4.executed[1:]
    assert [sql.split()[2] for sql in altered] == ["releases_release", "releases_historicalrelease"]
    for column in ("body", "search_body", postgresql.HEAD_VECTOR_COLUMN, postgresql.SYLLABLE_VECTOR_COLUMN):
        assert f"ALTER COLUMN {column} SET COMPRESSION lz4" in altered[0]
