"""The media view: a release's files are private until the release is public, then served cacheable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from releases import embargo
from releases.embargo import photo_candidates
from releases.models import Release
from tests.factories import OfficialFactory, ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_lookup_memory(settings):
    """Each request looks its file up afresh (TestLookupMemory turns the memory on)."""
    settings.NEWSROOM_MEDIA_LOOKUP_SECONDS = 0
    embargo._looked_up.clear()


def every_file_url(release):
    image = ReleaseImageFactory(release=release)
    attachment = ReleaseAttachmentFactory(release=release)
    return [image.image.url, image.rendition("thumb", "webp")["url"], image.rendition("display", "jpeg")["url"], attachment.file.url]


def statuses(client, urls):
    return [client.get(url).status_code for url in urls]


def test_media_urls_are_served_by_the_embargo_view():
    assert reverse("media", args=["releases/2026/12/x.jpg"]) == "/media/releases/2026/12/x.jpg"


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_non_public_release_files_are_404_for_readers_and_200_once_public(client, state):
    release = ReleaseFactory(**{state: True})
    urls = every_file_url(release)
    assert statuses(client, urls) == [404] * 4
    # Publication: a publish time in the past, nothing else (no job, no file moved).
    Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED, publish_at=timezone.now() - datetime.timedelta(seconds=1))
    assert statuses(client, urls) == [200] * 4


def test_scheduled_release_files_appear_when_the_time_passes(client, monkeypatch):
    release = ReleaseFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
    urls = every_file_url(release)
    assert statuses(client, urls) == [404] * 4
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert statuses(client, urls) == [200] * 4


def test_unpublishing_hides_the_files_again(client):
    release = ReleaseFactory()
    urls = every_file_url(release)
    assert statuses(client, urls) == [200] * 4
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    assert statuses(client, urls) == [404] * 4


def test_staff_may_fetch_a_draft_files_but_not_for_caches(client):
    urls = every_file_url(ReleaseFactory(draft=True))
    client.force_login(make_user("staffer"))
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [200] * 4
    assert {response["Cache-Control"] for response in responses} == {"private, no-store"}


def test_a_signed_in_user_without_staff_rights_gets_404(client, django_user_model):
    urls = every_file_url(ReleaseFactory(draft=True))
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert statuses(client, urls) == [404] * 4


def test_public_files_are_cacheable_with_their_type_and_length(client, settings, django_assert_max_num_queries):
    settings.NEWSROOM_MEDIA_MAX_AGE = 600
    image = ReleaseImageFactory(release=ReleaseFactory())
    with django_assert_max_num_queries(1):
        response = client.get(image.rendition("thumb", "webp")["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=600"
    # Served before the per-reader middleware: nothing makes shared caches key on cookies.
    assert "Cookie" not in response.get("Vary", "") and not response.cookies
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))
    again = client.get(image.image.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_portraits_are_always_public(client):
    from tests.images.photos import encode, upright_photo
    from django.core.files.uploadedfile import SimpleUploadedFile

    official = OfficialFactory(portrait=SimpleUploadedFile("p.png", encode(upright_photo(), "PNG").getvalue()))
    assert client.get(official.portrait.url).status_code == 200


@pytest.mark.parametrize("name", ["releases/2026/12/nothing.jpg", "documents/x.pdf", "secret.txt", "../config/settings.py", "officials/../../etc/passwd"])
def test_names_no_row_points_at_are_404(client, name):
    assert client.get("/media/" + name).status_code == 404


def test_only_get_and_head(client):
    image = ReleaseImageFactory(release=ReleaseFactory())
    assert client.head(image.image.url).status_code == 200
    assert client.post(image.image.url).status_code == 405


@pytest.mark.parametrize("accel, header, value", [
    ("x-accel-redirect", "X-Accel-Redirect", "/protected-media/{name}"),
    ("x-sendfile", "X-Sendfile", "{root}/{name}"),
])
def test_the_web_server_sends_the_bytes_when_configured(client, settings, accel, header, value):
    settings.NEWSROOM_MEDIA_ACCEL = accel
    attachment = ReleaseAttachmentFactory(release=ReleaseFactory())
    response = client.get(attachment.file.url)
    assert response.status_code == 200 and response.content == b""
    assert response[header] == value.format(name=attachment.file.name, root=settings.MEDIA_ROOT)
    assert response["Content-Type"] == "application/pdf"
    assert client.get(ReleaseAttachmentFactory(release=ReleaseFactory(draft=True)).file.url).status_code == 404


def test_rendition_names_map_to_their_master():
    assert photo_candidates("releases/2026/12/ab_thumb.webp") == [
        "releases/2026/12/ab_thumb.webp", "releases/2026/12/ab.jpg", "releases/2026/12/ab.png", "releases/2026/12/ab.webp",
    ]
    assert photo_candidates("releases/2026/12/ab.jpg") == ["releases/2026/12/ab.jpg"]


class TestLookupMemory:
    def test_a_scheduled_time_is_exact_even_when_remembered(self, client, settings, monkeypatch):
        settings.NEWSROOM_MEDIA_LOOKUP_SECONDS = 60
        release = ReleaseFactory(publish_at=timezone.now() + datetime.timedelta(minutes=1))
        url = ReleaseAttachmentFactory(release=release).file.url
        assert client.get(url).status_code == 404
        later = timezone.now() + datetime.timedelta(minutes=2)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert client.get(url).status_code == 200

    def test_a_status_change_reaches_the_files_when_the_memory_expires(self, client, settings, monkeypatch):
        settings.NEWSROOM_MEDIA_LOOKUP_SECONDS = 5
        release = ReleaseFactory()
        url = ReleaseAttachmentFactory(release=release).file.url
        assert client.get(url).status_code == 200
        Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
        assert client.get(url).status_code == 200
        clock = embargo.time.monotonic() + 6
        monkeypatch.setattr(embargo.time, "monotonic", lambda: clock)
        assert client.get(url).status_code == 404
