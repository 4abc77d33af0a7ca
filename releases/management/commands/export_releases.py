"""Export releases as text files in the archive format, so they can be re-imported or archived.

Thai releases get Buddhist-era dates, English ones Christian-era dates; file names follow the
source keys (PREFIX/<name>.txt), or release-<id>.txt for releases written in the admin.
"""

from django.core.management.base import BaseCommand

from releases.archive import export_releases
from releases.management.progress import Progress
from releases.models import Release


class Command(BaseCommand):
    help = "Write releases to DIR as text files that import_releases reads back."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--published", action="store_true", help="Only releases the public can see now.")
        parser.add_argument("--language", choices=[code for code, _ in Release.Language.choices])

    def handle(self, *args, directory, published, language, verbosity, **options):
        queryset = Release.objects.published() if published else Release.objects.all()
        if language:
            queryset = queryset.filter(language=language)
        written = unchanged = 0
        with Progress(self, unit="release", total=queryset.count, verbosity=verbosity) as progress:
            for item in export_releases(queryset, directory):
                written += item.changed
                unchanged += not item.changed
                if verbosity >= 2:
                    progress.write(f"{'wrote' if item.changed else 'unchanged'} {item.path}")
                progress.update()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Exported {written + unchanged} releases to {directory}: {written} written, {unchanged} unchanged."))
