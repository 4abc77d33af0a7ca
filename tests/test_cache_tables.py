"""The shared database cache without Redis: its tables made by migrate, one reader counted once by several workers."""

import concurrent.futures
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from releases.models import Release
from tests.factories import ReleaseFactory

ROOT = Path(__file__).resolve().parent.parent
READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
DATABASE_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "newsroom_cache"},
    "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "newsroom_page_cache"},
}


class TestSettings:
    def test_without_redis_the_default_cache_is_the_database(self, monkeypatch):
        """What `make serve` gets with no REDIS_URL and no NEWSROOM_CACHE (the suite sets locmem)."""
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "NEWSROOM_CACHE")}
        code = "from django.conf import settings; print(sorted((k, v['BACKEND']) for k, v in settings.CACHES.items()))"
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        assert result.returncode == 0, result.stderr
        assert "DatabaseCache" in result.stdout and "LocMemCache" not in result.stdout

    def test_an_unknown_cache_kind_is_refused(self):
        env = {**os.environ, "NEWSROOM_CACHE": "memcached", "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
        assert result.returncode != 0 and 'NEWSROOM_CACHE must be "database" or "locmem"' in result.stderr


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_cache_tables(settings):
    settings.CACHES = DATABASE_CACHES
    try:
        call_command("migrate", verbosity=0)
        tables = set(connection.introspection.table_names())
        assert {"newsroom_cache", "newsroom_page_cache"} <= tables
        call_command("migrate", verbosity=0)  # again: the tables are kept, nothing fails
    finally:
        with connection.cursor() as cursor:
            for table in ("newsroom_cache", "newsroom_page_cache"):
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")


# --- two gunicorn workers --------------------------------------------------------------

@pytest.fixture
def served_database(transactional_db, tmp_path):
    """Environment variables that point another process at this test's database.

    PostgreSQL: the test database by name (rows are committed: transactional_db). SQLite: the
    in-memory test database is copied to a file, which this process then uses too.
    """
    if connection.vendor != "sqlite":
        params = connection.settings_dict
        url = f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"
        yield {"DATABASE_URL": url, "NEWSROOM_VAR_DIR": str(tmp_path)}
        return
    original = connections["default"]
    original.ensure_connection()
    target = sqlite3.connect(tmp_path / "newsroom.sqlite3")
    original.connection.backup(target)
    target.close()
    connections["default"] = original.__class__({**original.settings_dict, "NAME": str(tmp_path / "newsroom.sqlite3")}, "default")
    yield {"NEWSROOM_VAR_DIR": str(tmp_path)}
    connections["default"].close()
    connections["default"] = original


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_workers(served_database, tmp_path):
    """`make serve` as it runs by default (gunicorn, two workers, no Redis), on this test's database."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        served_database,
        NEWSROOM_CACHE="database",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        NEWSROOM_PLAIN_STATIC="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    # migrate: the tables of the database cache come from its post_migrate step.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/robots.txt", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def shown_views(html):
    """The count the detail page shows."""
    match = re.search(r'class="views">([^<]*)<', html)
    return int(re.sub(r"\D", "", match.group(1)))


def reload(url, user_agent=READER):
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=30) as response:
        return shown_views(response.read().decode())


@pytest.mark.slow
def test_two_workers_count_one_reader_once_and_never_go_backwards(served_database, two_workers):
    base, log = two_workers
    release = ReleaseFactory(title="นับครั้งเดียว")
    url = base + release.get_absolute_url()
    shown = [reload(url)]
    # Reloads by the same reader, several at a time, until both workers have answered some.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):
            shown += pool.map(reload, [url] * 4)
            workers = {line.split()[0] for line in log.read_text().splitlines() if f"/releases/{release.pk}/" in line}
            if len(workers) == 2:
                break
    assert len(workers) == 2, log.read_text()[-500:]
    assert shown == [1] * len(shown)
    assert Release.objects.get(pk=release.pk).view_count == 1
    reload(url, user_agent=READER.replace("131", "130"))  # another reader counts
    assert Release.objects.get(pk=release.pk).view_count == 2
