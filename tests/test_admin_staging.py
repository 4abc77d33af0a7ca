"""releases/admin_staging.py: a live release's photos by hand-made POSTs: an Editor's and a scheduled change's are refused, in Thai."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from releases.models import Release, ReleaseImage, ReleaseRevision
from tests.factories import ReleaseFactory, ReleaseImageFactory
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

LOCKED = "รูปภาพของข่าวที่เผยแพร่แล้วแก้ไขได้เฉพาะผู้อนุมัติ"
NOT_WITH_A_SCHEDULE = "การแก้ไขที่ตั้งเวลาไว้รวมการเปลี่ยนรูปภาพ เอกสาร หรือวิดีโอไม่ได้"


def photo_post(release, image, **photo):
    data = form_data(release.category, title="ชื่อใหม่", body=release.body)
    data.update({
        "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1", "images-0-id": str(image.pk), "images-0-release": str(release.pk),
        "images-0-alt_text": image.alt_text, "images-0-caption": image.caption, "images-0-credit": image.credit,
        "images-0-order": str(image.order),
    })
    data.update({f"images-0-{name}": value for name, value in photo.items()})
    return data


def png_bytes():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def unchanged(release, image):
    stored = ReleaseImage.objects.filter(pk=image.pk).values_list("alt_text", "credit", "order").first()
    return stored == (image.alt_text, image.credit, image.order) and release.images.count() == 1


class TestEditorOnALiveRelease:
    def test_the_photos_are_shown_read_only(self, editor_client):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release, alt_text="ภาพการประชุม")
        page = editor_client.get(change_url(release)).content.decode()
        assert "ภาพการประชุม" in page and 'name="images-0-alt_text"' not in page
        assert "แก้ไขได้เฉพาะผู้อนุมัติ" in page

    @pytest.mark.parametrize(
        "photo", [{"alt_text": "คำบรรยายใหม่"}, {"credit": "ช่างภาพคนอื่น"}, {"order": "7"}, {"DELETE": "on"}],
    )
    def test_a_hand_made_photo_change_is_refused_with_a_thai_message(self, editor_client, photo):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        image = ReleaseImageFactory(release=release, alt_text="เดิม", credit="ช่างภาพ", order=1)
        response = editor_client.post(change_url(release), photo_post(release, image, **photo))
        assert response.status_code == 200 and LOCKED in response.content.decode()
        assert unchanged(release, image) and not ReleaseRevision.objects.exists()
        assert Release.objects.get(pk=release.pk).title == "ชื่อที่เผยแพร่"

    def test_a_hand_made_new_photo_is_refused(self, editor_client):
        release = ReleaseFactory()
        image = ReleaseImageFactory(release=release)
        data = photo_post(release, image)
        data.update({"images-TOTAL_FORMS": "2", "images-1-alt_text": "ภาพใหม่", "images-1-order": "2",
                     "images-1-image": SimpleUploadedFile("new.png", png_bytes(), content_type="image/png")})
        response = editor_client.post(change_url(release), data)
        assert LOCKED in response.content.decode() and unchanged(release, image)

    def test_the_text_is_still_staged_when_the_photos_are_left_alone(self, editor_client):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        image = ReleaseImageFactory(release=release)
        assert editor_client.post(change_url(release), photo_post(release, image)).status_code == 302
        assert ReleaseRevision.objects.get().data["title"] == "ชื่อใหม่" and unchanged(release, image)


class TestPublisherScheduling:
    def test_a_scheduled_change_cannot_carry_photo_changes(self, publisher_client):
        release = ReleaseFactory(title="ชื่อที่เผยแพร่")
        image = ReleaseImageFactory(release=release, alt_text="เดิม")
        data = photo_post(release, image, alt_text="ใหม่")
        data.update(status="published", publish_at="01/01/2564 10:00", go_live_at="01/01/2600 10:00")
        response = publisher_client.post(change_url(release), data)
        assert response.status_code == 200 and NOT_WITH_A_SCHEDULE in response.content.decode()
        assert unchanged(release, image) and not ReleaseRevision.objects.exists()

    def test_without_a_time_the_publisher_s_photo_change_goes_live(self, publisher_client):
        release = ReleaseFactory()
        image = ReleaseImageFactory(release=release, alt_text="เดิม")
        data = photo_post(release, image, alt_text="ใหม่")
        data.update(status="published", publish_at="01/01/2564 10:00")
        assert publisher_client.post(change_url(release), data).status_code == 302
        assert ReleaseImage.objects.get(pk=image.pk).alt_text == "ใหม่"

    def test_an_untouched_photo_table_does_not_stop_a_schedule(self, publisher_client):
        release = ReleaseFactory()
        image = ReleaseImageFactory(release=release)
        data = photo_post(release, image)
        data.update(status="published", publish_at="01/01/2564 10:00", go_live_at="01/01/2600 10:00")
        assert publisher_client.post(change_url(release), data).status_code == 302
        assert ReleaseRevision.objects.get().data["title"] == "ชื่อใหม่" and unchanged(release, image)
