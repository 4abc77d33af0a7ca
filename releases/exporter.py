"""Archive export: writes releases back as text files in the format the import reads."""

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count

from . import thai
from .models import Release

PHOTO_LINE = {"th": "รูปภาพประกอบ", "en": "Photo"}
_SAFE_PART = re.compile(r"^[^/\\\x00]+$")


def render(release, photo_count=None):
    """The source-file text of one release: title twice, date, views, paragraphs, one line per photo.

    Thai releases carry a Buddhist-era date (29 ก.ย. 2564), English ones a Christian-era date
    (29 Sep 2021). `photo_count` defaults to the larger of the attached and the expected photos.
    """
    language = "en" if release.language == Release.Language.ENGLISH else "th"
    if photo_count is None:
        photo_count = max(release.images.count(), release.expected_image_count)
    views = release.view_count
    blocks = [
        release.title,
        release.title,
        thai.format_date(release.release_date, "short", language),
        f"{views:,} view" if views == 1 else f"{views:,} views",
        *release.paragraphs,
        *[PHOTO_LINE[language]] * photo_count,
    ]
    return "\n\n".join(blocks) + "\n"


def relative_path(release):
    """Where a release goes inside the export directory: its source key, else release-<id>."""
    parts = (release.source_key or "").split("/")
    if release.source_key and all(_SAFE_PART.match(part) and part not in (".", "..") for part in parts):
        return Path(*parts[:-1], parts[-1] + ".txt")
    return Path(f"release-{release.pk}.txt")


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
    releases = queryset.annotate(photo_total=Count("images")).order_by("pk")
    for release in releases.iterator(chunk_size=500):
        path = directory / relative_path(release)
        text = render(release, max(release.photo_total, release.expected_image_count)).encode("utf-8")
        changed = not (path.is_file() and path.read_bytes() == text)
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, text)
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
