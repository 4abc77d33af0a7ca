"""The API's per-client rate limit: 429 with Retry-After, by the site's client-address rule, in the shared cache."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rate(settings):
    settings.NEWSROOM_API_RATE = "3/minute"


def test_over_the_rate_is_429_with_retry_after(client):
    ReleaseFactory()
    for _ in range(3):
        assert client.get("/api/v1/releases/", REMOTE_ADDR="203.0.113.5").status_code == 200
    response = client.get("/api/v1/releases/", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # Another client is not affected.
    assert client.get("/api/v1/releases/", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_cached_answers_count_too(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    for _ in range(3):
        client.get("/api/v1/categories/", REMOTE_ADDR="203.0.113.5")
    assert client.get("/api/v1/categories/", REMOTE_ADDR="203.0.113.5").status_code == 429


def test_behind_a_proxy_the_client_is_the_forwarded_address(client, settings):
    settings.PROXY_COUNT = 1
    for n in range(4):
        # Same proxy, different readers: nobody is limited.
        response = client.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 200
    for _ in range(3):
        client.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client.get("/api/v1/categories/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


def test_the_count_lives_in_the_default_cache(client):
    for _ in range(3):
        client.get("/api/v1/categories/", REMOTE_ADDR="203.0.113.7")
    assert len(cache.get("throttle_api_203.0.113.7")) == 3


# A second worker: its own process with the production settings' Redis cache, asking once.
SECOND_WORKER = """
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/api/v1/categories/", REMOTE_ADDR="203.0.113.8")
print(response.status_code, response.get("Retry-After"))
"""


@pytest.fixture
def redis_cache(settings):
    """Django's default cache on Redis, as in production, under a key prefix of this test's own."""
    import redis

    prefix = f"test-api-throttle-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": prefix}
    }
    yield prefix
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def test_two_worker_processes_share_one_count_through_redis(client, redis_cache):
    for _ in range(3):
        assert client.get("/api/v1/categories/", REMOTE_ADDR="203.0.113.8").status_code == 200
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in ("DATABASE_URL",)}
    env.update(
        DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0", DJANGO_CACHE_PREFIX=redis_cache,
        NEWSROOM_API_RATE="3/minute", PYTHAINLP_READ_ONLY="1", PYTHAINLP_OFFLINE="1",
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SECOND_WORKER], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    status, retry_after = result.stdout.split()[-2:]
    assert status == "429", result.stdout + result.stderr
    assert 0 < int(retry_after) <= 60
