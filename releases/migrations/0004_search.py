"""Search fields on Release, and the full-text index over them (PostgreSQL tsvector + GIN, SQLite FTS5)."""

from django.db import migrations, models

# The SQL as this migration runs it, frozen here (the search package's DDL may change; a
# migration must not): PostgreSQL tsvector columns, their trigger and GIN indexes, narrow rows
# and lz4 where the server has it; SQLite an FTS5 table and its triggers. All idempotent.
PG_INSTALL = [
    """ALTER TABLE releases_release ADD COLUMN IF NOT EXISTS search_vector tsvector,
      ADD COLUMN IF NOT EXISTS search_head_vector tsvector,
      ADD COLUMN IF NOT EXISTS search_syllable_vector tsvector""",
    """
    CREATE OR REPLACE FUNCTION releases_release_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head tsvector := setweight(to_tsvector('simple', coalesce(NEW.search_title, '')), 'A') ||
                       setweight(to_tsvector('simple', coalesce(NEW.search_summary, '')), 'B');
    BEGIN
      NEW.search_head_vector := head;
      NEW.search_vector := head || setweight(to_tsvector('simple', coalesce(NEW.search_body, '')), 'C');
      NEW.search_syllable_vector := strip(to_tsvector('simple', coalesce(NEW.search_syllables, '')));
      RETURN NEW;
    END $$
    """,
    "DROP TRIGGER IF EXISTS releases_release_search_vector ON releases_release",
    """
    CREATE TRIGGER releases_release_search_vector
    BEFORE INSERT OR UPDATE OF search_title, search_summary, search_body, search_syllables
    ON releases_release FOR EACH ROW EXECUTE FUNCTION releases_release_search_vector()
    """,
    "CREATE INDEX IF NOT EXISTS releases_release_search_idx ON releases_release USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS releases_release_syllable_idx ON releases_release USING GIN (search_syllable_vector)",
    "CREATE INDEX IF NOT EXISTS releases_release_search_head_idx ON releases_release USING GIN (search_head_vector)",
    "ALTER TABLE releases_release SET (toast_tuple_target = 128)",
    "ALTER TABLE releases_release ALTER COLUMN search_head_vector SET STORAGE MAIN",
]
# Where the server has lz4 (as set_lz4_compression in 0007).
PG_HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
PG_LZ4 = [
    "ALTER TABLE releases_release ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN summary SET COMPRESSION lz4, "
    "ALTER COLUMN search_title SET COMPRESSION lz4, ALTER COLUMN search_summary SET COMPRESSION lz4, "
    "ALTER COLUMN search_body SET COMPRESSION lz4, ALTER COLUMN search_syllables SET COMPRESSION lz4, "
    "ALTER COLUMN search_vector SET COMPRESSION lz4, ALTER COLUMN search_head_vector SET COMPRESSION lz4, "
    "ALTER COLUMN search_syllable_vector SET COMPRESSION lz4",
    "ALTER TABLE releases_historicalrelease ALTER COLUMN body SET COMPRESSION lz4, "
    "ALTER COLUMN summary SET COMPRESSION lz4",
]
SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS releases_release_search USING fts5(search_title, search_summary, search_body, search_syllables,
      content='releases_release', content_rowid='id',
      tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co Mn Mc'")""",
    """CREATE TRIGGER IF NOT EXISTS releases_release_search_ai AFTER INSERT ON releases_release BEGIN
      INSERT INTO releases_release_search(rowid, search_title, search_summary, search_body, search_syllables) VALUES (new.id, new.search_title, new.search_summary, new.search_body, new.search_syllables); END""",
    """CREATE TRIGGER IF NOT EXISTS releases_release_search_ad AFTER DELETE ON releases_release BEGIN
      INSERT INTO releases_release_search(releases_release_search, rowid, search_title, search_summary, search_body, search_syllables) VALUES ('delete', old.id, old.search_title, old.search_summary, old.search_body, old.search_syllables); END""",
    """CREATE TRIGGER IF NOT EXISTS releases_release_search_au AFTER UPDATE OF search_title, search_summary, search_body, search_syllables ON releases_release BEGIN
      INSERT INTO releases_release_search(releases_release_search, rowid, search_title, search_summary, search_body, search_syllables) VALUES ('delete', old.id, old.search_title, old.search_summary, old.search_body, old.search_syllables);
      INSERT INTO releases_release_search(rowid, search_title, search_summary, search_body, search_syllables) VALUES (new.id, new.search_title, new.search_summary, new.search_body, new.search_syllables); END""",
]
PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS releases_release_search_vector ON releases_release",
    "DROP FUNCTION IF EXISTS releases_release_search_vector()",
    "DROP INDEX IF EXISTS releases_release_search_idx",
    "DROP INDEX IF EXISTS releases_release_syllable_idx",
    "DROP INDEX IF EXISTS releases_release_search_head_idx",
    """ALTER TABLE releases_release DROP COLUMN IF EXISTS search_vector,
      DROP COLUMN IF EXISTS search_head_vector, DROP COLUMN IF EXISTS search_syllable_vector""",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS releases_release_search_ai",
    "DROP TRIGGER IF EXISTS releases_release_search_ad",
    "DROP TRIGGER IF EXISTS releases_release_search_au",
    "DROP TABLE IF EXISTS releases_release_search",
]


def install_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL}.get(vendor, []):
            cursor.execute(statement)
        if vendor == "postgresql":
            cursor.execute(PG_HAS_LZ4)
            row = cursor.fetchone()
            if row and row[0]:
                for statement in PG_LZ4:
                    cursor.execute(statement)


def uninstall_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in {"postgresql": PG_UNINSTALL, "sqlite": SQLITE_UNINSTALL}.get(schema_editor.connection.vendor, []):
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0003_history_for_all_models'),
    ]

    operations = [
        migrations.AddField(
            model_name='release',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='release',
            name='search_summary',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='release',
            name='search_syllables',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='release',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(install_index, uninstall_index),
    ]
