"""Site-wide middleware: the security headers Django lacks, database outages; the 500 page."""

import logging

import pytest
from django.db import OperationalError, connection
from django.views.defaults import server_error

from releases.middleware import PERMISSIONS_POLICY
from tests.factories import ReleaseFactory
from tests.test_wordbreaks import plain  # page text without the <wbr> between Thai words

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/no-such-page/", "/admin/login/", "/static/admin/css/base.css"])
def test_cross_origin_and_permissions_policy_on_every_response(client, path):
    response = client.get(path)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY



# --- the database unreachable ------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(connection, "cursor", refused)


def test_an_unreachable_database_is_a_503_with_retry_after_logged_once(client, settings, caplog, database_down):
    for path in ("/", "/officials/", "/releases/1/x/", "/feeds/latest/rss/"):
        response = client.get(path)
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.NEWSROOM_RETRY_AFTER_SECONDS)
        page = response.content.decode()
        assert "ไม่พร้อมให้บริการชั่วคราว" in page and "Temporarily unavailable" in page
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage()[:20] for record in logged] == ["Database unavailable"]
    assert logged[0].exc_info is None and "Traceback" not in caplog.text


def test_pages_the_cache_holds_are_still_served_without_the_database(client, settings, request):
    settings.NEWSROOM_PAGE_CACHE = True
    ReleaseFactory(title="ข่าวที่แคชไว้")
    client.get("/")
    request.getfixturevalue("database_down")
    response = client.get("/")
    assert response.status_code == 200 and "ข่าวที่แคชไว้" in plain(response.content.decode())


def test_other_errors_are_left_to_the_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(connection, "cursor", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500 and "ระบบขัดข้อง" in plain(response.content.decode())


def test_the_500_page_is_thai_and_english_and_needs_no_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="th">' in page and "ระบบขัดข้อง" in page and "something went wrong" in page
