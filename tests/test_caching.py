"""The public page cache: hits, query budgets, invalidation (edits and scheduled releases), staff, counting."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from releases import caching, counters
from releases.models import Release
from tests.test_wordbreaks import plain  # page text without the <wbr> between Thai words
from tests.factories import (
    CategoryFactory,
    OfficialFactory,
    PositionFactory,
    ReleaseFactory,
    ReleaseImageFactory,
    committed,
    login_verified,
    make_user,
)

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


def get(client, url, ip="203.0.113.10", **extra):
    return client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ip, **extra)


def counted_out(queries):
    """The queries of a request without the view counter's writes (view_count, the daily row, savepoints)."""
    writes = ("view_count", "SAVEPOINT", "releases_releaseviewday\" (release_id")
    return [q["sql"] for q in queries.captured_queries if not any(write in q["sql"] for write in writes)]


def with_related_data(n):
    """n public releases, each with two officials (with positions) and a photo."""
    releases = []
    for _ in range(n):
        release = ReleaseFactory()
        for _ in range(2):
            release.officials.add(PositionFactory().official)
        ReleaseImageFactory(release=release)
        releases.append(release)
    return releases


class TestHits:
    def test_second_anonymous_visit_is_a_hit_without_queries(self, client, django_assert_num_queries):
        ReleaseFactory(title="ข่าวแรก")
        first = get(client, "/")
        assert first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = get(client, "/")
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content and "ข่าวแรก" in plain(second.content.decode())
        # Middleware still runs on a hit: the security headers are there.
        assert "Content-Security-Policy" in second

    @pytest.mark.parametrize("name", ["releases:list", "releases:officials", "releases:feed-rss", "sitemap"])
    def test_list_officials_feed_and_sitemap_are_cached(self, client, name):
        release = ReleaseFactory()
        release.officials.add(PositionFactory().official)
        url = reverse(name)
        assert get(client, url)["X-Page-Cache"] == "miss"
        assert get(client, url)["X-Page-Cache"] == "hit"

    def test_official_page_is_cached(self, client):
        official = PositionFactory().official
        ReleaseFactory().officials.add(official)
        get(client, official.get_absolute_url())
        assert get(client, official.get_absolute_url())["X-Page-Cache"] == "hit"

    def test_each_language_has_its_own_copy(self, client, settings):
        release = ReleaseFactory()
        for thai_url in ("/", release.get_absolute_url(), "/officials/"):
            thai_page = get(client, thai_url)
            english = get(client, f"/en{thai_url}")
            assert english["X-Page-Cache"] == "miss"
            assert english["Content-Language"] == "en" and thai_page["Content-Language"] == "th"
            assert english.content != thai_page.content
            assert get(client, f"/en{thai_url}").content == english.content
            # The old cookie does not reach the Thai address's copy, in either direction.
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            again = get(client, thai_url)
            assert again["X-Page-Cache"] == "hit" and again.content == thai_page.content
            del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    def test_query_strings_are_separate_pages(self, client):
        for _ in range(25):
            ReleaseFactory()
        get(client, "/")
        assert get(client, "/?page=2")["X-Page-Cache"] == "miss"

    def test_errors_and_redirects_are_not_cached(self, client):
        release = ReleaseFactory()
        assert get(client, "/releases/999999/x/").status_code == 404
        assert get(client, "/releases/999999/x/").get("X-Page-Cache") != "hit"
        wrong_slug = f"/releases/{release.pk}/wrong/"
        assert get(client, wrong_slug).status_code == 301
        assert get(client, wrong_slug)["X-Page-Cache"] == "miss"

    def test_pages_live_apart_from_the_counters_keys(self, client):
        """A burst of readers fills the default cache with "seen" keys; pages must survive it."""
        from django.core.cache import caches

        ReleaseFactory()
        get(client, "/")
        caches["default"].clear()
        assert get(client, "/")["X-Page-Cache"] == "hit"

    def test_switched_off_by_setting(self, client, settings):
        settings.NEWSROOM_PAGE_CACHE = False
        ReleaseFactory()
        get(client, "/")
        assert "X-Page-Cache" not in get(client, "/")


class TestQueryBudgets:
    """Budgets of a page not yet cached, whatever the data (the generation already known)."""

    def test_list_at_most_5_queries(self, client, django_assert_max_num_queries):
        with_related_data(25)
        caching.current_token()
        with django_assert_max_num_queries(6):  # 4 + featured notices + the "most read this week" block on the home page
            assert get(client, "/").status_code == 200
        with django_assert_max_num_queries(4):
            assert get(client, "/?page=2").status_code == 200

    def test_detail_at_most_10_queries_besides_the_count(self, client):
        releases = with_related_data(5)
        caching.current_token()
        with CaptureQueriesContext(connection) as queries:
            response = get(client, releases[2].get_absolute_url())
        assert response.status_code == 200
        # 6 + documents, videos, the "most read this week" block and the neighbours (a query of their own,
        # compiled once per process: releases/prepared.py)
        assert len(counted_out(queries)) <= 10, counted_out(queries)

    def test_an_edit_looks_up_the_due_times_on_commit_so_readers_do_not(
        self, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
    ):
        release = with_related_data(3)[0]
        with django_capture_on_commit_callbacks(execute=True):
            release.title = "แก้ไขแล้ว"
            release.save()
        with django_assert_max_num_queries(6):  # 4 + featured notices + the "most read this week" block
            assert "แก้ไขแล้ว" in plain(get(client, "/").content.decode())

    def test_a_new_generation_costs_one_query_once(self, client, django_assert_num_queries):
        """A worker's first page after start-up or an eviction looks up the due times."""
        ReleaseFactory()
        with django_assert_num_queries(1):
            token = caching.current_token()
        with django_assert_num_queries(0):
            assert caching.current_token() == token

    def test_a_hit_on_a_detail_page_costs_only_the_count(self, client):
        release = ReleaseFactory()
        get(client, release.get_absolute_url(), ip="198.51.100.1")
        with CaptureQueriesContext(connection) as queries:
            assert get(client, release.get_absolute_url(), ip="198.51.100.2")["X-Page-Cache"] == "hit"
        assert counted_out(queries) == []


class TestInvalidation:
    def test_saving_a_release_shows_the_change(self, client):
        release = ReleaseFactory(title="ชื่อเดิม")
        get(client, "/")
        release.title = "ชื่อใหม่"
        release.save()
        response = get(client, "/")
        assert response["X-Page-Cache"] == "miss" and "ชื่อใหม่" in plain(response.content.decode())

    def test_unpublishing_removes_the_cached_detail_page(self, client):
        release = ReleaseFactory()
        url = release.get_absolute_url()
        assert get(client, url).status_code == 200
        release.status = Release.Status.DRAFT
        release.save()
        assert get(client, url).status_code == 404

    def test_deleting_a_release(self, client):
        release = ReleaseFactory(title="จะถูกลบ")
        get(client, "/")
        release.delete()
        assert "จะถูกลบ" not in plain(get(client, "/").content.decode())

    @pytest.mark.parametrize("change", ["official", "position", "photo", "category", "officials_m2m"])
    def test_related_changes_start_a_new_generation(self, client, change):
        release = ReleaseFactory()
        position = PositionFactory()
        get(client, "/")
        if change == "official":
            position.official.name_th = "ชื่อใหม่"
            position.official.save()
        elif change == "position":
            position.title_th = "ตำแหน่งใหม่"
            position.save()
        elif change == "photo":
            ReleaseImageFactory(release=release)
        elif change == "category":
            CategoryFactory(slug="statement-x", name_th="แถลงการณ์ใหม่")
        else:
            release.officials.add(position.official)
        assert get(client, "/")["X-Page-Cache"] == "miss"

    def test_a_scheduled_release_appears_when_due_without_any_job(self, client, monkeypatch):
        now = timezone.now()
        ReleaseFactory(title="ตั้งเวลาไว้", publish_at=now + datetime.timedelta(hours=1))
        assert "ตั้งเวลาไว้" not in plain(get(client, "/").content.decode())
        assert get(client, "/")["X-Page-Cache"] == "hit"
        later = now + datetime.timedelta(hours=1, seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        response = get(client, "/")
        assert response["X-Page-Cache"] == "miss"
        assert "ตั้งเวลาไว้" in plain(response.content.decode())
        assert get(client, "/")["X-Page-Cache"] == "hit"

    @pytest.mark.parametrize("kind, status", [("explained", 200), ("error", 410), ("replaced", 301)])
    def test_a_cached_page_never_outlives_a_withdrawal(self, client, publisher, django_capture_on_commit_callbacks, kind, status):
        from releases import lifecycle

        release, replacement = ReleaseFactory(title="ถ้อยแถลงเดิม"), ReleaseFactory()
        url = release.get_absolute_url()
        for page in (url, "/", "/feeds/latest/rss/"):
            get(client, page)
            assert get(client, page)["X-Page-Cache"] == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.withdraw(release, publisher, kind, "ถอนเพราะข้อมูลผิด", replacement)
        response = get(client, url)
        assert response.status_code == status and response["X-Page-Cache"] == "miss"
        if status == 200:
            assert "ถอนเพราะข้อมูลผิด" in plain(response.content.decode())
            assert get(client, url)["X-Page-Cache"] == "hit"  # the withdrawn page is cached anew, with its notice
            assert "ถอนเพราะข้อมูลผิด" in plain(get(client, url).content.decode())
        for page in ("/", "/feeds/latest/rss/"):
            assert "ถ้อยแถลงเดิม" not in plain(get(client, page).content.decode())

    def test_a_featured_release_stops_being_featured_when_its_time_passes(self, client, monkeypatch):
        now = timezone.now()
        ReleaseFactory(title="ประกาศด่วนสถานทูต", featured_until=now + datetime.timedelta(hours=1))
        assert 'class="featured"' in plain(get(client, "/").content.decode())
        assert get(client, "/")["X-Page-Cache"] == "hit"
        later = now + datetime.timedelta(hours=1, seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        response = get(client, "/")
        assert response["X-Page-Cache"] == "miss"
        assert 'class="featured"' not in plain(response.content.decode())

    def test_another_worker_sees_a_change_through_the_generation_file(self, client):
        """Local-memory caches are per process: a bump elsewhere only reaches us by the file."""
        ReleaseFactory()
        get(client, "/")
        with open(caching._generation_file(), "w", encoding="ascii") as handle:
            handle.write("another-workers-bump")
        assert get(client, "/")["X-Page-Cache"] == "miss"

    def test_generator_bumps_after_its_bulk_inserts(self, client):
        from releases import generator

        ReleaseFactory()
        get(client, "/")
        generator.generate(3, seed=1)
        assert get(client, "/")["X-Page-Cache"] == "miss"


class TestStaff:
    def test_staff_never_get_a_cached_page(self, client):
        ReleaseFactory()
        get(client, "/")
        login_verified(client, make_user("editor-x", role="Editor"))
        response = get(client, "/")
        assert "X-Page-Cache" not in response
        assert response.wsgi_request.user.is_staff

    def test_what_staff_see_is_never_cached(self, client):
        ReleaseFactory()
        login_verified(client, make_user("editor-y", role="Editor"))
        get(client, "/")
        client.logout()
        assert get(client, "/")["X-Page-Cache"] == "miss"


class TestCountingWithCache:
    @pytest.mark.parametrize("mode", ["direct", "buffered"])
    def test_every_reader_counts_even_from_the_cache(self, client, settings, mode):
        settings.VIEW_COUNT_MODE = mode
        release = ReleaseFactory()
        url = release.get_absolute_url()
        responses = [get(client, url, ip=f"198.51.100.{i}") for i in range(1, 6)]
        assert [r["X-Page-Cache"] for r in responses] == ["miss"] + ["hit"] * 4
        counters.flush_pending()
        release.refresh_from_db()
        assert release.view_count == 5

    def test_a_repeat_reader_still_counts_once(self, client):
        release = ReleaseFactory()
        for _ in range(3):
            get(client, release.get_absolute_url(), ip="198.51.100.9")
        release.refresh_from_db()
        assert release.view_count == 1

    def test_bots_read_the_cache_without_counting(self, client):
        release = ReleaseFactory()
        get(client, release.get_absolute_url())
        response = client.get(release.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1", REMOTE_ADDR="198.51.100.77")
        assert response["X-Page-Cache"] == "hit"
        release.refresh_from_db()
        assert release.view_count == 1

    def test_the_view_count_update_does_not_invalidate(self, client):
        release = ReleaseFactory()
        get(client, release.get_absolute_url(), ip="198.51.100.20")
        assert get(client, "/")["X-Page-Cache"] == "miss"
        get(client, release.get_absolute_url(), ip="198.51.100.21")
        assert get(client, "/")["X-Page-Cache"] == "hit"


def test_deferred_renews_the_generation_once_at_the_end(monkeypatch):
    bumps = []
    real = caching.bump
    monkeypatch.setattr(caching, "bump", lambda: (bumps.append(1), real())[1])
    token = caching.current_token()
    with caching.deferred():
        ReleaseFactory()
        ReleaseFactory()
        assert caching.current_token() == token and not bumps
    assert caching.current_token() != token
    assert len(bumps) == 1  # once for both (and again on commit, which the test's transaction never reaches)


def test_deferred_without_changes_keeps_the_generation():
    token = caching.current_token()
    with caching.deferred():
        pass
    assert caching.current_token() == token


# --- the cache unreachable ------------------------------------------------------------

def unreachable(backend="releases.cache_backends.ResilientRedisCache"):
    """CACHES with Redis at a port where nothing listens."""
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def public_urls():
    release = ReleaseFactory()
    official = PositionFactory().official
    release.officials.add(official)
    return [
        "/", "/?page=1", release.get_absolute_url(), reverse("releases:officials"), official.get_absolute_url(),
        reverse("releases:feed-rss"), reverse("releases:category-feed-atom", args=[release.category.slug]), reverse("sitemap"),
    ]


class TestCacheOutage:
    @pytest.mark.parametrize("mode", ["direct", "buffered"])
    @pytest.mark.parametrize("backend", ["releases.cache_backends.ResilientRedisCache", "django.core.cache.backends.redis.RedisCache"])
    def test_every_public_page_renders_from_the_database_logged_once(self, client, settings, caplog, mode, backend):
        urls = public_urls()
        settings.CACHES = unreachable(backend)
        settings.VIEW_COUNT_MODE = mode
        for url in urls + urls:
            response = get(client, url)
            assert response.status_code == 200, url
            assert response["X-Page-Cache"] == "miss"
        outage_lines = [record for record in caplog.records if record.name == "releases.outages"]
        assert len(outage_lines) == 1 and outage_lines[0].exc_info is None
        assert "Cache unavailable" in outage_lines[0].getMessage()

    def test_an_edit_or_a_search_while_the_cache_is_unreachable_still_works(self, client, settings):
        settings.CACHES = unreachable()
        release = ReleaseFactory(title="ก่อน")
        release.title = "หลัง"
        release.save()
        assert Release.objects.get(pk=release.pk).title == "หลัง"
        response = get(client, "/?q=หลัง")
        assert response.status_code == 200 and release.get_absolute_url() in plain(response.content.decode())

    def test_the_cache_comes_back_by_itself_without_stale_pages(self, client, monkeypatch, caplog):
        release = ReleaseFactory(title="ฉบับเดิม")
        get(client, "/")
        assert get(client, "/")["X-Page-Cache"] == "hit"
        page_cache = caching.page_cache()

        def refused(*args, **kwargs):
            raise ConnectionError("connection refused")

        with monkeypatch.context() as outage:
            for name in ("get", "set", "delete"):
                outage.setattr(page_cache, name, refused)
            release.title = "ฉบับแก้ไข"
            release.save()  # cannot start a new generation: the cache is unreachable
            assert "ฉบับแก้ไข" in plain(get(client, "/").content.decode())
        monkeypatch.setattr(caching.outages.cache, "retry_seconds", 0)
        caching.outages.cache.failed(ConnectionError("still down"))  # the retry time has passed
        back = get(client, "/")
        assert back["X-Page-Cache"] == "miss" and "ฉบับแก้ไข" in plain(back.content.decode())
        assert get(client, "/")["X-Page-Cache"] == "hit"
        assert caplog.text.count("Cache unavailable") == 1 and caplog.text.count("Cache available again") == 1


# --- keys: what the view reads ------------------------------------------------------------


class TestKeys:
    def test_junk_query_parameters_make_no_new_keys(self, client):
        ReleaseFactory()
        assert get(client, "/?utm_source=x")["X-Page-Cache"] == "miss"
        for junk in ("/", "/?utm_source=y", "/?a=1&b=2", "/?page=1&page=1&x=1"[:0] + "/?fbclid=abc"):
            assert get(client, junk)["X-Page-Cache"] == "hit", junk

    def test_parameters_the_view_reads_still_make_their_own_pages(self, client):
        ReleaseFactory(language="th")
        get(client, "/")
        assert get(client, "/?language=en")["X-Page-Cache"] == "miss"
        assert get(client, "/?language=en&junk=1")["X-Page-Cache"] == "hit"

    def test_junk_parameters_never_reach_the_page(self, client):
        for _ in range(25):
            ReleaseFactory()
        page = get(client, "/?language=th&evil=%22%3E").content.decode()
        assert "evil" not in page and "language=th" in page

    @pytest.mark.parametrize("host", ["TESTSERVER", "testserver.", "testserver:80", "testserver:4444"])
    def test_host_spellings_and_ports_make_no_new_keys(self, client, host):
        ReleaseFactory()
        get(client, "/")
        response = get(client, "/", HTTP_HOST=host)
        assert response["X-Page-Cache"] == "hit"

    def test_a_host_matched_by_a_wildcard_is_keyed_and_linked_as_the_named_host(self, client, settings):
        settings.ALLOWED_HOSTS = ["news.example.org", ".example.org"]
        release = ReleaseFactory()
        get(client, release.get_absolute_url(), HTTP_HOST="news.example.org")
        response = get(client, release.get_absolute_url(), HTTP_HOST="junk123.example.org")
        assert response["X-Page-Cache"] == "hit"
        assert "junk123" not in plain(response.content.decode())

    def test_a_made_up_session_cookie_does_not_bypass_the_cache(self, client, settings):
        ReleaseFactory()
        get(client, "/")
        client.cookies[settings.SESSION_COOKIE_NAME] = "x"
        assert get(client, "/")["X-Page-Cache"] == "hit"
        client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefghijklmnopqrstuvwxyz012345"
        assert get(client, "/")["X-Page-Cache"] == "hit"

    def test_the_local_memory_page_cache_is_capped(self, settings):
        assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] > 0
        assert caching.page_cache()._max_entries == settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"]


class TestNotFound:
    @pytest.mark.parametrize("url", ["/?page=999", "/officials/?page=999", "/?page=abc"])
    def test_an_out_of_range_page_is_remembered_briefly(self, client, django_assert_num_queries, url):
        ReleaseFactory()
        OfficialFactory()
        assert get(client, url).status_code == 404
        with django_assert_num_queries(0):
            assert get(client, url).status_code == 404

    def test_the_not_found_entry_is_short_lived(self, client, monkeypatch, settings):
        ReleaseFactory()
        stored = []
        page_cache = caching.page_cache()
        original = page_cache.set

        def recording_set(key, value, timeout=None, **kwargs):
            stored.append((value, timeout))
            return original(key, value, timeout, **kwargs)

        monkeypatch.setattr(page_cache, "set", recording_set)
        get(client, "/?page=999")
        assert (caching.NOT_FOUND, settings.NEWSROOM_PAGE_CACHE_NOT_FOUND_SECONDS) in stored
        assert settings.NEWSROOM_PAGE_CACHE_NOT_FOUND_SECONDS < settings.NEWSROOM_PAGE_CACHE_SECONDS

    def test_a_release_published_later_is_not_hidden_by_a_remembered_404(self, client):
        assert get(client, "/releases/424242/x/").status_code == 404
        release = ReleaseFactory(pk=424242)
        assert get(client, release.get_absolute_url()).status_code == 200
        assert get(client, "/releases/424242/x/").status_code == 301  # to the right slug



class TestTokenPerRequest:
    """A page's fragments (items, filter panel, count, most read, related) share one reading of the generation."""

    @pytest.fixture
    def readings(self, monkeypatch):
        counted = []
        original = caching._current_token
        monkeypatch.setattr(caching, "_current_token", lambda now=None: counted.append(1) or original(now))
        return counted

    @pytest.mark.parametrize("path", ["/", "/?page=2", "/en/"])
    def test_a_list_page_reads_it_once(self, client, settings, readings, path):
        settings.NEWSROOM_PAGE_CACHE = False
        for _ in range(25):
            ReleaseFactory()
        committed()
        assert client.get(path).status_code == 200
        assert len(readings) == 1

    def test_a_detail_page_reads_it_once(self, client, settings, readings):
        settings.NEWSROOM_PAGE_CACHE = False
        release = with_related_data(3)[1]
        committed()
        assert client.get(release.get_absolute_url()).status_code == 200
        assert len(readings) == 1

    def test_outside_a_request_every_call_reads_and_a_bump_is_seen(self, readings):
        committed()
        first = caching.current_token()
        caching.current_token()
        assert len(readings) == 2
        caching.bump()
        assert caching.current_token() != first
