"""Fill or refresh the country list (codes and English names from pycountry, Thai names shipped with the app).

Run after migrating and after upgrading pycountry or the table; safe to run again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from releases.taxonomy.countries import load_countries


class Command(BaseCommand):
    help = "Create or update the countries releases can be tagged with."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, updated = load_countries()
        self.stdout.write(self.style.SUCCESS(f"{created} countries created, {updated} updated."))
