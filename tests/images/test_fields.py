"""The upload field in the admin: photos and portraits, validation errors, the alt-text publish rule: releases/images/fields.py."""

import io
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils.html import escape
from PIL import ExifTags, Image

from releases.images import attach_image
from releases.models import Official, Release, ReleaseImage
from tests.factories import OfficialFactory, ReleaseFactory
from tests.images.photos import (
    BLUE, RED, change_url, close, encode, form_data, image_errors, media_files, noise, phone_jpeg, png_with_size,
    post_photo, upload, upright_photo,
)

pytestmark = pytest.mark.django_db


class TestUploadFlow:
    def test_phone_photo_upload_end_to_end(self, publisher_client, django_assert_max_num_queries):
        """Publisher uploads a sideways phone JPEG with GPS; the public page serves upright, clean renditions."""
        release = ReleaseFactory(draft=True)
        response = post_photo(publisher_client, release, upload("IMG_1234.JPG", phone_jpeg(400, 600)), alt_text="รัฐมนตรีพบทูต")
        assert response.status_code == 302, response.context["errors"] if response.context else response
        photo = release.images.get()
        assert (photo.width, photo.height) == (400, 600) and photo.alt_text == "รัฐมนตรีพบทูต"
        assert set(photo.renditions) == {"thumb", "display"}
        with default_storage.open(photo.renditions["display"]["jpeg"]) as handle, Image.open(handle) as im:
            assert im.size == (400, 600) and not im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert close(im.getpixel((200, 50)), RED) and close(im.getpixel((200, 550)), BLUE)
        for name in (photo.image.name, photo.renditions["thumb"]["webp"]):
            with default_storage.open(name) as handle:
                assert b"SERIAL-0042" not in handle.read()

        Release.objects.filter(pk=release.pk).update(status=Release.Status.PUBLISHED, publish_at=release.created_at)
        release.refresh_from_db()
        publisher_client.logout()
        with django_assert_max_num_queries(12):
            page = publisher_client.get(release.get_absolute_url())
        html = page.content.decode()
        assert page.status_code == 200
        assert "<picture>" in html and f'/media/{photo.renditions["display"]["webp"]}' in html
        assert f'src="/media/{photo.renditions["display"]["jpeg"]}"' in html and 'width="400" height="600"' in html
        assert 'alt="รัฐมนตรีพบทูต"' in html

    def test_editor_adds_a_photo_to_a_draft(self, editor_client):
        """Editors may add photos to drafts; the file goes through the pipeline."""
        release = ReleaseFactory(draft=True)
        response = post_photo(editor_client, release, upload("a.png", encode(upright_photo(), "PNG")))
        assert response.status_code == 302
        assert release.images.get().renditions["thumb"]["webp"].endswith(".webp")

    @pytest.mark.parametrize(
        ("name", "content", "code", "named"),
        [
            ("photo.jpg", b"<!DOCTYPE html><html><body>hi</body></html>", "not_image", "HTML"),
            ("drawing.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not_image", "SVG"),
            ("bomb.png", png_with_size(20_000, 20_000).getvalue(), "too_many_pixels", "40"),
            ("cut.jpg", encode(noise(200, 200), "JPEG").getvalue()[:1500], "corrupt", ""),
            ("figure.jpg", encode(upright_photo(), "EPS").getvalue(), "not_image", "PostScript"),
            ("photo.gif", encode(upright_photo(), "JPEG").getvalue(), "extension", ".gif"),
        ],
    )
    def test_bad_upload_is_a_form_error_naming_the_reason(self, publisher_client, name, content, code, named):
        """Never a 500, never a row or a file: the inline shows why the file was refused."""
        release = ReleaseFactory(draft=True)
        response = post_photo(publisher_client, release, upload(name, content), alt_text="x")
        assert response.status_code == 200
        (error,) = image_errors(response)
        assert error.code == code and named in error.messages[0]
        assert escape(error.messages[0]) in response.content.decode()
        assert not ReleaseImage.objects.exists()
        assert not default_storage.exists("releases")

    def test_oversize_upload_is_a_form_error(self, publisher_client, settings):
        """Over the byte limit: the error gives the limit."""
        settings.NEWSROOM_IMAGE_MAX_BYTES = 2000
        release = ReleaseFactory(draft=True)
        response = post_photo(publisher_client, release, upload("big.jpg", encode(noise(200, 200), "JPEG")), alt_text="x")
        assert response.status_code == 200
        (error,) = image_errors(response)
        assert error.code == "too_large" and "2.0" in error.messages[0]

    def test_change_form_shows_thumbnails(self, publisher_client):
        """The inline shows each photo's 400px JPEG rendition with its size."""
        release = ReleaseFactory(draft=True)
        photo = attach_image(release, encode(noise(800, 600), "JPEG"), "a.jpg", alt_text="ภาพ")
        html = publisher_client.get(change_url(release)).content.decode()
        assert f'src="/media/{photo.renditions["thumb"]["jpeg"]}"' in html and 'class="admin-thumb"' in html

    def test_reordering_changes_the_lead_image(self, publisher_client):
        """Editing the order numbers reorders the photos; the first is the lead image."""
        release = ReleaseFactory(draft=True)
        first = attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg", alt_text="a", order=0)
        second = attach_image(release, encode(upright_photo(), "JPEG"), "b.jpg", alt_text="b", order=1)
        data = form_data(publisher_client.get(change_url(release)))
        ids = {data[f"images-{i}-id"]: i for i in range(2)}
        data[f"images-{ids[str(first.pk)]}-order"] = "5"
        assert publisher_client.post(change_url(release), data).status_code == 302
        assert Release.objects.get(pk=release.pk).lead_image == second

    def test_replacing_a_photo_in_the_admin_regenerates_renditions(self, publisher_client, django_capture_on_commit_callbacks):
        """A new file on an existing row: new renditions, old files gone after commit."""
        release = ReleaseFactory(draft=True)
        photo = attach_image(release, encode(noise(800, 600), "JPEG"), "a.jpg", alt_text="a")
        old = photo.renditions["thumb"]["jpeg"]
        data = form_data(publisher_client.get(change_url(release)))
        data["images-0-image"] = upload("b.png", encode(noise(300, 600), "PNG"))
        with django_capture_on_commit_callbacks(execute=True):
            assert publisher_client.post(change_url(release), data).status_code == 302
        photo.refresh_from_db()
        assert photo.renditions["thumb"]["height"] == 600 and photo.image.name.endswith(".png")
        assert not default_storage.exists(old)


class TestAltTextRule:
    def test_publishing_with_a_photo_lacking_alt_text_is_refused(self, publisher_client):
        """Status -> published with a photo without alt text: error at the photo, nothing published."""
        release = ReleaseFactory(draft=True)
        attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg")
        data = form_data(publisher_client.get(change_url(release)))
        data["status"] = "published"
        response = publisher_client.post(change_url(release), data)
        assert response.status_code == 200
        formset = response.context["inline_admin_formsets"][0].formset
        assert formset.non_form_errors().as_data()[0].code == "alt_text_required"
        assert formset.forms[0].errors.as_data()["alt_text"][0].code == "alt_text_required"
        assert Release.objects.get(pk=release.pk).status == Release.Status.DRAFT

    def test_stored_photo_left_out_of_a_hand_made_post_still_needs_alt_text(self, publisher_client):
        """A POST that omits the photo's inline form (INITIAL_FORMS=0) cannot skip the rule."""
        release = ReleaseFactory(draft=True)
        attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg")
        data = form_data(publisher_client.get(change_url(release)))
        data = {k: v for k, v in data.items() if not k.startswith("images-0-")}
        data.update({"status": "published", "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"})
        assert publisher_client.post(change_url(release), data).status_code == 200
        assert Release.objects.get(pk=release.pk).status == Release.Status.DRAFT

    def test_scheduling_counts_as_publishing(self, publisher_client):
        """A future publish time with status published is refused the same way."""
        release = ReleaseFactory(draft=True)
        attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg")
        data = form_data(publisher_client.get(change_url(release)))
        data.update(status="published", publish_at="01/01/2600 09:00")
        assert publisher_client.post(change_url(release), data).status_code == 200
        assert Release.objects.get(pk=release.pk).status == Release.Status.DRAFT

    def test_alt_text_given_in_the_same_post_is_enough(self, publisher_client):
        """Filling the alt text while publishing works: the submitted values are checked."""
        release = ReleaseFactory(draft=True)
        attach_image(release, encode(upright_photo(), "JPEG"), "a.jpg")
        data = form_data(publisher_client.get(change_url(release)))
        data.update({"status": "published", "images-0-alt_text": "ภาพการประชุม"})
        assert publisher_client.post(change_url(release), data).status_code == 302
        assert Release.objects.get(pk=release.pk).is_published()

    def test_new_photo_without_alt_text_on_a_published_release_is_refused(self, publisher_client):
        """Adding a photo to a published release also needs alt text."""
        release = ReleaseFactory()
        response = post_photo(publisher_client, release, upload("a.jpg", encode(upright_photo(), "JPEG")))
        assert response.status_code == 200 and not ReleaseImage.objects.exists()

    def test_drafts_may_have_photos_without_alt_text(self, publisher_client):
        """The rule applies at publishing, not while drafting."""
        release = ReleaseFactory(draft=True)
        assert post_photo(publisher_client, release, upload("a.jpg", encode(upright_photo(), "JPEG"))).status_code == 302

    def test_publish_action_skips_and_reports_releases_missing_alt_text(self, publisher_client):
        """The bulk action publishes the ready ones and names the others."""
        ready = ReleaseFactory(draft=True, title="พร้อมเผยแพร่")
        attach_image(ready, encode(upright_photo(), "JPEG"), "a.jpg", alt_text="ภาพ")
        blocked = ReleaseFactory(draft=True, title="ยังไม่มีคำบรรยาย")
        attach_image(blocked, encode(upright_photo(), "JPEG"), "b.jpg")
        response = publisher_client.post(
            reverse("admin:releases_release_changelist"),
            {"action": "publish", "_selected_action": [ready.pk, blocked.pk]},
            follow=True,
        )
        messages = {m.level_tag: str(m) for m in response.context["messages"]}
        assert Release.objects.get(pk=ready.pk).is_published()
        assert Release.objects.get(pk=blocked.pk).status == Release.Status.DRAFT
        assert "ยังไม่มีคำบรรยาย" in messages["warning"] and "พร้อมเผยแพร่" not in messages["warning"]


class TestPortraits:
    def _post(self, client, official, file):
        url = reverse("admin:releases_official_change", args=[official.pk])
        data = form_data(client.get(url))
        data["portrait"] = file
        return client.post(url, data)

    def test_portrait_is_cleaned(self, publisher_client):
        """A phone portrait is stored upright, without GPS or serial, under a generated name."""
        official = OfficialFactory()
        response = self._post(publisher_client, official, upload("minister.jpg", phone_jpeg(40, 60)))
        assert response.status_code == 302
        official = Official.objects.get(pk=official.pk)
        assert official.portrait.name.startswith("officials/") and "minister" not in official.portrait.name
        with default_storage.open(official.portrait.name) as handle:
            data = handle.read()
        assert b"SERIAL-0042" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as im:
            assert im.size == (40, 60)

    def test_disk_full_while_storing_a_portrait_is_a_message_not_a_500(self, publisher_client):
        """Storage fails mid-write: the official is unchanged, no file (half-written or not) is left."""


        official = OfficialFactory(bio="เดิม")
        url = reverse("admin:releases_official_change", args=[official.pk])
        data = form_data(publisher_client.get(url))
        data["portrait"] = upload("minister.jpg", phone_jpeg(40, 60))
        data["bio"] = "แก้ไขแล้ว"

        def failing_save(storage, name, content):
            with open(storage.path(name), "wb") as handle:
                handle.write(b"half")  # a partial write, then the disk is full
            raise OSError(28, "No space left on device")

        with mock.patch.object(FileSystemStorage, "_save", failing_save):
            response = publisher_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        official.refresh_from_db()
        assert official.bio == "เดิม" and not official.portrait
        assert media_files() == []

    def test_bad_portrait_is_a_form_error(self, publisher_client):
        """An SVG portrait is refused with the reason."""
        official = OfficialFactory()
        response = self._post(publisher_client, official, upload("face.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors.as_data()["portrait"][0].code == "not_image"

    def test_replaced_portrait_file_is_removed_after_commit(self, publisher_client, django_capture_on_commit_callbacks):
        """The old portrait goes once the new one is saved."""
        official = OfficialFactory()
        with django_capture_on_commit_callbacks(execute=True):
            self._post(publisher_client, official, upload("a.jpg", encode(upright_photo(), "JPEG")))
        old = Official.objects.get(pk=official.pk).portrait.name
        with django_capture_on_commit_callbacks(execute=True):
            assert self._post(publisher_client, official, upload("b.png", encode(upright_photo(), "PNG"))).status_code == 302
        assert not default_storage.exists(old)
        assert default_storage.exists(Official.objects.get(pk=official.pk).portrait.name)


def test_a_validated_upload_is_decoded_once_not_again_when_saved():
    """The field leaves its PreparedImage on the upload (fields.PREPARED_ATTRIBUTE); the save reuses it."""

    from releases.images.fields import ImageUploadField
    from releases.images.pipeline import prepare_image

    with mock.patch("releases.images.fields.prepare_image", wraps=prepare_image) as spy:
        cleaned = ImageUploadField().clean(upload("a.jpg", encode(noise(50, 40), "JPEG")))
        row = ReleaseImage(release=ReleaseFactory(), image=cleaned)
        row.save()
    assert spy.call_count == 1
    assert row.width == 50 and row.renditions["thumb"]["jpeg"]
