"""Remove media files no row points at: left by rolled-back saves, crashes or old code."""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from releases import images
from releases.attachments import presskit


class Command(BaseCommand):
    help = "Find media files (photos, portraits, documents, press kits) that nothing uses any more, and delete them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; delete nothing.")
        parser.add_argument(
            "--min-age-minutes", type=int, default=60,
            help="Leave files younger than this (an upload may be between writing its files and committing its row).",
        )

    def handle(self, *args, dry_run=False, min_age_minutes=60, verbosity=1, **options):
        older_than = timezone.now() - datetime.timedelta(minutes=min_age_minutes)
        orphans, missing = images.find_orphans(default_storage, older_than, presskit.current_kit_names())
        for name in missing:
            self.stderr.write(self.style.WARNING(f"missing: {name} (a row points at it)"))
        for name in orphans:
            if verbosity >= 2 or dry_run:
                self.stdout.write(f"{'would delete' if dry_run else 'deleting'}: {name}")
        if not dry_run:
            images.delete_files(default_storage, orphans)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(self.style.SUCCESS(f"{len(orphans)} orphan file(s) {verb}; {len(missing)} missing."))
