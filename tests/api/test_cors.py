"""CORS on the API: any origin may read (GET, HEAD); preflights for writes are refused; the site gets no CORS header."""

import pytest

from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://embassy.example"


def preflight(client, method, path="/api/v1/releases/"):
    return client.options(
        path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )


def test_get_and_head_are_readable_from_any_origin(client):
    ReleaseFactory()
    for response in (client.get("/api/v1/releases/", HTTP_ORIGIN=ORIGIN), client.head("/api/v1/releases/", HTTP_ORIGIN=ORIGIN)):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in response


def test_preflight_for_get_is_allowed(client):
    response = preflight(client, "GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_preflight_for_a_write_is_refused(client, method):
    response = preflight(client, method)
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_writes_are_405_without_cors_headers(client, method):
    release = ReleaseFactory()
    response = getattr(client, method)(f"/api/v1/releases/{release.pk}/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_the_site_gets_no_cors_header(client):
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in preflight(client, "GET", path="/")
