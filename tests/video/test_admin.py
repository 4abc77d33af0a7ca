"""releases/video/admin.py: editors add a video to a release on its form; bad links are form errors."""

import pytest
from django.urls import reverse

from releases.models import Release
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def form_data(release, url):
    return {
        "title": release.title, "slug": release.slug, "summary": release.summary, "body": release.body,
        "language": "th", "category": release.category_id, "release_date": "21/07/2565", "status": "draft",
        "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0, "images-MIN_NUM_FORMS": 0, "images-MAX_NUM_FORMS": 1000,
        "videos-TOTAL_FORMS": 1, "videos-INITIAL_FORMS": 0, "videos-MIN_NUM_FORMS": 0, "videos-MAX_NUM_FORMS": 1000,
        "videos-0-url": url, "videos-0-title": "แถลงข่าว", "videos-0-order": 0,
        "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0, "attachments-MIN_NUM_FORMS": 0, "attachments-MAX_NUM_FORMS": 1000,
        "known_version": release.version,
    }


def test_editor_adds_a_video(editor_client):
    release = ReleaseFactory(draft=True)
    response = editor_client.post(reverse("admin:releases_release_change", args=[release.pk]), form_data(release, "https://youtu.be/dQw4w9WgXcQ"))
    assert response.status_code == 302
    video = Release.objects.get(pk=release.pk).videos.get()
    assert (video.provider, video.video_key, video.title) == ("youtube", "dQw4w9WgXcQ", "แถลงข่าว")


def test_unsupported_link_is_a_form_error(editor_client):
    release = ReleaseFactory(draft=True)
    response = editor_client.post(reverse("admin:releases_release_change", args=[release.pk]), form_data(release, "https://evil.example/v.mp4"))
    assert response.status_code == 200 and not release.videos.exists()
    assert "YouTube" in response.content.decode()
