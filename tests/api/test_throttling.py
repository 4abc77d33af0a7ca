"""The API's per-client rate limit: 429 with Retry-After, by the site's client-address rule, in the shared cache."""

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


def test_the_count_lives_in_the_default_cache_shared_by_workers(client):
    """Another worker shares Django's default cache (Redis in production): it sees the same history."""
    for _ in range(3):
        client.get("/api/v1/categories/", REMOTE_ADDR="203.0.113.7")
    assert len(cache.get("throttle_api_203.0.113.7")) == 3
