"""Import old addresses from a CSV (old URL, source key or /path): all rows or none."""

from django.core.management.base import BaseCommand, CommandError

from releases.redirects.csvimport import CSVError, import_csv


class Command(BaseCommand):
    help = "Map the ministry's old addresses to releases from a CSV: old URL, then source key (or a /path on this site)."

    def add_arguments(self, parser):
        parser.add_argument("csv_path", metavar="CSV")

    def handle(self, *args, csv_path, verbosity, **options):
        try:
            with open(csv_path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{csv_path}: {exc}") from None
        try:
            result = import_csv(text)
        except CSVError as exc:
            raise CommandError("nothing imported:\n" + "\n".join(exc.errors[:50])) from None
        if verbosity:
            self.stdout.write(f"old addresses: {result.created} added, {result.updated} changed")
