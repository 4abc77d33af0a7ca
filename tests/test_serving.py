"""Production serving: the gunicorn configuration and the benchmark's reference views."""

import importlib
import runpy
import types
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import clear_url_caches

from releases.models import Category, Release

GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "config" / "gunicorn.py"


def load_gunicorn_config(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONFIG))


class TestGunicornConfig:
    def test_every_setting_is_one_gunicorn_knows(self, monkeypatch):
        from gunicorn.config import Config

        config = load_gunicorn_config(monkeypatch)
        known = Config().settings
        hooks = {"when_ready"}
        for name, value in config.items():
            if name.startswith("_") or callable(value) and name not in hooks or isinstance(value, types.ModuleType):
                continue
            assert name in known, name
            Config().set(name, value)  # gunicorn validates the type

    def test_production_defaults(self, monkeypatch):
        config = load_gunicorn_config(monkeypatch)
        assert config["wsgi_app"] == "config.wsgi:application"
        assert config["workers"] == max(2, config["cpu_count"]())
        assert config["preload_app"] is True
        assert config["timeout"] == 30 and config["graceful_timeout"] == 30
        assert config["max_requests"] > 0 and 0 < config["max_requests_jitter"] < config["max_requests"]
        assert config["control_socket_disable"] is True

    def test_environment_overrides(self, monkeypatch):
        config = load_gunicorn_config(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_TIMEOUT="60")
        assert (config["workers"], config["bind"], config["timeout"]) == (5, "0.0.0.0:9000", 60)

    def test_when_ready_warms_up_and_closes_what_workers_must_not_share(self, monkeypatch, db):
        import gc

        from django.db import connection

        config = load_gunicorn_config(monkeypatch)
        connection.ensure_connection()
        monkeypatch.setattr(gc, "freeze", lambda: None)
        closed = []
        monkeypatch.setattr("django.db.connections.close_all", lambda: closed.append(True))
        built = []
        monkeypatch.setattr("releases.search.segmentation.syllables", lambda words: built.append(words))
        config["when_ready"](server=None)
        assert built and built[0]  # the search tries were built (and so are shared)
        assert closed


@pytest.fixture
def bench_urls(settings, transactional_db):
    """The site as bench/run serves it (NEWSROOM_BENCH_VIEWS on): bench/benchapp installed and migrated, /bench/ routed."""
    import config.urls

    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "bench.benchapp"], NEWSROOM_BENCH_VIEWS=True):
        call_command("migrate", "benchapp", verbosity=0)
        importlib.reload(config.urls)
        clear_url_caches()
        from bench.benchapp import views

        views._counter_pk = None
        yield views
        call_command("migrate", "benchapp", "zero", verbosity=0)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
class TestBenchViews:
    def test_not_routed_unless_switched_on(self, client):
        assert client.get("/bench/constant/").status_code == 404
        assert client.get("/bench/counter/").status_code == 404

    def test_bench_app_is_not_installed_unless_switched_on(self):
        """Without NEWSROOM_BENCH_VIEWS the benchmark's app and its table do not exist."""
        from django.apps import apps

        assert not apps.is_installed("bench.benchapp")

    def test_constant_is_2_kb(self, client, bench_urls, django_assert_max_num_queries):
        with django_assert_max_num_queries(0):
            response = client.get("/bench/constant/")
        assert response.status_code == 200
        assert len(response.content) == 2048

    def test_counter_is_one_update_and_one_select(self, client, bench_urls, django_assert_num_queries):
        client.get("/bench/counter/")  # creates the counter row
        with django_assert_num_queries(2):
            response = client.get("/bench/counter/")
        assert b"2 views" in response.content
        from bench.benchapp.models import Counter

        assert Counter.objects.get().view_count == 2

    def test_counter_writes_nothing_into_the_sites_tables(self, client, bench_urls):
        """The minimal counter uses its own table: no release or category appears."""
        client.get("/bench/counter/")
        assert not Release.objects.exists() and not Category.objects.exists()
