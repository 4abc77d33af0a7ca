"""releases/video/models.py: video links, the thumbnail fetched on save from a fake provider, the page's preview and CSP."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from releases.video.models import ReleaseVideo, parse_video_url
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def jpeg(size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


YOUTUBE_IMAGE = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
FACEBOOK_VIDEO = "https://www.facebook.com/mfa/videos/1/"
FACEBOOK_IMAGE = "https://scontent.xx.fbcdn.net/v/t15/thumb.jpg?stp=dst&oh=1"


def facebook_page(image_url):
    return f'<html><head><meta property="og:title" content="x"><meta property="og:image" content="{image_url.replace("&", "&amp;")}"></head></html>'.encode()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://youtu.be/dQw4w9WgXcQ?t=5", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.facebook.com/mfa.thailand/videos/123456789/", ("facebook", "https://www.facebook.com/mfa.thailand/videos/123456789/")),
        ("https://m.facebook.com/watch/?v=123", ("facebook", "https://www.facebook.com/watch/?v=123")),
    ],
)
def test_supported_links(url, expected):
    assert parse_video_url(url) == expected


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://evil.example/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/watch?v=short", "https://www.facebook.com/mfa.thailand/", ""]
)
def test_other_links_are_refused(url):
    with pytest.raises(ValidationError):
        ReleaseVideo(release=ReleaseFactory.build(), url=url, title="x").clean()


def test_thumbnail_is_fetched_on_save_into_our_storage(video_provider):
    video_provider.serve(YOUTUBE_IMAGE, jpeg())
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://youtu.be/dQw4w9WgXcQ", title="แถลงข่าว")
    assert video.thumbnail.name.startswith("videos/") and video.thumbnail.url.startswith("/media/")
    assert Image.open(video.thumbnail.open()).size == (64, 48)
    video.title = "แถลงข่าวประจำสัปดาห์"
    video.save()
    assert video_provider.asked == [YOUTUBE_IMAGE]  # fetched once, not on every save


@pytest.mark.parametrize("status, body", [(404, b""), (200, b"<html>not an image</html>")])
def test_unusable_thumbnail_leaves_the_video_without_one(video_provider, status, body):
    video_provider.serve(YOUTUBE_IMAGE, body, status)
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://youtu.be/dQw4w9WgXcQ", title="t")
    assert not video.thumbnail


def test_facebook_thumbnail_is_the_video_pages_og_image_kept_in_our_storage(video_provider):
    video_provider.serve(FACEBOOK_VIDEO, facebook_page(FACEBOOK_IMAGE))
    video_provider.serve(FACEBOOK_IMAGE, jpeg((80, 45)))
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://m.facebook.com/mfa/videos/1/", title="t")
    assert video_provider.asked == [FACEBOOK_VIDEO, FACEBOOK_IMAGE]
    assert video.thumbnail.name.startswith("videos/") and Image.open(video.thumbnail.open()).size == (80, 45)


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>Log in</title></head></html>",  # a login wall: no og:image
        facebook_page("https://evil.example/thumb.jpg"),  # an image anywhere but Facebook's content network
        facebook_page("http://scontent.xx.fbcdn.net/thumb.jpg"),
    ],
)
def test_a_facebook_video_without_a_usable_og_image_has_no_thumbnail(video_provider, page):
    video_provider.serve(FACEBOOK_VIDEO, page)
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url=FACEBOOK_VIDEO, title="t")
    assert not video.thumbnail and video_provider.asked == [FACEBOOK_VIDEO]
    assert video.embed_url == "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fmfa%2Fvideos%2F1%2F&autoplay=true"


def test_a_video_without_thumbnail_shows_the_local_placeholder(client):
    release = ReleaseFactory()
    ReleaseVideo.objects.create(release=release, url=FACEBOOK_VIDEO, title="แถลงข่าว")
    page = client.get(release.get_absolute_url()).content.decode()
    assert 'src="/static/img/video-placeholder.svg"' in page and "fbcdn" not in page and 'src="https://' not in page


def test_page_shows_a_click_to_load_preview_with_no_third_party_request(client, video_provider):
    video_provider.serve(YOUTUBE_IMAGE, jpeg())
    release = ReleaseFactory()
    video = ReleaseVideo.objects.create(release=release, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", title="แถลงข่าวประจำสัปดาห์")
    response = client.get(release.get_absolute_url())
    page = response.content.decode()
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in page
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page  # the plain link fallback
    assert f'src="{video.thumbnail.url}"' in page and "<iframe" not in page
    assert "แถลงข่าวประจำสัปดาห์" in page and "js/video.js" in page
    # Nothing on the page loads from another origin before the click.
    assert "i.ytimg.com" not in page and 'src="https://' not in page


def test_csp_names_exactly_the_video_frame_origins(client):
    csp = client.get(ReleaseFactory().get_absolute_url())["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["frame-src"].split() == ["https://www.youtube-nocookie.com", "https://www.facebook.com"]
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
