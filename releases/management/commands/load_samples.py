"""Load the bundled sample officials and releases, so a fresh `make run` has something to show.

Idempotent: running it again changes nothing (the import is keyed by file name).
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"


class Command(BaseCommand):
    help = "Load the bundled sample officials and releases (idempotent)."

    def handle(self, *args, **options):
        output = {"verbosity": options["verbosity"], "stdout": self.stdout, "stderr": self.stderr}
        call_command("loaddata", SAMPLES / "officials.json", **output)
        call_command(
            "import_releases", str(SAMPLES / "releases"), publish=True, images=str(SAMPLES / "images"),
            source_prefix="sample", **output,
        )
