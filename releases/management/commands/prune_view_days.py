"""Delete daily view rows older than VIEW_DAYS_KEEP_DAYS (0, the default, keeps them all); view_count is untouched."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from releases.readership import rollups
from releases.readership.models import ReleaseViewDay


class Command(BaseCommand):
    help = "Delete daily view rows older than VIEW_DAYS_KEEP_DAYS (env NEWSROOM_VIEW_DAYS_KEEP_DAYS); 0 keeps them."

    def handle(self, *args, **options):
        keep = settings.VIEW_DAYS_KEEP_DAYS
        if keep <= 0:
            self.stdout.write("VIEW_DAYS_KEEP_DAYS is 0: daily views are kept; nothing deleted.")
            return
        before = timezone.localdate() - datetime.timedelta(days=keep - 1)
        deleted, _ = ReleaseViewDay.objects.filter(date__lt=before).delete()
        rollups.forget(before=before)  # the reports agree with the rows that are left
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} daily view rows before {before.isoformat()}."))
