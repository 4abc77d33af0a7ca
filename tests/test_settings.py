"""config/settings.py: environment-driven, secure by default, SQLite tuned for concurrency."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_extra=None, drop=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1"})
    env.update(env_extra or {})
    for name in drop:
        env.pop(name, None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_check_deploy_passes_with_only_secret_key_and_hosts():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={"DJANGO_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret", "DJANGO_ALLOWED_HOSTS": "news.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_is_a_clear_start_up_error():
    result = run_manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_SECRET_KEY": "k" * 60})
    assert result.stdout.split()[-3:] == ["False", "True", "True"], result.stderr
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_SECRET_KEY": "k" * 60, "DJANGO_SECURE_SSL_REDIRECT": "0"})
    assert result.stdout.split()[-3:] == ["False", "False", "True"]


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@db.example:5432/news"})
    assert "django.db.backends.postgresql news" in result.stdout, result.stderr
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1"})
    assert "sqlite3" in result.stdout and "var/newsroom.sqlite3" in result.stdout


def test_postgresql_connections_run_without_jit_unless_asked_for():
    code = "from django.conf import settings; print(repr(settings.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    url = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@db.example:5432/news?options=-c%20statement_timeout%3D5000"}
    result = run_manage("shell", "-c", code, env_extra=url)
    assert "'-c statement_timeout=5000 -c jit=off'" in result.stdout, result.stdout + result.stderr  # the URL's own options kept
    result = run_manage("shell", "-c", code, env_extra={**url, "NEWSROOM_POSTGRES_JIT": "1"})
    assert "'-c statement_timeout=5000'" in result.stdout


@pytest.mark.django_db
def test_jit_is_off_on_the_connection_itself():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    else:  # SQLite has no JIT, and its connection options stay its own
        assert "options" not in connection.settings_dict.get("OPTIONS", {})


def test_redis_url_selects_redis_cache():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert "RedisCache" in result.stdout


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Bangkok" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "th"
    assert [code for code, _ in settings.LANGUAGES] == ["th", "en"]


@pytest.mark.django_db
def test_sqlite_pragmas_really_apply():
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"  # the PRAGMAs concern SQLite only
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_file_database_uses_wal(tmp_path):
    """WAL only shows on a file database (the test database is in memory)."""
    code = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "NEWSROOM_VAR_DIR": str(tmp_path)})
    assert result.stdout.split()[-2:] == ["wal", "20000"], result.stderr


@pytest.mark.django_db
def test_content_security_policy_on_every_page(client):
    for url in ["/", "/admin/login/"]:
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_staff_idle_time_from_the_environment():
    code = "from django.conf import settings; print(settings.STAFF_SESSION_IDLE_SECONDS)"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "NEWSROOM_STAFF_IDLE_MINUTES": "30"})
    assert result.stdout.split()[-1] == "1800", result.stderr


def test_mail_goes_to_the_console_unless_an_smtp_host_is_set():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1"}, drop=("EMAIL_HOST", "EMAIL_BACKEND"))
    assert "console.EmailBackend" in result.stdout, result.stderr
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525"})
    assert "smtp.EmailBackend smtp.example.org 2525" in result.stdout, result.stderr

def test_task_queue_and_mail_follow_the_environment():
    code = "from django.conf import settings as s; from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__, HUEY.immediate, s.EMAIL_BACKEND.rsplit('.', 2)[-2])"
    base = {"DJANGO_DEBUG": "1"}
    result = run_manage("shell", "-c", code, env_extra=base, drop=("NEWSROOM_TASKS_IMMEDIATE",))
    assert result.stdout.split()[-3:] == ["SqliteHuey", "False", "console"], result.stderr
    result = run_manage(
        "shell", "-c", code, env_extra={**base, "REDIS_URL": "redis://127.0.0.1:6379/15", "EMAIL_HOST": "smtp.example.org"},
        drop=("NEWSROOM_TASKS_IMMEDIATE",),
    )
    assert result.stdout.split()[-3:] == ["RedisHuey", "False", "smtp"], result.stderr


def test_staff_sessions_last_a_working_day_at_most():
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1"})
    assert result.stdout.split()[-1] == str(12 * 3600), result.stderr
    result = run_manage("shell", "-c", code, env_extra={"DJANGO_DEBUG": "1", "NEWSROOM_SESSION_HOURS": "4"})
    assert result.stdout.split()[-1] == str(4 * 3600), result.stderr
