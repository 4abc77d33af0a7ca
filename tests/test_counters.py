"""View counter: what counts, de-duplication without personal data, atomic writes, buffered mode."""

import datetime
import io
import pickle
import sqlite3
import threading
import time
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases import counters
from releases.readership import recording
from releases.models import Release
from tests.factories import ReleaseFactory, committed, make_user, shown_views

BROWSER_UA = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
THREADS = 16


def view(rf, release, ip="203.0.113.7", ua=BROWSER_UA, method="get", user=None, **headers):
    """A reader's request for the release's detail page."""
    request = getattr(rf, method)(release.get_absolute_url(), REMOTE_ADDR=ip, headers={"User-Agent": ua, **headers})
    request.user = user or AnonymousUser()
    return request


def stored(release):
    return Release.objects.values_list("view_count", flat=True).get(pk=release.pk)


def statements(captured):
    """The SQL run, without the savepoints of the test's own transaction (absent in production)."""
    return [q["sql"] for q in captured.captured_queries if "savepoint" not in q["sql"].lower()]


@pytest.fixture
def buffered(settings):
    settings.VIEW_COUNT_MODE = "buffered"


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    """The counter's cache: the per-process default, and Redis as in production (own key prefix)."""
    if request.param == "locmem":
        yield "locmem"
        return
    import redis

    prefix = f"test-counter-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    yield "redis"
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def cache_contents(kind):
    """Every (key, value) the cache holds, as text, for the privacy check."""
    if kind == "locmem":
        backend = cache._cache if hasattr(cache, "_cache") else cache
        return [(key, repr(pickle.loads(value))) for key, value in backend.items()]
    client = cache._cache.get_client(write=False)
    prefix = cache.key_prefix
    return [(key.decode(), repr(client.get(key))) for key in client.scan_iter(f"{prefix}:*")]


@pytest.fixture
def threads_db(transactional_db, tmp_path):
    """Lets threads write concurrently; returns the set-up each thread runs before its work.

    PostgreSQL: nothing to do, each thread opens its own connection to the test database.
    SQLite: pytest-django's test database is in memory in shared-cache mode, where a second
    writer gets "database table is locked" at once (shared-cache table locks bypass the busy
    timeout and the IMMEDIATE transaction mode that settings configure for real files). So the
    empty migrated schema is copied to a file and every thread, this one included, connects to
    that file with the project's own SQLite options (WAL, IMMEDIATE, busy timeout): the way
    the site runs. A fixture of this test rather than a suite-wide file database, so the rest
    of the suite keeps its fast in-memory database.
    """
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    original = connections["default"]
    original.ensure_connection()
    path = tmp_path / "concurrency.sqlite3"
    target = sqlite3.connect(path)
    original.connection.backup(target)
    target.close()
    file_settings = {**original.settings_dict, "NAME": str(path)}

    def use_file_db():
        connections["default"] = original.__class__(file_settings, "default")  # this thread only

    use_file_db()
    yield use_file_db
    connections["default"].close()
    connections["default"] = original


def run_threads(setup, *jobs):
    """Start every job in its own thread at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        setup()
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]


# --- what counts -----------------------------------------------------------------


@pytest.mark.django_db
class TestWhatCounts:
    def test_a_readers_get_counts_once(self, rf):
        """One GET by a reader adds one view, in the database and on the page being rendered."""
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release), release) is True
        assert stored(release) == 1
        assert release.view_count == 1

    def test_refreshing_counts_once(self, rf):
        """The same reader reloading the page within the window is one view."""
        release = ReleaseFactory()
        results = [counters.record_view(view(rf, release), release) for _ in range(5)]
        assert results == [True, False, False, False, False]
        assert stored(release) == 1

    def test_distinct_readers_each_count(self, rf):
        """Different addresses, or different browsers on one address, are different readers."""
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="203.0.113.1"), release)
        counters.record_view(view(rf, release, ip="203.0.113.2"), release)
        counters.record_view(view(rf, release, ip="203.0.113.2", ua=BROWSER_UA.replace("131", "130")), release)
        assert stored(release) == 3

    def test_one_reader_counts_on_each_release(self, rf):
        """The window is per release: reading two releases is two views."""
        first, second = ReleaseFactory(), ReleaseFactory()
        assert counters.record_view(view(rf, first), first)
        assert counters.record_view(view(rf, second), second)

    @pytest.mark.parametrize("method", ["head", "post", "options"])
    def test_other_methods_do_not_count(self, rf, method):
        """HEAD (link checkers, Django runs get() for it), POST and OPTIONS are not views."""
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release, method=method), release) is False
        assert stored(release) == 0

    @pytest.mark.parametrize(
        "ua",
        [
            "",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.6778.139 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "facebookexternalhit/1.1;line-poker/1.0",
            "Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)",
            "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Twitterbot/1.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "WhatsApp/2.23.20.0 A",
            "TelegramBot (like TwitterBot)",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
            "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
            "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/) Bot",
            "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Google-InspectionTool/1.0)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "curl/8.5.0",
            "Wget/1.21.4",
            "python-requests/2.32.3",
            "Go-http-client/2.0",
        ],
    )
    def test_crawlers_and_link_previews_do_not_count(self, rf, ua):
        """Search engines, chat apps' link previews and scripts are not readers."""
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release, ua=ua), release) is False
        assert stored(release) == 0

    @pytest.mark.parametrize(
        "ua",
        [
            # LINE's in-app browser: a person who tapped the link in a chat.
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Mobile/15E148 Safari Line/14.9.0",
            "Mozilla/5.0 (Linux; Android 13; SM-A525F Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Line/13.21.1/IAB",
            # Facebook's in-app browser.
            "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/477.0.0.47.81;]",
            # A phone brand whose name ends in "bot".
            "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ],
    )
    def test_people_in_app_browsers_count(self, rf, ua):
        """In-app browsers of LINE and Facebook are people reading, unlike those apps' previewers."""
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release, ua=ua), release) is True

    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Purpose": "prefetch"},
            {"Sec-Purpose": "prefetch;prerender"},
            {"Sec-Purpose": "prefetch; anonymous-client-ip"},
            {"Purpose": "prefetch"},
            {"X-Moz": "prefetch"},
            {"X-Purpose": "preview"},
        ],
    )
    def test_prefetch_and_prerender_do_not_count(self, rf, headers):
        """Speculative loads are not views: the reader may never look at the page."""
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release, **headers), release) is False
        assert stored(release) == 0

    def test_staff_and_admin_preview_do_not_count(self, rf):
        """Editors checking their work (the admin's preview included) are not readers."""
        release = ReleaseFactory()
        staff = make_user("checker")
        assert counters.record_view(view(rf, release, user=staff), release) is False
        assert stored(release) == 0

    def test_signed_in_non_staff_counts(self, rf):
        """Only staff are excluded, not everyone with an account."""
        from django.contrib.auth import get_user_model

        release = ReleaseFactory()
        reader = get_user_model().objects.create_user("reader", password="x" * 12)
        assert counters.record_view(view(rf, release, user=reader), release) is True

    @pytest.mark.parametrize("traits", [{"draft": True}, {"scheduled": True}])
    def test_releases_not_public_do_not_count(self, rf, traits):
        """Drafts and scheduled releases gain no views, whoever asks."""
        release = ReleaseFactory(**traits)
        assert counters.record_view(view(rf, release), release) is False
        assert stored(release) == 0

    def test_release_unpublished_after_loading_gains_nothing(self, rf):
        """The UPDATE itself re-checks published(): a stale instance cannot count a draft."""
        release = ReleaseFactory()
        Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT, publish_at=None)
        assert counters.record_view(view(rf, release), release) is False
        assert stored(release) == 0

    def test_a_view_is_one_update_of_view_count_only(self, rf):
        """The write is `view_count = view_count + 1`, never a read-modify-write or save()."""
        release = ReleaseFactory()
        with CaptureQueriesContext(connection) as queries:
            counters.record_view(view(rf, release), release)
        # With the daily row's upsert (tests/readership/test_recording.py): one statement on
        # PostgreSQL (the UPDATE inside a WITH), two on SQLite.
        sql = [statement.lower() for statement in statements(queries)]
        if connection.vendor == "postgresql":
            assert len(sql) == 1 and sql[0].startswith("with counted as (update")
        else:
            assert len(sql) == 2 and sql[0].startswith("update")
        assert '"view_count" = ("releases_release"."view_count" + ' in sql[0]
        assert "title" not in sql[0]

    @pytest.mark.parametrize(
        "broken, error, logged",
        [
            # Redis down.
            (lambda: (cache, "add"), ConnectionError("cache down"), "Cache unavailable (ConnectionError: cache down)"),
            # SQLite's busy timeout behind a long import.
            (lambda: (recording, "count_direct"), OperationalError("database is locked"), "Database unavailable (OperationalError"),
        ],
    )
    def test_outage_neither_counts_nor_breaks_the_page(self, rf, monkeypatch, caplog, broken, error, logged):
        """A failing cache or database loses the view and logs it once, without a traceback;
        the page does not fail."""
        release = ReleaseFactory()

        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(*broken(), fail)
        for reader in ("203.0.113.1", "203.0.113.2"):
            assert counters.record_view(view(rf, release, ip=reader), release) is False
        assert release.view_count == 0 and caplog.text.count(logged) == 1
        assert "Traceback" not in caplog.text

    def test_inside_a_transaction_a_failed_count_leaves_it_usable(self, rf, monkeypatch):
        """Called inside atomic(), the UPDATE runs in a savepoint: its SQL error is contained
        (on PostgreSQL the caller's transaction would otherwise be aborted)."""
        from django.db import transaction

        from releases.models import ReleaseQuerySet

        release = ReleaseFactory()
        monkeypatch.setattr(ReleaseQuerySet, "published", lambda qs: qs.extra(where=["no_such_column = 1"]))
        with transaction.atomic():
            assert counters.record_view(view(rf, release), release) is False
            assert Release.objects.filter(pk=release.pk).exists()


# --- recognising a reader without personal data ------------------------------------


@pytest.mark.django_db
class TestPrivacy:
    def test_no_address_or_browser_in_the_cache(self, rf, shared_cache, settings):
        """Keys and values hold a keyed hash only: no IP address, no User-Agent, in any mode."""
        ip, ua = "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 UniqueMarker"
        release = ReleaseFactory()
        for mode in ("direct", "buffered"):
            settings.VIEW_COUNT_MODE = mode
            counters.record_view(view(rf, release, ip=ip, ua=ua), release)
        contents = cache_contents(shared_cache)
        assert any(":seen:" in key for key, _ in contents)
        for key, value in contents:
            for secret in (ip, ua, "UniqueMarker", "198.51.100"):
                assert secret not in key and secret not in value

    def test_no_cookie_is_set(self, rf):
        """Recognising a reader needs nothing stored in the browser."""
        release = ReleaseFactory()
        request = view(rf, release)
        counters.record_view(request, release)
        assert not request.COOKIES and not getattr(request, "session", None)

    def test_window_expiry_counts_again(self, rf, shared_cache, settings):
        """After VIEW_COUNT_WINDOW_SECONDS the same reader is a new view."""
        settings.VIEW_COUNT_WINDOW_SECONDS = 1
        release = ReleaseFactory()
        assert counters.record_view(view(rf, release), release)
        assert not counters.record_view(view(rf, release), release)
        time.sleep(1.2)
        assert counters.record_view(view(rf, release), release)
        assert stored(release) == 2

    def test_daily_salt_rotation_counts_again_next_day(self, rf, monkeypatch):
        """A new day's salt makes yesterday's hashes unlinkable, so the reader counts anew."""
        release = ReleaseFactory()
        today = timezone.localdate()
        assert counters.record_view(view(rf, release), release)
        monkeypatch.setattr(counters, "_today", lambda: today + datetime.timedelta(days=1))
        assert counters.record_view(view(rf, release), release)
        assert not counters.record_view(view(rf, release), release)
        assert counters.daily_salt(today) != counters.daily_salt(today + datetime.timedelta(days=1))
        assert stored(release) == 2

    def test_salt_day_turns_at_bangkok_midnight(self, monkeypatch):
        """17:30 UTC on 1 January is 00:30 on 2 January in Bangkok: already the next salt."""
        moment = datetime.datetime(2026, 1, 1, 17, 30, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        assert counters._today() == datetime.date(2026, 1, 2)

    def test_salt_is_random_shared_and_expires_with_its_day(self, monkeypatch):
        """The first worker's salt wins (cache.add) and is forgotten soon after midnight."""
        moment = timezone.make_aware(datetime.datetime(2026, 1, 2, 23, 0))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        seen = {}
        original_add = cache.add

        def recording_add(key, value, timeout=None, **kwargs):
            seen[key] = timeout
            return original_add(key, value, timeout=timeout, **kwargs)

        monkeypatch.setattr(cache, "add", recording_add)
        salt = counters.daily_salt(datetime.date(2026, 1, 2))
        assert len(salt) == 32 and counters.daily_salt(datetime.date(2026, 1, 2)) == salt
        assert seen == {"views:salt:2026-01-02": 3600 + 60}

    def test_the_days_salt_is_asked_of_the_cache_once_per_worker_and_day(self, monkeypatch):
        asked = []
        original_get = cache.get
        monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: asked.append(key) or original_get(key, *args, **kwargs))
        day = datetime.date(2026, 3, 4)
        salt = counters.daily_salt(day)
        assert counters.daily_salt(day) == salt and counters.daily_salt(day) == salt
        assert asked.count("views:salt:2026-03-04") == 2  # the first call's get, and reading back its add
        assert counters.daily_salt(day + datetime.timedelta(days=1)) != salt
        assert "views:salt:2026-03-05" in asked

    def test_forged_forwarded_for_does_not_make_new_readers(self, rf, settings):
        """With one proxy, a reader varying the header it sends is still one reader."""
        settings.PROXY_COUNT = 1
        release = ReleaseFactory()
        for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
            counters.record_view(view(rf, release, ip="10.0.0.5", **{"X-Forwarded-For": f"{forged}, 203.0.113.9"}), release)
        assert stored(release) == 1

    def test_ipv6_privacy_addresses_of_one_network_are_one_reader(self, rf):
        """A phone rotating its IPv6 address within its /64 is still one reader."""
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="2001:db8:1:2::a1"), release)
        counters.record_view(view(rf, release, ip="2001:db8:1:2:8c3f:1e2:9a:77"), release)
        counters.record_view(view(rf, release, ip="2001:db8:1:3::a1"), release)
        assert stored(release) == 2


# --- concurrency -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_concurrent_distinct_readers_count_exactly(self, rf, threads_db, shared_cache):
        """N readers at the same instant, each in its own thread and connection: exactly N more."""
        release = ReleaseFactory()
        Release.objects.filter(pk=release.pk).update(view_count=100)
        results = []

        def reader(i):
            return lambda: results.append(counters.record_view(view(rf, release, ip=f"203.0.113.{i}"), release))

        run_threads(threads_db, *[reader(i) for i in range(THREADS)])
        assert results == [True] * THREADS
        assert stored(release) == 100 + THREADS

    def test_concurrent_refreshes_of_one_reader_count_once(self, rf, threads_db, shared_cache):
        """One reader's requests racing through several workers: cache.add lets exactly one count."""
        release = ReleaseFactory()
        results = []
        job = lambda: results.append(counters.record_view(view(rf, release), release))  # noqa: E731
        run_threads(threads_db, *[job] * THREADS)
        assert sorted(results) == [False] * (THREADS - 1) + [True]
        assert stored(release) == 1

    def test_edit_saved_during_a_burst_keeps_edit_and_views(self, rf, threads_db):
        """An editor's save() racing a burst of views: neither the new title nor a view is lost."""
        release = ReleaseFactory(title="เดิม")
        editor_copy = Release.objects.get(pk=release.pk)

        def edit():
            editor_copy.title = "แก้ไขแล้ว"
            editor_copy.save()

        readers = [
            (lambda i=i: counters.record_view(view(rf, release, ip=f"198.51.100.{i}"), release)) for i in range(THREADS)
        ]
        run_threads(threads_db, *readers[: THREADS // 2], edit, *readers[THREADS // 2 :])
        release.refresh_from_db()
        assert (release.title, release.view_count) == ("แก้ไขแล้ว", THREADS)

    def test_edit_loaded_before_views_and_saved_after_keeps_them(self, rf, threads_db):
        """The lost update an admin form would cause: loaded at 0 views, saved after 16 came in."""
        release = ReleaseFactory(title="เดิม")
        editor_copy = Release.objects.get(pk=release.pk)
        run_threads(threads_db, *[(lambda i=i: counters.record_view(view(rf, release, ip=f"198.51.100.{i}"), release)) for i in range(THREADS)])
        editor_copy.title = "แก้ไขแล้ว"
        editor_copy.save()
        release.refresh_from_db()
        assert (release.title, release.view_count) == ("แก้ไขแล้ว", THREADS)

    def test_views_on_a_page_loaded_before_the_edit_keep_the_edit(self, rf, threads_db):
        """The other order: pages loaded with the old title count views after the edit is saved."""
        release = ReleaseFactory(title="เดิม")
        page_copy = Release.objects.get(pk=release.pk)
        editor_copy = Release.objects.get(pk=release.pk)
        editor_copy.title = "แก้ไขแล้ว"
        editor_copy.save()
        run_threads(threads_db, *[(lambda i=i: counters.record_view(view(rf, page_copy, ip=f"198.51.100.{i}"), page_copy)) for i in range(THREADS)])
        release.refresh_from_db()
        assert (release.title, release.view_count) == ("แก้ไขแล้ว", THREADS)


@pytest.mark.django_db
def test_admin_change_keeps_views_counted_while_it_saves(publisher_client, rf, monkeypatch):
    """The admin's change form: views landing between its load of the row and its save survive."""
    from django.urls import reverse

    from releases.admin import ReleaseAdmin

    release = ReleaseFactory(title="เดิม")
    original = ReleaseAdmin.save_model

    def save_model_after_views(self, request, obj, form, change):
        for i in range(3):
            counters.record_view(view(rf, release, ip=f"192.0.2.{i}"), release)
        original(self, request, obj, form, change)

    monkeypatch.setattr(ReleaseAdmin, "save_model", save_model_after_views)
    data = {
        "title": "แก้ไขแล้ว", "slug": release.slug, "summary": release.summary, "body": release.body,
        "language": "th", "translation": "", "category": str(release.category_id), "officials": [],
        "release_date": "29/09/2564", "status": "published", "publish_at": "",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "videos-TOTAL_FORMS": "0", "videos-INITIAL_FORMS": "0", "videos-MIN_NUM_FORMS": "0", "videos-MAX_NUM_FORMS": "1000",
    }
    response = publisher_client.post(reverse("admin:releases_release_change", args=[release.pk]), data)
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.title, release.view_count) == ("แก้ไขแล้ว", 3)

# --- buffered mode ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("buffered")
class TestBuffered:
    def test_views_accumulate_in_the_cache_and_show(self, rf, shared_cache):
        """Buffered views leave the row alone until flushed; the page shows stored + pending."""
        release = ReleaseFactory()
        Release.objects.filter(pk=release.pk).update(view_count=40)
        release.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            for i in range(3):
                assert counters.record_view(view(rf, release, ip=f"203.0.113.{i}"), release)
        assert len(queries) == 0
        assert stored(release) == 40
        assert counters.displayed_views(release) == 43

    def test_flush_writes_exactly_once(self, rf, shared_cache):
        """A flush moves pending views to the row; a second flush finds nothing to add."""
        first, second, quiet = ReleaseFactory(), ReleaseFactory(), ReleaseFactory()
        for i in range(3):
            counters.record_view(view(rf, first, ip=f"203.0.113.{i}"), first)
        counters.record_view(view(rf, second), second)
        assert counters.flush_pending() == (4, 2)
        assert (stored(first), stored(second), stored(quiet)) == (3, 1, 0)
        assert counters.flush_pending() == (0, 0)
        assert (stored(first), stored(second)) == (3, 1)
        first.refresh_from_db()
        assert counters.displayed_views(first) == 3

    def test_flush_is_one_transaction_with_one_update(self, rf):
        """All releases' views go in one UPDATE (CASE by id) inside one transaction."""
        releases = [ReleaseFactory() for _ in range(5)]
        for release in releases:
            counters.record_view(view(rf, release), release)
        with CaptureQueriesContext(connection) as queries:
            counters.flush_pending()
        updates = [q["sql"] for q in queries if q["sql"].lower().startswith("update")]
        assert len(updates) == 1 and "case when" in updates[0].lower()
        assert [stored(release) for release in releases] == [1] * 5

    def test_failed_write_gives_the_views_back(self, rf, monkeypatch):
        """A database error during the flush leaves every view pending for the next one."""
        release = ReleaseFactory()
        counters.record_view(view(rf, release), release)

        def fail(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(counters, "_write_views", fail)
        with pytest.raises(RuntimeError):
            counters.flush_pending()
        assert stored(release) == 0 and counters.displayed_views(release) == 1
        monkeypatch.undo()
        assert counters.flush_pending() == (1, 1)
        assert stored(release) == 1

    def test_a_second_flush_waits_for_the_first(self, rf):
        """Overlapping flushes (a slow cron run) cannot both claim the same views."""
        release = ReleaseFactory()
        counters.record_view(view(rf, release), release)
        cache.add("views:flush-lock", 1)
        with pytest.raises(counters.FlushInProgress):
            counters.flush_pending()
        cache.delete("views:flush-lock")
        assert counters.flush_pending() == (1, 1)

    def test_command_reports_what_it_wrote(self, rf, shared_cache):
        """`manage.py flush_view_counts` says how many views went to how many releases."""
        release = ReleaseFactory()
        counters.record_view(view(rf, release, ip="203.0.113.1"), release)
        counters.record_view(view(rf, release, ip="203.0.113.2"), release)
        out = io.StringIO()
        call_command("flush_view_counts", "--dry-run", stdout=out)
        assert "Would write 2 views to 1 releases." in out.getvalue() and stored(release) == 0
        out = io.StringIO()
        call_command("flush_view_counts", stdout=out)
        assert "Wrote 2 views to 1 releases." in out.getvalue() and stored(release) == 2
        # A per-process cache cannot hold other processes' views: the command says so.
        assert ("cache is local memory" in out.getvalue()) == (shared_cache == "locmem")
        cache.add("views:flush-lock", 1)
        out = io.StringIO()
        call_command("flush_view_counts", stdout=out)
        assert "Another flush is running" in out.getvalue()

    def test_list_annotation_is_one_cache_call(self, rf, monkeypatch):
        """A list page of 20 releases asks the cache once for all their pending views."""
        releases = [ReleaseFactory() for _ in range(20)]
        counters.record_view(view(rf, releases[3]), releases[3])
        calls = []
        original = cache.get_many
        monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or original(keys))
        shown = counters.annotate_displayed_views(releases)
        assert len(calls) == 1
        assert [r.views_shown for r in shown] == [0, 0, 0, 1] + [0] * 16


@pytest.mark.django_db
def test_direct_mode_display_needs_no_cache(rf, monkeypatch):
    """Direct mode: the stored count is the count; the list page makes no cache call."""
    releases = [ReleaseFactory() for _ in range(3)]
    Release.objects.filter(pk=releases[1].pk).update(view_count=7)
    releases = list(Release.objects.filter(pk__in=[r.pk for r in releases]).order_by("pk"))
    monkeypatch.setattr(cache, "get_many", lambda *a, **k: pytest.fail("cache used"))
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("cache used"))
    assert [r.views_shown for r in counters.annotate_displayed_views(releases)] == [0, 7, 0]
    assert counters.displayed_views(releases[1]) == 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("buffered")
def test_concurrent_views_and_flushes_lose_nothing(rf, threads_db, shared_cache):
    """Readers in threads while another thread keeps flushing: every view lands exactly once."""
    release = ReleaseFactory()
    done = threading.Event()
    flushed, errors = [], []

    def flusher():
        while not done.is_set():
            try:
                flushed.append(counters.flush_pending()[0])
            except counters.FlushInProgress:
                pass
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            time.sleep(0.005)

    def reader(i):
        def job():
            for j in range(5):
                counters.record_view(view(rf, release, ip=f"10.{i}.{j}.1"), release)
                time.sleep(0.002)

        return job

    readers = [reader(i) for i in range(THREADS - 1)]
    # The flusher loops in its own thread, beside the readers' threads, until they are done.
    flusher_ready = threading.Event()

    def flusher_job():
        threads_db()
        flusher_ready.set()
        try:
            flusher()
        finally:
            connections.close_all()

    flusher_thread = threading.Thread(target=flusher_job)
    flusher_thread.start()
    flusher_ready.wait(timeout=10)
    try:
        run_threads(threads_db, *readers)
    finally:
        done.set()
        flusher_thread.join(timeout=60)
    assert not errors
    flushed.append(counters.flush_pending()[0])
    total = (THREADS - 1) * 5
    assert sum(flushed) == total
    assert stored(release) == total
    release.refresh_from_db()
    assert counters.displayed_views(release) == total


# --- through the public detail page ---------------------------------------------------


@pytest.mark.django_db
class TestDetailPage:
    def get(self, client, release, ua=BROWSER_UA, ip="203.0.113.50", method="get", path=None):
        return getattr(client, method)(path or release.get_absolute_url(), REMOTE_ADDR=ip, headers={"User-Agent": ua})

    def test_reader_counts_once_and_sees_the_count(self, client, django_assert_max_num_queries):
        """The detail page counts a reader's first GET, shows it, and not their reload."""
        release = ReleaseFactory()
        committed()
        # A crawler first (not counted): the page's shared fragments (most read, related) are then
        # cached, so the reader and the reload differ only by the counting.
        assert shown_views(self.get(client, release, ua="Mozilla/5.0 (compatible; Googlebot/2.1)")) == 0
        # The page (8: the release, its neighbours' links, photos, documents, videos, officials, subjects
        # and a cache look-up) + the counter's UPDATE, its SELECT and the daily row's upsert.
        with django_assert_max_num_queries(11), CaptureQueriesContext(connection) as first:
            response = self.get(client, release)
        assert response.status_code == 200 and shown_views(response) == 1
        with CaptureQueriesContext(connection) as reload:
            response = self.get(client, release)
        assert shown_views(response) == 1
        # Counting costs the page the UPDATE and the daily row's upsert: one statement on PostgreSQL, two on SQLite.
        first, reload = statements(first), statements(reload)
        updates = [sum('update "releases_release"' in sql.lower() for sql in run) for run in (first, reload)]
        assert len(first) == len(reload) + (1 if connection.vendor == "postgresql" else 2) and updates == [1, 0]
        self.get(client, release, ip="203.0.113.51")
        assert stored(release) == 2

    def test_head_bot_and_prefetch_do_not_count(self, client, django_assert_max_num_queries):
        """HEAD, a LINE link preview and a prefetch get the page but add nothing."""
        release = ReleaseFactory()
        with django_assert_max_num_queries(10):
            assert self.get(client, release, method="head").status_code == 200
        assert self.get(client, release, ua="facebookexternalhit/1.1;line-poker/1.0").status_code == 200
        response = client.get(release.get_absolute_url(), REMOTE_ADDR="203.0.113.9", headers={"User-Agent": BROWSER_UA, "Sec-Purpose": "prefetch"})
        assert response.status_code == 200 and shown_views(response) == 0
        assert stored(release) == 0

    def test_redirect_to_the_canonical_address_is_not_a_view(self, client):
        """The 301 from a wrong slug counts nothing; the page it leads to counts once."""
        release = ReleaseFactory()
        response = self.get(client, release, path=f"/releases/{release.pk}/wrong-slug/")
        assert response.status_code == 301 and stored(release) == 0
        self.get(client, release, path=response["Location"])
        assert stored(release) == 1

    def test_staff_and_admin_preview_do_not_count(self, editor_client, django_assert_max_num_queries):
        """An editor reading the public page or the admin's preview adds no view."""
        from django.urls import reverse

        release = ReleaseFactory()
        assert self.get(editor_client, release).status_code == 200
        with django_assert_max_num_queries(16):
            preview = self.get(editor_client, release, path=reverse("admin:releases_release_preview", args=[release.pk]))
        assert preview.status_code == 200 and stored(release) == 0

    def test_buffered_page_shows_stored_plus_pending(self, client, settings, django_assert_max_num_queries):
        """In buffered mode the page adds the reader's pending view to the stored count."""
        settings.VIEW_COUNT_MODE = "buffered"
        release = ReleaseFactory()
        Release.objects.filter(pk=release.pk).update(view_count=41)
        with django_assert_max_num_queries(10):
            response = self.get(client, release)
        assert shown_views(response) == 42 and stored(release) == 41
        counters.flush_pending()
        assert stored(release) == 42 and shown_views(self.get(client, release)) == 42

    def test_a_page_served_from_the_page_cache_still_counts(self, client, settings, tmp_path):
        """A cache hit renders nothing, yet a new reader counts and the rules still hold."""
        settings.NEWSROOM_PAGE_CACHE = True
        # The page cache's generation file, away from other test runs that bump the shared one.
        settings.NEWSROOM_PAGE_CACHE_FILE = str(tmp_path / "page-cache-generation")
        release = ReleaseFactory()
        assert self.get(client, release, ip="203.0.113.60")["X-Page-Cache"] == "miss"
        assert self.get(client, release, ip="203.0.113.61")["X-Page-Cache"] == "hit"
        assert stored(release) == 2
        self.get(client, release, ip="203.0.113.61")
        self.get(client, release, ip="203.0.113.62", ua="Twitterbot/1.0")
        self.get(client, release, ip="203.0.113.63", method="head")
        assert stored(release) == 2
