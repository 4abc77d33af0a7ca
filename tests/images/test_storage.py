"""File lifecycle: written before the row, removed if it fails, old files removed after commit: releases/images/storage.py."""

from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.base import ContentFile
from django.db import transaction

from releases import images
from releases.images import attach_image
from releases.images.storage import is_new_upload
from releases.models import Release, ReleaseImage
from tests.factories import OfficialFactory, ReleaseFactory
from tests.images.photos import add_photo, change_url, encode, form_data, media_files, noise, upload

pytestmark = pytest.mark.django_db


class TestLifecycle:
    def test_rolled_back_delete_keeps_files(self):
        """A delete inside a transaction that rolls back leaves the files in place."""
        row = attach_image(ReleaseFactory(), encode(noise(100, 80), "JPEG"), "x.jpg")
        with pytest.raises(RuntimeError), transaction.atomic():
            row.delete()
            raise RuntimeError
        assert all(default_storage.exists(name) for name in images.stored_names(row))

    def test_deleting_a_release_removes_its_photos_files(self, django_capture_on_commit_callbacks):
        """The cascade fires the same cleanup for every photo."""
        release = ReleaseFactory()
        for n in range(2):
            attach_image(release, encode(noise(100, 80), "JPEG"), f"{n}.jpg", order=n)
        assert len(media_files()) == 10
        with django_capture_on_commit_callbacks(execute=True):
            release.delete()
        assert media_files() == []

    def test_disk_full_leaves_no_row_and_no_file(self):
        """The third write fails half way (ENOSPC): no row, and nothing, not even the half file, is left."""
        real_save = FileSystemStorage._save
        calls = []

        def failing_save(storage, name, content):
            calls.append(name)
            if len(calls) == 3:
                with open(storage.path(name), "wb") as half:
                    half.write(content.read()[:10])
                raise OSError(28, "No space left on device")
            return real_save(storage, name, content)

        release = ReleaseFactory()
        with mock.patch.object(FileSystemStorage, "_save", failing_save), pytest.raises(OSError):
            attach_image(release, encode(noise(600, 400), "JPEG"), "x.jpg")
        assert len(calls) == 3
        assert not ReleaseImage.objects.exists()
        assert media_files() == []

    def test_database_failure_after_writing_removes_the_files(self):
        """If the row cannot be saved, the files written for it are removed."""
        release = ReleaseFactory()
        with mock.patch("django.db.models.Model.save_base", side_effect=RuntimeError("db down")):
            with pytest.raises(RuntimeError):
                attach_image(release, encode(noise(100, 80), "JPEG"), "x.jpg")
        assert media_files() == []


class TestStorageFailure:
    def test_disk_full_during_an_admin_upload_is_a_message_not_a_500(self, publisher_client):
        """Storage fails mid-write: everything rolls back (the title edit too), no file is left, the editor is told."""
        from unittest import mock

        from django.core.files.storage import FileSystemStorage

        release = ReleaseFactory(draft=True, title="เดิม")
        page = publisher_client.get(change_url(release))
        data = add_photo(form_data(page), 0, upload("a.jpg", encode(noise(500, 400), "JPEG")), alt_text="x")
        data["title"] = "แก้ไขแล้ว"
        real_save = FileSystemStorage._save
        calls = []

        def failing_save(storage, name, content):
            calls.append(name)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return real_save(storage, name, content)

        with mock.patch.object(FileSystemStorage, "_save", failing_save):
            response = publisher_client.post(change_url(release), data, follow=True)
        assert response.status_code == 200 and len(calls) == 2
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        assert Release.objects.get(pk=release.pk).title == "เดิม"
        assert not ReleaseImage.objects.exists()
        assert media_files() == []


def _photo(release=None):
    # Larger than the thumbnail box, so the photo has an original and four distinct renditions.
    return attach_image(release or ReleaseFactory(), encode(noise(500, 400), "JPEG"), "x.jpg")


def _official_with_portrait():
    official = OfficialFactory()
    official.portrait = ContentFile(encode(noise(60, 80), "PNG").getvalue(), name="p.png")
    official.save()
    return official


def _files_of(row):
    return images.stored_names(row) if isinstance(row, ReleaseImage) else [row.portrait.name]


def _assign_new_file(row):
    if isinstance(row, ReleaseImage):
        row.image = upload("y.jpg", encode(noise(130, 100), "JPEG"))
    else:
        row.portrait = ContentFile(encode(noise(70, 90), "PNG").getvalue(), name="q.png")


MAKERS = {"release photo": _photo, "official portrait": _official_with_portrait}


@pytest.mark.parametrize("make", MAKERS.values(), ids=MAKERS.keys())
class TestOneMechanismForPhotosAndPortraits:
    """Release photos and portraits share storage.files_before_row: the same guarantees for both."""

    def test_files_are_written_before_the_row_and_removed_if_the_row_fails(self, make):
        """A new file whose row cannot be saved leaves nothing behind."""
        row = make()
        before = media_files()
        _assign_new_file(row)
        with mock.patch("django.db.models.Model.save_base", side_effect=RuntimeError("db down")):
            with pytest.raises(RuntimeError):
                row.save()
        assert media_files() == before

    def test_delete_removes_files_after_commit_not_before(self, make, django_capture_on_commit_callbacks):
        """Files stay until commit (a photo's original and four renditions, or the portrait), then all go."""
        row = make()
        names = _files_of(row)
        assert names and all(default_storage.exists(name) for name in names)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            row.delete()
        assert all(default_storage.exists(name) for name in names)
        for callback in callbacks:
            callback()
        assert media_files() == []

    def test_replaced_files_go_after_commit_not_before(self, make, django_capture_on_commit_callbacks):
        """A replaced file stays until the replacing save commits, then goes; the new one stays."""
        row = make()
        old = _files_of(row)
        _assign_new_file(row)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            row.save()
        new = _files_of(row)
        assert set(old).isdisjoint(new)
        assert all(default_storage.exists(name) for name in old + new)
        for callback in callbacks:
            callback()
        assert not any(default_storage.exists(name) for name in old)
        assert sorted(media_files()) == sorted(new)

    def test_rolled_back_replacement_keeps_the_old_files(self, make):
        """A replacement rolled back after the save keeps the old files (the new ones are orphans for cleanup_media)."""
        row = make()
        old = _files_of(row)
        _assign_new_file(row)
        with pytest.raises(RuntimeError), transaction.atomic():
            row.save()
            raise RuntimeError
        assert all(default_storage.exists(name) for name in old)
        # The new files were written before a row that was then rolled back: cleanup_media's job.
        assert len(media_files()) == 2 * len(old)

    def test_saving_without_a_new_file_writes_and_removes_nothing(self, make, django_capture_on_commit_callbacks):
        """Saving other fields neither writes nor deletes a file."""
        row = make()
        before = media_files()
        with django_capture_on_commit_callbacks(execute=True):
            type(row).objects.get(pk=row.pk).save()
        assert media_files() == before


def test_a_cleared_portrait_is_removed_after_commit(django_capture_on_commit_callbacks):
    """Clearing a portrait removes its file once the save commits, not before."""
    official = _official_with_portrait()
    name = official.portrait.name
    official.portrait = ""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        official.save()
    assert default_storage.exists(name)
    for callback in callbacks:
        callback()
    assert media_files() == []


def test_is_new_upload_follows_the_field_file_state():
    """The adapter over FieldFile._committed: new after assignment, stored after save."""
    official = OfficialFactory()
    assert not is_new_upload(official.portrait)
    official.portrait = ContentFile(encode(noise(20, 20), "PNG").getvalue(), name="p.png")
    assert is_new_upload(official.portrait)
    official.save()
    assert not is_new_upload(official.portrait)
    assert not is_new_upload(type(official).objects.get(pk=official.pk).portrait)
