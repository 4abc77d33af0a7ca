"""Search fields on Release, and the full-text index over them (PostgreSQL tsvector + GIN, SQLite FTS5)."""

from django.db import migrations, models


def install_index(apps, schema_editor):
    # Vendor-specific DDL (tsvector column, trigger and GIN index on PostgreSQL; an FTS5 table
    # and triggers on SQLite), shared with the post_migrate check in releases/search.py.
    from releases import search

    search.install_index(schema_editor.connection)


def uninstall_index(apps, schema_editor):
    from releases import search

    search.uninstall_index(schema_editor.connection)


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
