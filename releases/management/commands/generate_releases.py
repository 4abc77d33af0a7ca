"""Fill the database with N generated, realistic releases, for benchmarks and for trying the site at scale.

Adds to what is there (new officials each run); use a scratch database.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from releases import generator
from releases.management.progress import Progress
from releases.readership import generate as readership_generate


class Command(BaseCommand):
    help = "Generate N realistic Thai and English releases with officials and positions (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many releases (English translations included).")
        parser.add_argument("--seed", type=int, default=0, help="Same seed and end date: same releases.")
        parser.add_argument("--end-date", type=datetime.date.fromisoformat, help="Newest release date (YYYY-MM-DD); default today.")
        parser.add_argument("--translated", type=float, default=0.3, help="Share of Thai releases with an English translation (0-1).")
        parser.add_argument("--drafts", type=float, default=0.0, help="Share of drafts (0-1).")
        parser.add_argument("--scheduled", type=int, default=0, help="How many releases scheduled in the next two weeks.")
        parser.add_argument("--batch-size", type=int, default=generator.BATCH_SIZE)
        parser.add_argument("--daily-views", type=int, default=0, metavar="DAYS", help="Also write realistic daily views for the last DAYS days.")

    def handle(self, *args, count, seed, end_date, translated, drafts, scheduled, batch_size, daily_views, verbosity, **options):
        if count < 1:
            raise CommandError("count must be at least 1.")
        if daily_views < 0:
            raise CommandError("--daily-views is a number of days.")
        if not (0 <= translated <= 1 and 0 <= drafts <= 1) or scheduled < 0 or batch_size < 1:
            raise CommandError("--translated and --drafts are shares between 0 and 1; --scheduled and --batch-size are positive.")
        with Progress(self, unit="release", total=count, verbosity=verbosity) as progress:
            result = generator.generate(
                count, seed=seed, end_date=end_date, translated=translated, drafts=drafts, scheduled=scheduled,
                batch_size=batch_size, progress=progress.update,
            )
        self.stdout.write(self.style.SUCCESS(
            f"Created {result.releases} releases ({result.translations} English translations, {result.drafts} drafts, "
            f"{result.scheduled} scheduled), {result.officials} officials, {result.positions} positions."
        ))
        if daily_views:
            rows = readership_generate.daily_views(daily_views, end_date=end_date, seed=seed)
            self.stdout.write(self.style.SUCCESS(f"Wrote {rows} daily view rows over {daily_views} days."))
