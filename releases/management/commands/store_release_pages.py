"""Render and store every public release page ahead of its readers: after an import, a deployment or a change to an official's name."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import RequestFactory
from django.utils import translation

from releases import stored_pages
from releases.management.progress import Progress
from releases.models import Release, StoredPage
from releases.views import ReleaseDetailView


class Command(BaseCommand):
    help = (
        "Store the page of every public release (releases/stored_pages/), so that its first reader "
        "gets it without a render. Pages are also stored as they are read; this only does it ahead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default=settings.NEWSROOM_SITE_URL,
            help="The public address the pages are read at, scheme and host (default NEWSROOM_SITE_URL).",
        )
        parser.add_argument(
            "--all-interfaces", action="store_true",
            help="Also each release's page in the other language's interface (by default only the one search engines and links use).",
        )

    def handle(self, *args, site_url, all_interfaces, verbosity, **options):
        if not settings.NEWSROOM_STORED_PAGES:
            raise CommandError("Stored pages are off (NEWSROOM_STORED_PAGES=0): there is nothing to store.")
        address = urlsplit(site_url)
        if address.scheme not in ("http", "https") or not address.hostname:
            raise CommandError(f"--site-url must be an http or https address, not {site_url!r}.")
        secure = address.scheme == "https"
        port = str(address.port or (443 if secure else 80))
        factory = RequestFactory(HTTP_HOST=address.netloc)
        view = ReleaseDetailView.as_view(count_views=False)
        languages = [code for code, _name in settings.LANGUAGES]
        releases = Release.objects.published().order_by("-release_date", "-pk").only("pk", "slug", "title", "language")
        stored = failed = 0
        with Progress(self, unit="release", total=releases.count(), verbosity=verbosity, stream="stderr") as progress:
            for release in releases.iterator(chunk_size=500):
                for language in languages if all_interfaces else [release.language]:
                    with translation.override(language):
                        # The port as the server reports it: part of the address when not the scheme's own.
                        request = factory.get(release.get_absolute_url(), secure=secure, SERVER_PORT=port)
                        try:
                            response = view(request, pk=release.pk, slug=release.url_slug)
                        except DisallowedHost as error:
                            raise CommandError(f"{address.netloc} is not in ALLOWED_HOSTS: {error}") from error
                        if hasattr(response, "render"):
                            response.render()
                    if response.get(stored_pages.HEADER) in ("stored", "hit"):
                        stored += 1
                    else:
                        failed += 1
                progress.update()
        # The planner's statistics still describe the table as it was (maybe empty): its lookup
        # by release and address must use the unique index, not scan.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + connection.ops.quote_name(StoredPage._meta.db_table))
        self.stdout.write(self.style.SUCCESS(f"Stored pages: {stored} ready, {failed} not stored."))
