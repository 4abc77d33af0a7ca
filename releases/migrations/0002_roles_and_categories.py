"""The Editor and Publisher groups with their permissions, and the standard categories."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from releases.roles import ROLE_PERMISSIONS

CATEGORIES = [
    ("press-release", "ข่าวสารนิเทศ", "Press release", 1),
    ("news-activity", "ข่าวกิจกรรม", "News activity", 2),
    ("statement", "แถลงการณ์", "Statement", 3),
    ("weekly-briefing", "การแถลงข่าวประจำสัปดาห์", "Weekly press briefing", 4),
]


def create_roles(apps, schema_editor):
    # Permissions normally appear after migrate finishes (post_migrate); make them now.
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label="releases", codename__in=codenames)
        group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


def create_categories(apps, schema_editor):
    Category = apps.get_model("releases", "Category")
    for slug, name_th, name_en, order in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name_th": name_th, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_categories, migrations.RunPython.noop),
    ]
