"""The press kit's "download all photos": one ZIP of a public release's full-resolution photos, streamed."""

import hashlib
import zipfile

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from ..models import Release

CHUNK = 256 * 1024


class _Pipe:
    """A write-only file for zipfile whose bytes are handed on as they are written."""

    def __init__(self):
        self.chunks, self.position = [], 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def take(self):
        chunks, self.chunks = self.chunks, []
        return b"".join(chunks)


def zip_stream(images):
    """The ZIP's bytes, a chunk at a time: never more than one chunk of one photo in memory.

    Photos are stored, not deflated (JPEG/PNG/WebP are compressed already); a credits file lists
    each photo's caption and credit.
    """
    pipe = _Pipe()
    credits = []
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED) as archive:
        for number, image in enumerate(images, 1):
            name = f"{number:02d}{image.image.name[image.image.name.rfind('.'):]}"
            credits.append(f"{name}\t{image.caption or image.alt_text}\t{image.credit}")
            with image.image.open("rb") as source, archive.open(name, "w", force_zip64=False) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield pipe.take()
        archive.writestr("credits.txt", "\n".join(credits) + "\n")
    yield pipe.take()


@require_safe
def photos_zip(request, pk):
    """All photos of a public release (staff: any release) as one ZIP; 404 when there are none."""
    releases = Release.objects.all() if request.user.is_active and request.user.is_staff else Release.objects.published()
    release = get_object_or_404(releases, pk=pk)
    images = list(release.images.all())
    if not images:
        raise Http404
    etag = '"%s"' % hashlib.sha256("|".join(f"{i.pk}:{i.image.name}:{i.caption}:{i.credit}" for i in images).encode()).hexdigest()[:32]
    public = release.is_published()
    not_modified = get_conditional_response(request, etag=etag) if public else None
    if not_modified is not None:
        return not_modified
    response = StreamingHttpResponse(zip_stream(images), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="release-{release.pk}-photos.zip"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
