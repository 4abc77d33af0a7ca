"""Archive export: writes releases back as text files in the format the import reads (format.py)."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count

from .. import scheduled_edits
from ..models import Release
from .documents import export_documents
from .format import relative_path, render

EXPORT_CHUNK = 500  # releases fetched from the database at a time while streaming


@dataclass
class Written:
    release: Release
    path: Path
    changed: bool


def export_releases(queryset, directory):
    """Write each release of `queryset` under `directory`, streaming; yields a Written per release.

    Files whose text is already right are left untouched; others are replaced atomically.
    """
    directory = Path(directory)
    # A scheduled change whose time has come is what the public sees now: live before the rows are read.
    # One that is still to come stays aside, like any pending edit: only the live version is written.
    scheduled_edits.apply_due()
    releases = queryset.annotate(photo_total=Count("images")).order_by("pk").prefetch_related("attachments")
    for release in releases.iterator(chunk_size=EXPORT_CHUNK):
        path = directory / relative_path(release)
        text = render(release, max(release.photo_total, release.expected_image_count)).encode("utf-8")
        changed = not (path.is_file() and path.read_bytes() == text)
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, text)
        changed |= export_documents(release, path, _write_atomically)
        yield Written(release, path, changed)


def _write_atomically(path, data):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
