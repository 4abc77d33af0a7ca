"""releases/video/thumbnails.py: where each provider's thumbnail is found, and what is kept of it."""

import io

import pytest
from PIL import ExifTags, Image

from releases.video.thumbnails import fetch_image, thumbnail_for, youtube_image_hosts

pytestmark = pytest.mark.django_db


def jpeg_with_gps():
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    exif[ExifTags.Base.Make] = "Camera"
    out = io.BytesIO()
    Image.new("RGB", (32, 18), (10, 200, 10)).save(out, "JPEG", exif=exif, comment=b"secret")
    return out.getvalue()


def test_what_is_kept_is_a_plain_jpeg_without_metadata(video_provider):
    video_provider.serve("https://i.ytimg.com/vi/x/hqdefault.jpg", jpeg_with_gps())
    kept = Image.open(io.BytesIO(fetch_image("https://i.ytimg.com/vi/x/hqdefault.jpg", ["i.ytimg.com"])))
    assert kept.format == "JPEG" and kept.size == (32, 18)
    assert not kept.getexif() and "comment" not in kept.info


def test_an_image_too_large_is_not_kept(video_provider):
    video_provider.serve("https://i.ytimg.com/vi/x/hqdefault.jpg", b"\xff" * (3 * 1024 * 1024))
    assert fetch_image("https://i.ytimg.com/vi/x/hqdefault.jpg", ["i.ytimg.com"]) is None


def test_an_operators_youtube_mirror_is_an_allowed_host(settings, video_provider):
    settings.NEWSROOM_VIDEO_THUMBNAIL_URL = "https://thumbs.mirror.example/{id}.jpg"
    assert "thumbs.mirror.example" in youtube_image_hosts()
    video_provider.serve("https://thumbs.mirror.example/dQw4w9WgXcQ.jpg", jpeg_with_gps())
    assert thumbnail_for("youtube", "dQw4w9WgXcQ")


def test_the_first_og_image_of_a_facebook_page_is_used(video_provider):
    page = (
        b'<head><meta property="og:image" content="https://scontent.a.fbcdn.net/1.jpg?x=1&amp;y=2">'
        b'<meta property="og:image" content="https://scontent.a.fbcdn.net/2.jpg"></head>'
    )
    video_provider.serve("https://www.facebook.com/mfa/videos/1/", page)
    assert thumbnail_for("facebook", "https://www.facebook.com/mfa/videos/1/") is None  # the image itself is a 404 here
    assert video_provider.asked == ["https://www.facebook.com/mfa/videos/1/", "https://scontent.a.fbcdn.net/1.jpg?x=1&y=2"]
