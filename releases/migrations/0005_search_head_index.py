"""A GIN index on the title+summary search vector, for bounded ranking's title hits (PostgreSQL)."""

from django.db import migrations


def install_index(apps, schema_editor):
    # search.install_index is idempotent (IF NOT EXISTS); it now includes the head index.
    from releases import search

    search.install_index(schema_editor.connection)


def drop_head_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from releases import search

        schema_editor.execute(f"DROP INDEX IF EXISTS {search.HEAD_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0004_search'),
    ]

    operations = [
        migrations.RunPython(install_index, drop_head_index),
    ]
