"""Old addresses (LegacyURL) and old addresses not found (MissingLegacyURL); editors and publishers may manage them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone

ROLES = ("Editor", "Publisher")
CODENAMES = [
    "add_legacyurl", "change_legacyurl", "delete_legacyurl", "view_legacyurl",
    "view_missinglegacyurl", "delete_missinglegacyurl",
]


def grant(apps, schema_editor):
    # Permissions normally appear after migrate finishes (post_migrate); make them now.
    app_config = apps.get_app_config("releases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="releases", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0015_readership'),
    ]

    operations = [
        migrations.CreateModel(
            name='MissingLegacyURL',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(max_length=500, unique=True, verbose_name='old address')),
                ('hits', models.PositiveBigIntegerField(default=1, verbose_name='hits')),
                ('last_seen', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last requested')),
            ],
            options={
                'verbose_name': 'old address not found',
                'verbose_name_plural': 'old addresses not found',
                'ordering': ['-hits', 'path'],
            },
        ),
        migrations.CreateModel(
            name='LegacyURL',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(help_text='Path and query of the old address; a full URL is accepted and stored normalised.', max_length=500, unique=True, verbose_name='old address')),
                ('target_url', models.CharField(blank=True, help_text='Another page on this site (a path such as /officials/) when there is no release.', max_length=500, verbose_name='target URL')),
                ('hits', models.PositiveBigIntegerField(default=0, editable=False, verbose_name='hits')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('release', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='legacy_urls', to='releases.release', verbose_name='release')),
            ],
            options={
                'verbose_name': 'old address',
                'verbose_name_plural': 'old addresses',
                'ordering': ['path'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('release__isnull', False), ('target_url', '')), models.Q(('release__isnull', True), models.Q(('target_url', ''), _negated=True)), _connector='OR'), name='legacyurl_one_target')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
