"""A release page stored once and served from the store (releases/stored_pages/__init__.py, the detail view)."""

import datetime
import urllib.parse
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases import caching, stored_pages
from releases.models import Release
from releases.stored_pages.models import StoredPage

from ..factories import OfficialFactory, ReleaseFactory, committed

pytestmark = pytest.mark.django_db
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)"}


@pytest.fixture(autouse=True)
def _stored_pages_on(settings):
    settings.NEWSROOM_STORED_PAGES = True


def page(client, release, **extra):
    return client.get(release.get_absolute_url(), **{**READER, **extra})


def test_the_first_reader_stores_the_page_the_next_gets_it_without_a_render(client, django_assert_max_num_queries):
    release = ReleaseFactory(title="แถลงข่าวกระทรวงการต่างประเทศ")
    release.officials.set([OfficialFactory()])
    committed()
    first = page(client, release, REMOTE_ADDR="10.0.0.1")
    assert first[stored_pages.HEADER] == "stored"
    assert StoredPage.objects.filter(release=release, language="th").count() == 1
    # The release row, the stored page, and counting the view: no related rows, no template.
    with django_assert_max_num_queries(7):
        second = page(client, release, REMOTE_ADDR="10.0.0.2")
    assert second[stored_pages.HEADER] == "hit"
    assert second.templates == []
    # The same page, but for the count the second reader made.
    assert second.content.decode() == first.content.decode().replace("เข้าชม 1 ครั้ง", "เข้าชม 2 ครั้ง")


def test_the_view_count_is_filled_in_on_every_request(client):
    release = ReleaseFactory()
    committed()
    for n, reader in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"], start=1):
        html = page(client, release, REMOTE_ADDR=reader).content.decode()
        assert f'<span class="views">เข้าชม {n} ครั้ง</span>' in html
        assert stored_pages.slots.VIEWS not in html and stored_pages.slots.MOST_READ not in html
    assert Release.objects.get(pk=release.pk).view_count == 3


def test_most_read_is_filled_in_not_stored(client):
    release = ReleaseFactory(title="ข่าวที่คนอ่านมาก")
    committed()
    page(client, release, REMOTE_ADDR="10.0.0.1")
    stored = StoredPage.objects.get(release=release)
    html = zlib.decompress(bytes(stored.html)).decode()
    assert stored_pages.slots.MOST_READ in html and stored_pages.slots.VIEWS in html
    caching.bump()  # a new generation: the week's most read is computed again, with this view in it
    filled = page(client, release, REMOTE_ADDR="10.0.0.2").content.decode()
    assert 'class="most-read"' in filled and release.get_absolute_url() in filled.split('class="most-read"')[1]


def test_a_query_string_staff_or_a_message_neither_read_nor_fill_the_store(client, admin_client):
    release = ReleaseFactory()
    committed()
    response = client.get(release.get_absolute_url() + "?q=<b>x</b>", **READER)
    assert stored_pages.HEADER not in response and not StoredPage.objects.exists()
    client.cookies["messages"] = "x"
    assert stored_pages.HEADER not in page(client, release)
    assert stored_pages.HEADER not in admin_client.get(release.get_absolute_url())
    assert not StoredPage.objects.exists()


def test_each_address_and_interface_has_its_own_page(client):
    release = ReleaseFactory()
    committed()
    url = release.get_absolute_url()
    path = urllib.parse.unquote(url)
    client.get(url, **READER)
    client.get("/en" + url, **READER)
    assert client.get(url, secure=True, **READER)[stored_pages.HEADER] == "stored"
    assert sorted(StoredPage.objects.values_list("address", "language")) == sorted([
        (f"http://testserver{path}", "th"), (f"http://testserver/en{path}", "en"), (f"https://testserver{path}", "th"),
    ])
    assert '<html lang="en">' in client.get("/en" + url, **READER).content.decode()


def test_a_withdrawn_or_unpublished_release_is_never_served_from_the_store(client):
    release = ReleaseFactory()
    committed()
    page(client, release)
    # Behind the signals' back: the release row decides, read on every request.
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    assert page(client, release).status_code == 404
    Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert page(client, release).status_code == 404
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.WITHDRAWN, publish_at=timezone.now() - datetime.timedelta(days=1), withdrawal_kind="error"
    )
    assert page(client, release).status_code == 410


def test_a_wrong_slug_still_redirects(client):
    release = ReleaseFactory(title="ข่าวหนึ่ง")
    committed()
    page(client, release)
    response = client.get(f"/releases/{release.pk}/wrong/", **READER)
    assert response.status_code == 301 and response["Location"] == release.get_absolute_url()


def test_a_page_rendered_while_the_content_changed_is_not_kept(client, monkeypatch):
    release = ReleaseFactory()
    committed()
    # The generation read again before storing is not the one read before the rows were.
    monkeypatch.setattr(caching, "guarded_state", lambda: ("another-generation", False))
    response = page(client, release)
    assert response.status_code == 200 and response[stored_pages.HEADER] == "miss"
    assert not StoredPage.objects.exists()


def test_with_the_store_off_nothing_is_stored(client, settings):
    settings.NEWSROOM_STORED_PAGES = False
    release = ReleaseFactory()
    page(client, release)
    assert not StoredPage.objects.exists()


def test_with_the_page_cache_on_a_release_page_comes_from_the_store_not_the_page_cache(client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    release = ReleaseFactory()
    committed()
    assert page(client, release, REMOTE_ADDR="10.0.0.1")[stored_pages.HEADER] == "stored"
    hit = page(client, release, REMOTE_ADDR="10.0.0.2")
    assert hit[stored_pages.HEADER] == "hit" and caching.HIT_HEADER not in hit
    assert Release.objects.get(pk=release.pk).view_count == 2
    # A link shared on LINE or Facebook carries tracking parameters; the page reads none of them.
    tracked = client.get(release.get_absolute_url() + "?utm_source=line&fbclid=x1", REMOTE_ADDR="10.0.0.3", **READER)
    assert tracked[stored_pages.HEADER] == "hit"


def test_a_hit_costs_fewer_queries_than_a_render(client):
    release = ReleaseFactory()
    release.officials.set([OfficialFactory(), OfficialFactory()])
    committed()
    with CaptureQueriesContext(connection) as rendered:
        page(client, release, REMOTE_ADDR="10.0.0.1")
    with CaptureQueriesContext(connection) as stored:
        page(client, release, REMOTE_ADDR="10.0.0.2")
    assert len(stored) < len(rendered) - 5
    assert not any("releases_official" in query["sql"] for query in stored.captured_queries)
