"""Shared fixtures: test settings, factories' helpers, users in each role."""

import os

import pytest

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


# WhiteNoise warns at start-up when STATIC_ROOT is missing (collectstatic has not run).
os.makedirs(os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "staticfiles"), exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # Each request renders (tests look at context and queries); tests/test_caching.py turns it on.
    settings.NEWSROOM_PAGE_CACHE = False
    # Like the page cache, an accelerator: tests/stored_pages/ and the golden pages turn it on.
    settings.NEWSROOM_STORED_PAGES = False
    settings.NEWSROOM_PAGE_CACHE_FILE = str(tmp_path_factory.mktemp("page-cache") / "generation")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def video_provider(monkeypatch):
    """Never the real network for video thumbnails: a fake provider answers what a test serves (else 404)."""
    from tests.video.provider import FakeProvider

    provider = FakeProvider()
    monkeypatch.setattr("releases.video.fetch.TRANSPORT", provider.handler)
    return provider


@pytest.fixture(autouse=True)
def _thai_interface():
    """Each test starts in Thai: a request to an /en/ page leaves English active in the thread, and
    URLs reversed afterwards would carry the prefix."""
    from django.utils import translation

    translation.activate("th")
    yield
    translation.activate("th")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches

    from releases import caching, scheduled_edits

    for cache in caches.all():
        cache.clear()
    # In step with the empty test database, as a running site's cache is after its first request:
    # query budgets count a view's own queries, not that once-per-cache lookup (scheduled_edits.py).
    caching.page_cache().set(scheduled_edits.NEXT_KEY, {"at": None})
    yield


@pytest.fixture(autouse=True)
def _no_outage(monkeypatch):
    """Each test starts with the cache and the database known to be up (the state is per process)."""
    from releases import caching, outages

    monkeypatch.setattr(outages, "cache", outages.Outage("Cache"))
    monkeypatch.setattr(caching, "_recovered", 0)
    monkeypatch.setattr(outages, "database", outages.Outage("Database", retry_seconds=0))


@pytest.fixture
def editor(db):
    from tests.factories import make_user

    return make_user("editor", role="Editor")


@pytest.fixture
def publisher(db):
    from tests.factories import make_user

    return make_user("publisher", role="Publisher")


@pytest.fixture
def editor_client(client, editor):
    from tests.factories import login_verified

    login_verified(client, editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    from tests.factories import login_verified

    login_verified(client, publisher)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, signed in with both steps (the admin requires the second factor)."""
    from tests.factories import login_verified

    login_verified(client, admin_user)
    return client
