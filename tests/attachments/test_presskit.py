"""The press kit ZIP: built once per change of the photos into private storage, served under the embargo rules."""

import datetime
import io
import os
import threading
import tracemalloc
import types
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from releases.attachments import presskit
from releases.models import Release
from tests.factories import ReleaseFactory, ReleaseImageFactory, login_verified, make_user

pytestmark = pytest.mark.django_db


def url(release):
    return f"/releases/{release.pk}/photos.zip"


def kits():
    try:
        return sorted(default_storage.listdir(presskit.FOLDER)[1])
    except FileNotFoundError:
        return []


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def builds(monkeypatch):
    """How many times a ZIP was written."""
    calls = []
    original = presskit.write_zip

    def counting(target, images):
        calls.append(len(images))
        original(target, images)

    monkeypatch.setattr(presskit, "write_zip", counting)
    return calls


def test_all_photos_and_credits_in_one_zip(client):
    release = ReleaseFactory()
    images = [ReleaseImageFactory(release=release, order=n, credit=f"ช่างภาพ {n}") for n in range(3)]
    response = client.get(url(release))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="release-{release.pk}-photos.zip"'
    assert response["Cache-Control"].startswith("public, max-age=")
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.namelist() == ["01.jpg", "02.jpg", "03.jpg", "credits.txt"]
    assert archive.read("01.jpg") == images[0].image.read()
    assert "ช่างภาพ 2" in archive.read("credits.txt").decode()
    assert client.get(url(release), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_built_once_then_reused(client, builds, django_assert_max_num_queries):
    release = ReleaseFactory()
    ReleaseImageFactory(release=release)
    first = body(client.get(url(release)))
    with django_assert_max_num_queries(2):  # the release, its photos
        again = body(client.get(url(release)))
    assert builds == [1] and first == again
    (name,) = kits()
    assert name.startswith(f"{release.pk}-") and name.endswith(".zip")


def test_a_photo_change_rebuilds_and_removes_the_stale_kit(client, builds):
    image = ReleaseImageFactory(release=ReleaseFactory())
    before = client.get(url(image.release))
    old_kits = kits()
    image.credit = "ใหม่"
    image.save()
    after = client.get(url(image.release), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "ใหม่" in zipfile.ZipFile(io.BytesIO(body(after))).read("credits.txt").decode()
    assert builds == [1, 1] and len(kits()) == 1 and kits() != old_kits
    ReleaseImageFactory(release=image.release, order=1)
    assert len(zipfile.ZipFile(io.BytesIO(body(client.get(url(image.release))))).namelist()) == 3


def test_kits_of_two_releases_live_side_by_side(client):
    first, second = ReleaseImageFactory(release=ReleaseFactory()), ReleaseImageFactory(release=ReleaseFactory())
    client.get(url(first.release))
    client.get(url(second.release))
    assert len(kits()) == 2


class TestEmbargo:
    @pytest.mark.parametrize("state", ["draft", "scheduled"])
    def test_not_before_publication_then_at_once_without_a_job(self, client, state):
        release = ReleaseFactory(**{state: True})
        ReleaseImageFactory(release=release)
        assert client.get(url(release)).status_code == 404
        Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED, publish_at=timezone.now() - datetime.timedelta(seconds=1))
        assert client.get(url(release)).status_code == 200

    def test_staff_get_a_drafts_kit_never_cached(self, client):
        release = ReleaseFactory(draft=True)
        ReleaseImageFactory(release=release)
        login_verified(client, make_user("editor", role="Editor"))
        response = client.get(url(release))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert zipfile.ZipFile(io.BytesIO(body(response))).namelist() == ["01.jpg", "credits.txt"]

    def test_the_stored_kit_is_not_reachable_as_media(self, client):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release)
        client.get(url(release))
        (name,) = kits()
        assert client.get(f"/media/{presskit.FOLDER}/{name}").status_code == 404

    def test_none_without_photos(self, client):
        assert client.get(url(ReleaseFactory())).status_code == 404

    def test_post_is_refused(self, client):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release)
        assert client.post(url(release)).status_code == 405


@pytest.mark.parametrize("accel, header", [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")])
def test_sent_by_the_web_server_when_configured(client, settings, accel, header):
    settings.NEWSROOM_MEDIA_ACCEL = accel
    release = ReleaseFactory()
    ReleaseImageFactory(release=release)
    response = client.get(url(release))
    (name,) = kits()
    assert response.status_code == 200 and response.content == b""
    assert response[header].endswith(f"{presskit.FOLDER}/{name}")
    assert response["Content-Disposition"].startswith("attachment;")


def stub_photos(count, size):
    """Photo-like objects over stored files: what write_zip reads (the file, caption, alt text, credit)."""
    stubs = []
    for n in range(count):
        name = default_storage.save(f"releases/stub/{n}.jpg", ContentFile(os.urandom(size)))
        image = types.SimpleNamespace(name=name, open=lambda mode, name=name: default_storage.open(name, mode))
        stubs.append(types.SimpleNamespace(pk=n, image=image, caption="", alt_text="ภาพ", credit=""))
    return stubs


def test_building_never_holds_the_zip_in_memory():
    photos = stub_photos(3, 2_000_000)
    name = presskit.kit_name(1, photos)
    tracemalloc.start()
    try:
        presskit.build_kit(name, photos)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert zipfile.ZipFile(default_storage.path(name)).testzip() is None
    assert os.path.getsize(default_storage.path(name)) > 6_000_000 and peak < 1_500_000


def test_two_first_requests_building_at_once_leave_one_whole_kit(monkeypatch):
    photos = stub_photos(4, 300_000)
    name = presskit.kit_name(7, photos)
    both_written = threading.Barrier(2, timeout=10)
    seen_before_rename = []
    original = presskit.write_zip

    def interleaved(target, images):
        original(target, images)
        # Each temporary file is complete here and neither has been renamed: no kit may show yet.
        seen_before_rename.append(os.path.exists(default_storage.path(name)))
        both_written.wait()

    monkeypatch.setattr(presskit, "write_zip", interleaved)
    errors = []

    def build():
        try:
            presskit.build_kit(name, photos)
        except Exception as exc:  # reported below: an exception in a thread is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and seen_before_rename == [False, False]
    archive = zipfile.ZipFile(default_storage.path(name))
    assert archive.testzip() is None and len(archive.namelist()) == 5
    assert kits() == [name.split("/")[1]]  # no temporary file left behind


def test_a_failed_build_leaves_nothing(monkeypatch):
    photos = stub_photos(1, 1000)

    def broken(target, images):
        target.write(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(presskit, "write_zip", broken)
    with pytest.raises(OSError):
        presskit.build_kit(presskit.kit_name(3, photos), photos)
    assert kits() == []


def test_cleanup_media_removes_stale_kits_and_keeps_current_ones(client):
    kept = ReleaseImageFactory(release=ReleaseFactory())
    gone = ReleaseImageFactory(release=ReleaseFactory())
    client.get(url(kept.release))
    client.get(url(gone.release))
    current = presskit.kit_name(kept.release.pk, [kept])
    old = (timezone.now() - datetime.timedelta(hours=2)).timestamp()
    stale = default_storage.save(f"{presskit.FOLDER}/{kept.release.pk}-0000.zip", ContentFile(b"old"))
    gone.release.delete()
    for name in kits():
        os.utime(default_storage.path(f"{presskit.FOLDER}/{name}"), (old, old))
    err = io.StringIO()
    call_command("cleanup_media", stdout=io.StringIO(), stderr=err)
    assert kits() == [current.split("/")[1]] and not default_storage.exists(stale)
    assert "presskits" not in err.getvalue()  # a kit not built yet is not "missing"


def test_current_kit_names_follow_each_release_photos():
    first = ReleaseImageFactory(release=ReleaseFactory())
    second = ReleaseImageFactory(release=first.release, order=1)
    other = ReleaseImageFactory(release=ReleaseFactory())
    assert presskit.current_kit_names() == {presskit.kit_name(first.release.pk, [first, second]), presskit.kit_name(other.release.pk, [other])}


def test_object_storage_without_local_paths_builds_once_and_keeps_the_embargo(client, builds, monkeypatch):
    from django.core.files.storage import InMemoryStorage

    class Bucket:
        """Like S3Storage: files by name only, no local path to rename or hand to the web server."""

        def __init__(self):
            self.files = InMemoryStorage()

        def path(self, name):
            raise NotImplementedError

        def __getattr__(self, attribute):  # exists, save, open, listdir, delete
            return getattr(self.files, attribute)

    bucket = Bucket()
    monkeypatch.setattr(presskit, "default_storage", bucket)
    image = ReleaseImageFactory(release=ReleaseFactory(), credit="ช่างภาพ")
    first = client.get(url(image.release))
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    assert "ช่างภาพ" in zipfile.ZipFile(io.BytesIO(body(first))).read("credits.txt").decode()
    assert body(client.get(url(image.release))) and builds == [1]
    image.credit = "ใหม่"
    image.save()
    client.get(url(image.release))
    assert builds == [1, 1] and len(bucket.listdir(presskit.FOLDER)[1]) == 1  # the stale kit is gone
    assert kits() == []  # nothing went to the local disk
    draft = ReleaseFactory(draft=True)
    ReleaseImageFactory(release=draft)
    assert client.get(url(draft)).status_code == 404
