"""The press kit's "download all photos": one ZIP of a release's full-resolution photos, built once per
change of its photos into private storage and served like a photo (embargo rules, web-server offload)."""

import hashlib
import os
import tempfile
import zipfile

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from ..embargo import file_response

CHUNK = 256 * 1024
# Not a media folder the embargo view serves (its lookup knows no row for it): reachable only through photos_zip.
FOLDER = "presskits"
# Part of every kit's hash: raise it when the ZIP's layout changes so every kit is rebuilt.
LAYOUT = "1"


def kit_name(release_pk, images):
    """The storage name of this release's kit for exactly these photos (ids, files, captions, credits)."""
    facts = [LAYOUT] + [f"{i.pk}:{i.image.name}:{i.caption}:{i.alt_text}:{i.credit}" for i in images]
    return f"{FOLDER}/{release_pk}-{hashlib.sha256('|'.join(facts).encode()).hexdigest()[:32]}.zip"


def current_kit_names():
    """The name of every release's current kit (built or not): what cleanup_media keeps in presskits/."""
    names, release_pk, images = set(), None, []
    rows = apps.get_model("releases", "ReleaseImage").objects.order_by("release_id", "order", "pk")
    for image in rows.only("release_id", "image", "width", "height", "caption", "alt_text", "credit").iterator(chunk_size=2000):
        if image.release_id != release_pk and images:
            names.add(kit_name(release_pk, images))
            images = []
        release_pk = image.release_id
        images.append(image)
    if images:
        names.add(kit_name(release_pk, images))
    return names


def write_zip(target, images):
    """The ZIP into the open file `target`, a chunk of one photo at a time (never the whole ZIP in memory).

    Photos are stored, not deflated (JPEG/PNG/WebP are compressed already); credits.txt lists each
    photo's caption and credit.
    """
    credits = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for number, image in enumerate(images, 1):
            name = f"{number:02d}{image.image.name[image.image.name.rfind('.'):]}"
            credits.append(f"{name}\t{image.caption or image.alt_text}\t{image.credit}")
            with image.image.open("rb") as source, archive.open(name, "w") as member:
                while chunk := source.read(CHUNK):
                    member.write(chunk)
        archive.writestr("credits.txt", "\n".join(credits) + "\n")


def build_kit(name, images, storage=default_storage):
    """Make sure the kit `name` exists; build it if not, and drop the release's older kits.

    Built into a temporary file beside it, then renamed into place: the rename is atomic, so a reader
    sees no kit or a whole one, and two first requests building at once each rename a complete copy.
    """
    try:
        path = storage.path(name)
    except NotImplementedError:  # object storage: no local path, no rename
        return _build_in_storage(name, images, storage)
    if os.path.exists(path):
        return
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".building-", suffix=".zip", delete=False) as target:
        try:
            write_zip(target, images)
        except BaseException:
            target.close()
            os.unlink(target.name)
            raise
    os.chmod(target.name, 0o644)  # as FileSystemStorage would store it (the web server may send it)
    os.replace(target.name, path)
    release_prefix = os.path.basename(name).split("-", 1)[0] + "-"
    for other in os.listdir(folder):
        if other.startswith(release_prefix) and other != os.path.basename(path):
            try:
                os.unlink(os.path.join(folder, other))
            except FileNotFoundError:  # another request removed it first
                pass


def _build_in_storage(name, images, storage):
    """build_kit for a storage without local files (object storage): written to a local temporary
    file, then saved under its final name; the storage's own write is whole or absent."""
    if storage.exists(name):
        return
    with tempfile.TemporaryFile(suffix=".zip") as target:
        write_zip(target, images)
        target.seek(0)
        storage.save(name, File(target, name=os.path.basename(name)))
    release_prefix = os.path.basename(name).split("-", 1)[0] + "-"
    for other in storage.listdir(FOLDER)[1]:
        if other.startswith(release_prefix) and other != os.path.basename(name):
            storage.delete(f"{FOLDER}/{other}")


def _has_local_files():
    try:
        default_storage.path(f"{FOLDER}/x")
    except NotImplementedError:
        return False
    return True


@require_safe
def photos_zip(request, pk):
    """All photos of a public release (staff: any release) as one ZIP; 404 when there are none."""
    Release = apps.get_model("releases", "Release")
    releases = Release.objects.all() if request.user.is_active and request.user.is_staff else Release.objects.published()
    release = get_object_or_404(releases.only("status", "publish_at"), pk=pk)
    images = list(release.images.all())
    if not images:
        raise Http404
    name = kit_name(release.pk, images)
    etag = '"%s"' % name.rsplit("-", 1)[1].removesuffix(".zip")
    public = release.is_published()
    not_modified = get_conditional_response(request, etag=etag) if public else None
    if not_modified is not None:
        return not_modified
    build_kit(name, images, default_storage)
    if _has_local_files():
        response = file_response(request, name, public)
    else:  # streamed from the storage by this view, so the embargo check above still decides
        response = FileResponse(default_storage.open(name, "rb"), content_type="application/zip")
        response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["Content-Disposition"] = f'attachment; filename="release-{release.pk}-photos.zip"'
    response["ETag"] = etag
    return response
