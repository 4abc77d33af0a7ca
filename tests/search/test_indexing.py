"""Indexing: the rebuild command, compaction, the post_migrate check, forked workers' connections."""

import io
from importlib import import_module

import pytest
from django.core.management import call_command

from releases import search
from releases.models import Release
from releases.search.backends import sqlite
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def test_rebuild_search_index_command(db):
    releases = [ReleaseFactory(title=f"ข่าวเงาะฉบับที่ {n}") for n in range(5)]
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")
    assert not search.search_releases(Release.objects.all(), "เงาะ").exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", "--batch-size", "2", "--workers", "2", stdout=out, stderr=err)
    assert set(search.search_releases(Release.objects.all(), "เงาะ")) == set(releases)
    assert "rebuilt for 5 releases" in out.getvalue()
    assert err.getvalue().split() == ["2/5", "4/5", "5/5"]  # not a terminal: plain progress lines


@pytest.mark.django_db(transaction=True)
def test_rebuild_search_index_can_compact_the_table_after():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    releases = [ReleaseFactory(title=f"ข่าวทุเรียนฉบับที่ {n}") for n in range(3)]
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")

    def table_file():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT relfilenode FROM pg_class WHERE relname = 'releases_release'")
            return cursor.fetchone()[0]

    before = table_file()
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("rebuild_search_index", "--workers", "1", "--vacuum", stdout=out, stderr=io.StringIO())
    statements = [q["sql"] for q in queries if q["sql"].split()[0] in ("VACUUM", "ANALYZE")]
    if connection.vendor == "postgresql":
        assert statements == ["VACUUM FULL releases_release", "ANALYZE releases_release"]
        assert table_file() != before  # rewritten into a new, compact file
    else:
        assert statements == ["VACUUM"]
    assert "compacted" in out.getvalue()
    assert set(search.search_releases(Release.objects.all(), "ทุเรียน")) == set(releases)


def test_rebuild_in_one_process_gives_the_same_fields(db):
    release = ReleaseFactory(title="ข่าวกล้วยไม้ส่งออก", body="กระทรวงการต่างประเทศ ๒๕๖๔")
    before = Release.objects.values_list(*search.SEARCH_FIELDS).get(pk=release.pk)
    Release.objects.update(search_title="", search_summary="", search_body="", search_syllables="")
    call_command("rebuild_search_index", "--workers", "1", stdout=io.StringIO(), stderr=io.StringIO())
    assert Release.objects.values_list(*search.SEARCH_FIELDS).get(pk=release.pk) == before


def test_ensure_index_reinstalls_and_resyncs(db):
    """A later SQLite table rebuild drops triggers (on PostgreSQL: a lost column); the
    post_migrate check puts them back and resynchronises the index."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {sqlite.FTS_TABLE}_ai")
        release = ReleaseFactory(title="ข่าวสับปะรด")
        assert not search.search_releases(Release.objects.all(), "สับปะรด").exists()
        search.ensure_index(connection)
    else:
        # What reversing migration 0004 leaves: no vector columns, trigger or indexes.
        import_module("releases.migrations.0004_search").uninstall_index(None, SchemaEditor(connection))
        search.ensure_index(connection)
        release = ReleaseFactory(title="ข่าวสับปะรด")
    assert list(search.search_releases(Release.objects.all(), "สับปะรด")) == [release]


@pytest.mark.django_db(transaction=True)
def test_forked_workers_store_over_their_own_connections():
    """On PostgreSQL the workers write the batches they segment, each over a connection of its
    own (indexing._own_connections); the parent's connection must come through unharmed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from releases.search import indexing

    releases = [ReleaseFactory(title=f"ข่าวมังคุดฉบับที่ {n}") for n in range(4)]
    Release.objects.update(**{field: "" for field in search.SEARCH_FIELDS})
    assert indexing.workers_store() == (connection.vendor == "postgresql")
    with CaptureQueriesContext(connection) as queries:
        assert search.reindex_queryset(Release.objects.all(), batch_size=1, workers=2) == 4
    stored_here = [q for q in queries if q["sql"].startswith("UPDATE releases_release SET search_title")]
    assert len(stored_here) == (0 if indexing.workers_store() else 4)
    assert set(search.search_releases(Release.objects.all(), "มังคุด")) == set(releases)


class SchemaEditor:
    """As much of a schema editor as a migration's RunPython function uses here."""

    def __init__(self, connection):
        self.connection = connection
