"""Load the bundled sample officials and releases, so a fresh `make run` has something to show.

Idempotent: running it again changes nothing (the import is keyed by file name).
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from releases.models import Release

SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"
PREFIX = "sample"


def link_translations():
    """Pair `<stem>-en` with `<stem>`: the samples' own naming convention for translations."""
    linked = 0
    for english in Release.objects.filter(source_key__startswith=f"{PREFIX}/", source_key__endswith="-en"):
        thai = Release.objects.filter(source_key=english.source_key[: -len("-en")]).first()
        if thai and thai.language != english.language and thai.counterpart is None:
            thai.translation = english
            thai.save(update_fields=["translation"])
            linked += 1
    return linked


class Command(BaseCommand):
    help = "Load the bundled sample officials, the countries and the sample releases (idempotent)."

    def handle(self, *args, **options):
        output = {"verbosity": options["verbosity"], "stdout": self.stdout, "stderr": self.stderr}
        call_command("loaddata", SAMPLES / "officials.json", **output)
        # Countries first: the import suggests them from each release's text.
        call_command("load_countries", **output)
        call_command(
            "import_releases", str(SAMPLES / "releases"), publish=True, images=str(SAMPLES / "images"),
            source_prefix=PREFIX, **output,
        )
        linked = link_translations()
        if linked and options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"linked {linked} translations"))
