"""Write the views buffered in the cache (VIEW_COUNT_MODE = "buffered") to the database in one batch.

Run it every minute or so from cron or a systemd timer; an overlapping run writes nothing.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management.base import BaseCommand

from releases import counters


class Command(BaseCommand):
    help = "Write buffered release views from the cache to the database."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what is pending without writing it.")

    def handle(self, *args, dry_run=False, **options):
        loud = options["verbosity"] >= 1
        if loud and not counters.buffered():
            self.stdout.write(self.style.WARNING(f'VIEW_COUNT_MODE is "{settings.VIEW_COUNT_MODE}": flushing whatever is still pending.'))
        if loud and isinstance(caches["default"], LocMemCache):
            # This process's own memory: the web workers' pending views are not in it.
            self.stdout.write(self.style.WARNING("The cache is local memory: this command cannot see the web server's pending views. Use Redis (REDIS_URL)."))
        try:
            views, releases = counters.flush_pending(dry_run=dry_run)
        except counters.FlushInProgress:
            self.stdout.write(self.style.WARNING("Another flush is running; nothing written."))
            return
        if loud:
            verb = "Would write" if dry_run else "Wrote"
            self.stdout.write(self.style.SUCCESS(f"{verb} {views} views to {releases} releases."))
