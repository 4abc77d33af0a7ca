"""Narrow release rows on PostgreSQL: long values out of line, the title/summary vector inline (search speed)."""

from django.db import migrations


def narrow_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE releases_release SET (toast_tuple_target = 128)")
        schema_editor.execute("ALTER TABLE releases_release ALTER COLUMN search_head_vector SET STORAGE MAIN")


def default_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE releases_release RESET (toast_tuple_target)")
        schema_editor.execute("ALTER TABLE releases_release ALTER COLUMN search_head_vector SET STORAGE EXTENDED")


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0005_search_head_index'),
    ]

    operations = [
        migrations.RunPython(narrow_rows, default_rows),
    ]
