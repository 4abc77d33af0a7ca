"""lz4 instead of pglz for long values on PostgreSQL (search reads decompress faster)."""

from django.db import migrations


# The long columns, as this migration sets them (frozen: the search package may change its list).
COLUMNS = {
    "releases_release": (
        "body", "summary", "search_title", "search_summary", "search_body", "search_syllables",
        "search_vector", "search_head_vector", "search_syllable_vector",
    ),
    "releases_historicalrelease": ("body", "summary"),
}


def set_compression(schema_editor, method):
    """ALTER the long columns to `method` if this server has lz4 (PostgreSQL 14+ built with it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
        if not (row and row[0]):
            return
        for table, columns in COLUMNS.items():
            cursor.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns))


def use_lz4(apps, schema_editor):
    set_compression(schema_editor, "lz4")


def use_pglz(apps, schema_editor):
    set_compression(schema_editor, "pglz")


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0006_search_narrow_rows"),
    ]

    operations = [
        migrations.RunPython(use_lz4, use_pglz),
    ]
