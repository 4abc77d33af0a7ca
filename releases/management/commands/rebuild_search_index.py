"""Recompute every release's search fields (after an import with bulk writes, or a dictionary change)."""

import os

from django.core.management.base import BaseCommand
from django.db import connection

from releases import search
from releases.management.progress import Progress
from releases.models import Release
from releases.search.limits import INDEX_BATCH_SIZE


class Command(BaseCommand):
    help = "Re-segment every release and rebuild the full-text index, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=INDEX_BATCH_SIZE, help=f"Releases per write (default {INDEX_BATCH_SIZE})."
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1,
            help="Processes segmenting text in parallel (default: one per CPU core).",
        )
        parser.add_argument(
            "--vacuum", action="store_true",
            help="Then compact the releases table (PostgreSQL: VACUUM FULL + ANALYZE, which locks the "
            "table for about a minute per 100,000 releases; SQLite: VACUUM). See docs/deploy.md.",
        )

    def handle(self, *args, batch_size, workers, verbosity, vacuum=False, **options):
        total = Release.objects.count()
        # A line per batch in logs and pipes.
        with Progress(self, unit="release", total=total, verbosity=verbosity, stream="stderr", every=1) as progress, search.frozen_heap():
            count = search.reindex_queryset(
                Release.objects.all(), batch_size=max(batch_size, 1), progress=progress.update, workers=max(workers, 1)
            )
        search.rebuild_fts(connection)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {count} releases."))
        if vacuum:
            # Every row was rewritten: the old versions double what search reads until compacted.
            search.compact_releases(connection)
            self.stdout.write(self.style.SUCCESS("Releases table compacted."))
