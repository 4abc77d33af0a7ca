"""Uploaded files served through Django so a release's files stay private until the release is public.

A request for a media name is mapped to its row with one indexed lookup (a photo or one of its
renditions, a document); the file is served only if its release `is_published()` or the reader has
staff rights. Portraits of officials are always public. The bytes go out through the web server
(`X-Accel-Redirect` for nginx, `X-Sendfile` for Apache/lighttpd, per NEWSROOM_MEDIA_ACCEL) or, by
default, as a FileResponse from the app (what `make serve` does). See docs/deploy.md.
"""

import mimetypes
import os
import re
import time
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from .images.renditions import RENDITION_BOXES

# The master suffixes the photo pipeline writes (renditions.master_suffix) and the rendition suffixes.
MASTER_SUFFIXES = (".jpg", ".png", ".webp")
_RENDITION = re.compile(
    r"^(?P<stem>.+)_(?:%s)\.(?:webp|jpg)$" % "|".join(map(re.escape, RENDITION_BOXES))
)


def photo_candidates(name):
    """The ReleaseImage.image names `name` may belong to: itself, or a rendition's master."""
    candidates = [name]
    match = _RENDITION.match(name)
    if match:
        candidates += [match["stem"] + suffix for suffix in MASTER_SUFFIXES]
    return candidates


# name -> (expires, (found, release)); per process. The release is kept with its status and
# publish time, and is_published() is asked on every request, so a scheduled release still becomes
# public on the second; only an editor's status change (publish, unpublish) takes up to
# NEWSROOM_MEDIA_LOOKUP_SECONDS to reach the files.
_looked_up = {}
_LOOKUP_ENTRIES = 10_000


def release_of(name):
    """(found, release) for a media name, remembered for NEWSROOM_MEDIA_LOOKUP_SECONDS."""
    now = time.monotonic()
    entry = _looked_up.get(name)
    if entry and entry[0] > now:
        return entry[1]
    result = find_release(name)
    if settings.NEWSROOM_MEDIA_LOOKUP_SECONDS > 0:
        if len(_looked_up) >= _LOOKUP_ENTRIES:
            _looked_up.clear()
        _looked_up[name] = (now + settings.NEWSROOM_MEDIA_LOOKUP_SECONDS, result)
    return result


def find_release(name):
    """(found, release) for a media name: found is False for a name no row points at; release is
    None for a file that is always public (an official's portrait)."""
    folder = name.split("/", 1)[0]
    if folder == "officials":
        return True, None
    if folder == "releases":
        rows = apps.get_model("releases", "ReleaseImage").objects.filter(image__in=photo_candidates(name))
    elif folder == "documents":
        rows = apps.get_model("releases", "ReleaseAttachment").objects.filter(file=name)
    else:
        return False, None
    row = rows.select_related("release").only("release__status", "release__publish_at").first()
    return (True, row.release) if row else (False, None)


def may_fetch(request, release):
    if release is None or release.is_published():
        return True
    user = request.user
    return user.is_active and user.is_staff


def _path(name):
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        raise Http404
    try:
        path = default_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError):
        raise Http404 from None
    return path


class PublicMediaMiddleware:
    """Serves a public release's files (and portraits) before the session, CSRF, auth and CSP
    middleware run: they add nothing a public file needs and cost most of its time. Anything else
    (a non-public release's file, which needs the reader's staff rights; a missing one) goes on to
    `serve_media` with the lookup already done."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else None

    def __call__(self, request):
        if self.prefix and request.method in ("GET", "HEAD") and request.path_info.startswith(self.prefix):
            name = request.path_info[len(self.prefix):]
            request.media_release = found, release = release_of(name)
            if found and (release is None or release.is_published()):
                return file_response(request, name, public=True)
        return self.get_response(request)


@require_safe
def serve_media(request, name):
    """The file `name` under MEDIA_ROOT, if its release is public (or the reader is staff); else 404."""
    found, release = getattr(request, "media_release", None) or release_of(name)
    if not found or not may_fetch(request, release):
        raise Http404
    return file_response(request, name, public=release is None or release.is_published())


def file_response(request, name, public):
    """The file's response: through the web server when configured, cacheable only when public."""
    path = _path(name)
    try:
        stat = os.stat(path)
    except OSError:
        raise Http404 from None
    cache_control = f"public, max-age={settings.NEWSROOM_MEDIA_MAX_AGE}" if public else "private, no-store"
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if public:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(stat.st_mtime) <= since:
            response = HttpResponseNotModified()
            response["Cache-Control"] = cache_control
            return response
    accel = settings.NEWSROOM_MEDIA_ACCEL
    if accel:
        response = HttpResponse(content_type=content_type)
        if accel == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.NEWSROOM_MEDIA_ACCEL_PREFIX + quote(name)
        else:
            response["X-Sendfile"] = path
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)
        response["Content-Length"] = stat.st_size
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = cache_control
    return response
