"""lz4 instead of pglz for long values on PostgreSQL (search reads decompress faster)."""

from django.db import migrations


def use_lz4(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from releases import search

        with schema_editor.connection.cursor() as cursor:
            search.set_lz4_compression(cursor)


def use_pglz(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from releases import search

        with schema_editor.connection.cursor() as cursor:
            search.set_lz4_compression(cursor, "pglz")


class Migration(migrations.Migration):

    dependencies = [
        ("releases", "0006_search_narrow_rows"),
    ]

    operations = [
        migrations.RunPython(use_lz4, use_pglz),
    ]
