"""Gzip for public pages, never for responses that may carry a secret (BREACH)."""

import gzip

from tests.factories import ReleaseFactory
from tests.test_wordbreaks import plain  # page text without the <wbr> between Thai words

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_public_pages_are_compressed_for_clients_that_accept_it(client, db):
    release = ReleaseFactory(title="ข่าวทดสอบการบีบอัด", body="ย่อหน้า " * 200)
    for url in ("/", release.get_absolute_url(), "/officials/", "/feeds/latest/rss/"):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"], url
    assert "ข่าวทดสอบการบีบอัด" in plain(gzip.decompress(client.get("/", **GZIP).content).decode())


def test_not_compressed_without_accept_encoding(client, db):
    ReleaseFactory(body="ย่อหน้า " * 200)
    assert not client.get("/").has_header("Content-Encoding")


def test_admin_is_never_compressed(editor_client):
    ReleaseFactory(body="ย่อหน้า " * 200)
    response = editor_client.get("/admin/releases/release/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_signed_in_user_gets_public_pages_uncompressed(editor_client):
    ReleaseFactory(body="ย่อหน้า " * 200)
    assert not editor_client.get("/", **GZIP).has_header("Content-Encoding")


def test_the_sign_in_page_with_its_csrf_token_is_not_compressed(client, db):
    response = client.get("/admin/login/", **GZIP)
    assert "csrfmiddlewaretoken" in plain(response.content.decode())
    assert not response.has_header("Content-Encoding")


def test_a_public_page_that_used_the_csrf_token_is_not_compressed(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from releases.compression import PublicGZipMiddleware

    def page_with_a_form(request):
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # what get_token() does
        return HttpResponse("<form>" + "x" * 2000 + "</form>")

    request = rf.get("/subscribe/", **GZIP)
    request.user = AnonymousUser()
    assert not PublicGZipMiddleware(page_with_a_form)(request).has_header("Content-Encoding")
    plain = rf.get("/", **GZIP)
    plain.user = AnonymousUser()
    assert PublicGZipMiddleware(lambda r: HttpResponse("x" * 2000))(plain)["Content-Encoding"] == "gzip"
