"""Import scraped press-release text files (the ministry's archive) as releases.

Idempotent: each file is keyed by its name, so re-running changes only what changed.
Parsing and saving live in releases/archive/; this command reports progress and outcomes.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from releases.archive import DEFAULT_MAX_BYTES, Importer, count_sources
from releases.management.progress import Progress


class Command(BaseCommand):
    help = "Import press releases from text files or directories of them (recursive, *.txt)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or directories.")
        parser.add_argument("--source-prefix", default="", help="Namespace for source keys: PREFIX/<file name>.")
        parser.add_argument("--category", default="press-release", help="Category slug (default: press-release).")
        parser.add_argument("--publish", action="store_true", help="Publish new releases (default: draft).")
        parser.add_argument("--images", metavar="DIR", help="Attach photos named <file name>-1.jpg, -2.jpg… from DIR.")
        parser.add_argument("--create-officials", action="store_true", help="Create officials for unmatched names with an honorific.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument("--max-size", type=int, default=DEFAULT_MAX_BYTES, metavar="BYTES", help="Refuse files larger than this (default 5 MB).")

    def handle(self, *args, paths, verbosity, **options):
        try:
            importer = Importer(
                category=options["category"], publish=options["publish"], images_dir=options["images"],
                source_prefix=options["source_prefix"], dry_run=options["dry_run"],
                create_officials=options["create_officials"], max_bytes=options["max_size"],
                bulk=True,  # search indexing and page-cache renewal in batches (releases/archive/bulk.py)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        started = time.monotonic()
        with Progress(self, unit="file", total=lambda: count_sources(paths), verbosity=verbosity) as progress:
            for outcome in importer.run(paths):
                self._report(progress, outcome, verbosity)
        elapsed = time.monotonic() - started
        self._summary(importer, verbosity, elapsed)
        if importer.totals["failed"]:
            raise CommandError(f"{importer.totals['failed']} file(s) could not be imported (see above).")

    def _summary(self, importer, verbosity, elapsed):
        if verbosity < 1:
            return
        totals = importer.totals
        done = sum(totals[key] for key in ("created", "updated", "unchanged", "failed"))
        line = (
            f"{'Dry run: ' if importer.dry_run else ''}created {totals['created']}, updated {totals['updated']}, "
            f"unchanged {totals['unchanged']}, conflicts {totals['conflicts']}, failed {totals['failed']}, "
            f"skipped {totals['skipped']} ({done / elapsed if elapsed else 0:.0f} files/s)"
        )
        if totals["photos attached"] or totals["photos rejected"]:
            line += f"; photos attached {totals['photos attached']}, rejected {totals['photos rejected']}"
        if importer.candidate_counts:
            names = ", ".join(f"{name} ({count})" for name, count in importer.candidate_counts.most_common(20))
            self.stdout.write(f"Unmatched names (use --create-officials or add them as aliases): {names}")
        self.stdout.write(self.style.ERROR(line) if totals["failed"] else self.style.SUCCESS(line))

    def _report(self, progress, outcome, verbosity):
        path = outcome.shown_path
        if outcome.status == "failed":
            progress.write(f"{outcome.location()}: {outcome.reason}", error=True)
        elif verbosity >= 1:
            if outcome.status == "skipped":
                progress.write(f"skipped {path}: {outcome.reason}")
            if outcome.conflicts:
                progress.write(f"conflict {path}: kept the editor's {', '.join(outcome.conflicts)}")
            for note in outcome.notes:
                progress.write(f"{path}: {note}")
            if verbosity >= 2 and outcome.status != "skipped":
                progress.write(f"{outcome.status} {outcome.key} ({path})")
                if outcome.candidates:
                    progress.write(f"  unmatched names: {', '.join(map(str, outcome.candidates))}")
        if outcome.status != "skipped":
            progress.update()
