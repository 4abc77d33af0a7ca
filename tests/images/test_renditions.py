"""The renditions made at save time: releases/images/renditions.py."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from releases import images
from releases.images import ImageRejected, attach_image
from releases.models import ReleaseImage
from tests.factories import ReleaseFactory
from tests.images.photos import encode, media_files, noise, stored

pytestmark = pytest.mark.django_db


class TestRenditions:
    def test_generated_once_at_save_in_webp_and_jpeg(self):
        """A 2000x1500 photo gets a 1200 display and a 400 thumb, WebP and JPEG, recorded on the row."""
        row = attach_image(ReleaseFactory(), encode(noise(2000, 1500), "JPEG"), "big.jpg", alt_text="a")
        assert row.renditions["display"]["width"] == 1200 and row.renditions["display"]["height"] == 900
        assert row.renditions["thumb"]["width"] == 400 and row.renditions["thumb"]["height"] == 300
        for size, (width, height) in {"display": (1200, 900), "thumb": (400, 300)}.items():
            for fmt, pillow_name in [("webp", "WEBP"), ("jpeg", "JPEG")]:
                with Image.open(io.BytesIO(stored(row.renditions[size][fmt]))) as im:
                    assert (im.format, im.size) == (pillow_name, (width, height))
        assert ReleaseImage.objects.get(pk=row.pk).renditions == row.renditions

    def test_small_images_are_not_enlarged(self):
        """A 300x200 photo's renditions stay 300x200; srcset lists it once per format."""
        row = attach_image(ReleaseFactory(), encode(noise(300, 200), "JPEG"), "small.jpg")
        assert row.renditions["display"]["width"] == 300 and row.renditions["thumb"]["width"] == 300
        pic = images.picture(row, "display")
        assert pic["webp_srcset"].count("300w") == 1

    def test_rendition_helper_gives_url_and_size(self):
        """ReleaseImage.rendition(size, fmt) for templates and the admin; None when absent."""
        row = attach_image(ReleaseFactory(), encode(noise(900, 600), "JPEG"), "x.jpg")
        thumb = row.rendition("thumb", "webp")
        assert thumb == {"url": "/media/" + row.renditions["thumb"]["webp"], "width": 400, "height": 267}
        assert row.rendition("huge", "jpeg") is None

    def test_replacing_the_photo_regenerates_renditions_and_removes_old_files_after_commit(
        self, django_capture_on_commit_callbacks
    ):
        """New file, new renditions of the new size; the old files go once the transaction commits."""
        row = attach_image(ReleaseFactory(), encode(noise(800, 600), "JPEG"), "first.jpg")
        old = images.stored_names(row)

        row.image = SimpleUploadedFile("second.png", encode(noise(600, 800), "PNG").getvalue())
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            row.save()
        assert all(default_storage.exists(name) for name in old)  # not yet committed
        for callback in callbacks:
            callback()
        assert not any(default_storage.exists(name) for name in old)
        row.refresh_from_db()
        assert row.image.name.endswith(".png") and (row.width, row.height) == (600, 800)
        assert row.renditions["thumb"]["width"] == 400 and row.renditions["thumb"]["height"] == 533
        assert all(default_storage.exists(name) for name in images.stored_names(row))

    def test_assigning_a_bad_file_through_the_orm_is_refused(self):
        """Any code path that saves a photo goes through validation."""

        row = ReleaseImage(release=ReleaseFactory(), image=SimpleUploadedFile("x.jpg", b"<html></html>"))
        with pytest.raises(ImageRejected):
            row.save()
        assert not ReleaseImage.objects.exists() and media_files() == []
