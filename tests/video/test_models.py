"""releases/video/models.py: video links, the thumbnail fetched on save from a local fake server, the page's preview and CSP."""

import http.server
import io
import threading

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


@pytest.fixture
def thumbnails(settings):
    """A fake thumbnail host on 127.0.0.1: path -> (status, bytes); records what was asked."""
    served, asked = {}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            status, body = served.get(self.path, (404, b""))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NEWSROOM_VIDEO_THUMBNAIL_URL = f"http://127.0.0.1:{server.server_port}/vi/{{id}}/hqdefault.jpg"
    yield served, asked
    server.shutdown()
    server.server_close()


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


def test_thumbnail_is_fetched_on_save_into_our_storage(thumbnails):
    served, asked = thumbnails
    served["/vi/dQw4w9WgXcQ/hqdefault.jpg"] = (200, jpeg())
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://youtu.be/dQw4w9WgXcQ", title="แถลงข่าว")
    assert video.thumbnail.name.startswith("videos/") and video.thumbnail.url.startswith("/media/")
    assert Image.open(video.thumbnail.open()).size == (64, 48)
    video.title = "แถลงข่าวประจำสัปดาห์"
    video.save()
    assert asked == ["/vi/dQw4w9WgXcQ/hqdefault.jpg"]  # fetched once, not on every save


@pytest.mark.parametrize("status, body", [(404, b""), (200, b"<html>not an image</html>")])
def test_unusable_thumbnail_leaves_the_video_without_one(thumbnails, status, body):
    thumbnails[0]["/vi/dQw4w9WgXcQ/hqdefault.jpg"] = (status, body)
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://youtu.be/dQw4w9WgXcQ", title="t")
    assert not video.thumbnail


def test_facebook_video_fetches_nothing(thumbnails):
    video = ReleaseVideo.objects.create(release=ReleaseFactory(), url="https://www.facebook.com/mfa/videos/1/", title="t")
    assert not video.thumbnail and thumbnails[1] == []
    assert video.embed_url == "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fmfa%2Fvideos%2F1%2F&autoplay=true"


def test_page_shows_a_click_to_load_preview_with_no_third_party_request(client, thumbnails):
    thumbnails[0]["/vi/dQw4w9WgXcQ/hqdefault.jpg"] = (200, jpeg())
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
