"""Reading and writing stored release pages, and what outdates one by itself: a new deployment, or a scheduled release falling due."""

import datetime
import functools
import hashlib
import zlib
from pathlib import Path

import django
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connections
from django.db.models import FilteredRelation, Min, Q
from django.utils import timezone

from .. import caching
from ..prepared import PreparedValues
from ..querysets import link_date
from ..taxonomy.related import WINDOW_DAYS
from .models import StoredPage

# A page shows releases this near to its own (related releases) and its two neighbours: a
# release changing or falling due nearer than that may change the page.
NEAR = datetime.timedelta(days=WINDOW_DAYS + 1)

# What serving a stored page needs of the release (its slug, its count, what counting checks)
# and the stored page itself, in one query, public releases only (a withdrawn one takes the
# view's full path): on PostgreSQL the detail page's full row (its body, its translation's and
# replacement's columns) cost a millisecond to fetch.
RELEASE_FIELDS = ("pk", "status", "publish_at", "slug", "view_count")


def _row(pk, now, address, language):
    from ..models import Release

    page = FilteredRelation("stored_pages", condition=Q(stored_pages__address=address, stored_pages__language=language))
    return Release.objects.published(now).filter(pk=pk).annotate(page=page).values_list(
        *RELEASE_FIELDS, "page__version", "page__valid_until", "page__html"
    )


_ROW = PreparedValues(_row, ints=["pk"], moments=["now"], texts=["address", "language"])


@functools.cache
def render_version():
    """What a page was rendered with: the app's code, templates and translations, the static
    files' hashed names, Django's version and the settings that show on a page. A deployment
    that changes any of them outdates every stored page (each is rendered again when next read)."""
    digest = hashlib.sha256(django.__version__.encode())
    root = Path(settings.BASE_DIR)
    for folder, pattern in (("releases", "**/*.py"), ("config", "*.py"), ("templates", "**/*"), ("locale", "**/*.mo")):
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    hashed = getattr(staticfiles_storage, "hashed_files", None) or {}  # the manifest storage's names
    digest.update(repr(sorted(hashed.items())).encode())
    # Language codes only: their names are lazily translated, so their text follows the language
    # active when this first runs, and each worker would have a version of its own.
    languages = [code for code, _name in settings.LANGUAGES]
    shown = (settings.SITE_NAME, settings.STATIC_URL, settings.MEDIA_URL, settings.STORAGES, languages, settings.NEWSROOM_ACCESSIBLE_FORMAT_EMAIL)
    digest.update(repr(shown).encode())
    return digest.hexdigest()[:32]


def stored_page(release_pk, address, language, now, using="default"):
    """(the release's RELEASE_FIELDS as a dict, the stored page's HTML with its slots unfilled or
    None when there is none still valid), or None when the release is not public."""
    rows = _ROW.run(using, pk=release_pk, now=now, address=address, language=language)
    if not rows:
        return None
    *fields, version, valid_until, html = rows[0]
    release = dict(zip(RELEASE_FIELDS, fields))
    if html is None or version != render_version() or (valid_until is not None and valid_until <= now):
        return release, None
    return release, zlib.decompress(bytes(html)).decode()


def store(release, address, language, html, older, newer, started_token, now):
    """Keep `html` as the page at `address`, unless the content changed while it was rendered
    (the page cache's generation is no longer `started_token`): it may hold the old rows.
    older, newer: the neighbours it links to, as Release.objects.neighbours() gives them."""
    using = release._state.db or "default"
    state = caching.guarded_state()
    if started_token is None or state is None or state[0] != started_token:
        return False
    try:
        # Nothing due at all (the usual case): no query.
        valid_until = _valid_until(release, older, newer, now, using) if state[1] else None
        row = StoredPage(
            release_id=release.pk, address=address, language=language, version=render_version(),
            release_date=release.release_date, older_id=older and older["pk"], newer_id=newer and newer["pk"],
            valid_until=valid_until, html=zlib.compress(html.encode(), 1), stored_at=now,
        )
        _upsert(row, using)
    except DatabaseError:
        return False  # an accelerator: the reader already has the page
    return True


_KEY = ("release", "address", "language")


def _upsert(row, using):
    """INSERT … ON CONFLICT DO UPDATE of one row (SQLite and PostgreSQL spell it alike), the SQL
    built once: bulk_create(update_conflicts=True) compiled it anew for every page stored, which
    cost several times the statement."""
    connection = connections[using]
    fields = [field for field in StoredPage._meta.concrete_fields if not field.primary_key]
    sql = _UPSERT_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        keys = ", ".join(quote(StoredPage._meta.get_field(name).column) for name in _KEY)
        updates = ", ".join(f"{quote(field.column)} = excluded.{quote(field.column)}" for field in fields if field.name not in _KEY)
        sql = _UPSERT_SQL[connection.vendor] = (
            f"INSERT INTO {quote(StoredPage._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
        )
    params = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


_UPSERT_SQL = {}


def _valid_until(release, older, newer, now, using):
    """When the first scheduled release that could appear on the page falls due: one near it in
    time (a related release or a new neighbour), one between it and its neighbours, or its
    translation; or its own scheduled edit goes live. None if there is none."""
    from ..models import Release, ReleaseRevision

    # Nothing older (or newer): any scheduled release on that side becomes its neighbour.
    low = min(release.release_date - NEAR, link_date(older)) if older else None
    high = max(release.release_date + NEAR, link_date(newer)) if newer else None
    near = Q()
    if low is not None:
        near &= Q(release_date__gte=low)
    if high is not None:
        near &= Q(release_date__lte=high)
    near |= Q(pk=release.translation_id) | Q(translation_id=release.pk)
    due = [Release.objects.using(using).scheduled(now).filter(near).aggregate(due=Min("publish_at"))["due"]]
    due += ReleaseRevision.objects.using(using).filter(release_id=release.pk, go_live_at__gt=now).values_list("go_live_at", flat=True)
    due = [moment for moment in due if moment is not None]
    return min(due) if due else None
