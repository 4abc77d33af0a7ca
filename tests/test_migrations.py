"""Migrations: an empty database migrates to the latest state on this engine, and the models need no new migration."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from releases import search
from releases.models import Release
from tests.factories import ReleaseFactory


def search_schema():
    """The database objects the search index consists of, by name."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'releases_release_search%' ORDER BY name")
            return cursor.fetchall()
        cursor.execute(
            "SELECT 'index', indexname FROM pg_indexes WHERE tablename = 'releases_release' AND indexdef LIKE '%gin%' "
            "UNION ALL SELECT 'trigger', tgname FROM pg_trigger WHERE tgrelid = to_regclass('releases_release') AND NOT tgisinternal "
            "UNION ALL SELECT 'column', attname FROM pg_attribute WHERE attrelid = to_regclass('releases_release') "
            "AND atttypid = 'tsvector'::regtype AND NOT attisdropped ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_migrates_to_the_latest_state_and_back():
    """Every releases migration backwards to none, then forwards again: the search index ends as
    the test database's (itself made by the migrations), and search works."""
    expected = search_schema()
    assert expected  # the FTS5 table and triggers, or the vectors, trigger and GIN indexes
    call_command("migrate", "releases", "zero", verbosity=0, stdout=io.StringIO())
    assert search_schema() == []
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    assert search_schema() == expected
    release = ReleaseFactory(title="ข่าวทุเรียนส่งออก")
    assert list(search.search_releases(Release.objects.all(), "ทุเรียน")) == [release]


def test_the_models_need_no_new_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
