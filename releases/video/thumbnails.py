"""A video's thumbnail, found and fetched on save: YouTube's image address, a Facebook video page's og:image."""

import io
import logging
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings

from ..images.pipeline import prepare_image
from .fetch import fetch

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
# A video page's <head> (where og:image is) comes first: more than this is never read.
PAGE_MAX_BYTES = 512 * 1024
YOUTUBE_IMAGE_HOSTS = ("i.ytimg.com", "img.youtube.com")
FACEBOOK_PAGE_HOSTS = ("www.facebook.com", "facebook.com", "m.facebook.com", "web.facebook.com", "fb.watch")
# Facebook serves its pictures from its content network (scontent-xxx.xx.fbcdn.net).
FACEBOOK_IMAGE_HOSTS = (".fbcdn.net", "www.facebook.com")


def youtube_image_hosts():
    """YouTube's image hosts, and the host of an operator's NEWSROOM_VIDEO_THUMBNAIL_URL (a mirror)."""
    return (*YOUTUBE_IMAGE_HOSTS, (urlsplit(settings.NEWSROOM_VIDEO_THUMBNAIL_URL).hostname or "").lower())


def fetch_image(url, hosts):
    """The image at `url`, validated and re-encoded as JPEG (metadata dropped) by the photo pipeline; None when unusable."""
    try:
        data = fetch(url, hosts, THUMBNAIL_MAX_BYTES, accept="image/*")
        prepared = prepare_image(io.BytesIO(data), "thumbnail.jpg")
    except (OSError, ValueError) as exc:  # refused, network and HTTP errors, ImageRejected
        logger.warning("Video thumbnail not fetched from %s: %s", url[:200], exc)
        return None
    out = io.BytesIO()
    prepared.image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


class OpenGraphImage(HTMLParser):
    """The first <meta property="og:image" content="..."> of a page."""

    def __init__(self):
        super().__init__()
        self.url = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.url is None and tag == "meta" and attributes.get("property") in ("og:image", "og:image:secure_url"):
            self.url = (attributes.get("content") or "").strip() or None


def facebook_image_url(video_url):
    """The og:image address Facebook gives its public video page (what its own share previews show); None if none."""
    try:
        page = fetch(video_url, FACEBOOK_PAGE_HOSTS, PAGE_MAX_BYTES, accept="text/html", truncate=True)
    except (OSError, ValueError) as exc:
        logger.warning("Facebook video page not read at %s: %s", video_url[:200], exc)
        return None
    parser = OpenGraphImage()
    parser.feed(page.decode("utf-8", "replace"))
    return parser.url


def thumbnail_for(provider, key):
    """JPEG bytes of the video's thumbnail for our storage, or None (the page then shows a local placeholder)."""
    if provider == "youtube":
        return fetch_image(settings.NEWSROOM_VIDEO_THUMBNAIL_URL.format(id=key), youtube_image_hosts())
    image_url = facebook_image_url(key)
    return fetch_image(image_url, FACEBOOK_IMAGE_HOSTS) if image_url else None

