"""The orphan scan behind `manage.py cleanup_media`: media files (photos, portraits, documents, press kits) no row points at, and rows whose file is missing."""

from django.apps import apps

from .storage import stored_names

# Folders the pipeline writes to (see upload_to in models.py); nothing else is touched.
MEDIA_FOLDERS = ("releases", "officials", "documents", "presskits")


def referenced_names():
    """Every media name a row points at."""
    ReleaseImage = apps.get_model("releases", "ReleaseImage")
    Official = apps.get_model("releases", "Official")
    names = set()
    for row in ReleaseImage.objects.only("image", "renditions").iterator(chunk_size=2000):
        names.update(stored_names(row))
    names.update(Official.objects.exclude(portrait="").values_list("portrait", flat=True).iterator(chunk_size=2000))
    names.update(apps.get_model("releases", "ReleaseAttachment").objects.values_list("file", flat=True).iterator(chunk_size=2000))
    return names


def walk(storage, folder):
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from walk(storage, f"{folder}/{name}")


def find_orphans(storage, older_than, kits=frozenset()):
    """(orphans, missing): files no row points at, modified before `older_than`; names rows point at that do not exist.

    Young files are left alone: an upload in progress writes its files before its row commits.
    `kits` are the press kits to keep (presskit.current_kit_names()); the others are stale. A kit is
    built on first request, so one not built yet is not "missing".
    """
    referenced = referenced_names()
    kept = referenced | set(kits)
    present = set()
    orphans = []
    for folder in MEDIA_FOLDERS:
        for name in walk(storage, folder):
            present.add(name)
            if name not in kept and storage.get_modified_time(name) < older_than:
                orphans.append(name)
    missing = sorted(name for name in referenced if name not in present and name.startswith(MEDIA_FOLDERS))
    return sorted(orphans), missing
