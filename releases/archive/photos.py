"""Photos of imported releases: found beside the archive by name, described by photos.json, attached once."""

import json
from pathlib import Path

from django.db import transaction

from ..models import Release, ReleaseImage

MAX_PHOTOS = 50
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTO_TEXTS_FILE = "photos.json"
CAPTION_LENGTH = ReleaseImage._meta.get_field("caption").max_length
ALT_TEXT_LENGTH = ReleaseImage._meta.get_field("alt_text").max_length


class PhotoAttacher:
    """Attaching photos, mixed into the Importer (which sets images_dir, dry_run, totals, _photo_texts)."""

    @staticmethod
    def _load_photo_texts(images_dir):
        """{file name: {"alt": …, "caption": …}} from the optional photos.json beside the photos."""
        path = Path(images_dir) / PHOTO_TEXTS_FILE
        if not path.is_file():
            return {}
        try:
            texts = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not readable JSON ({exc})") from None
        if not isinstance(texts, dict) or not all(isinstance(value, dict) for value in texts.values()):
            raise ValueError(f"{path}: expected an object of {{file name: {{\"alt\": …, \"caption\": …}}}}")
        return texts

    def _photo_files(self, stem):
        files = []
        for number in range(1, MAX_PHOTOS + 1):
            for suffix in PHOTO_SUFFIXES:
                candidate = self.images_dir / f"{stem}-{number}{suffix}"
                if candidate.is_file():
                    files.append(candidate)
                    break
            else:
                break
        return files

    def _attach_photos_if_missing(self, pk, stem, outcome, release=None):
        """Photos are attached once: a release that has any (the editor's or ours) is left alone."""
        if self.images_dir is None or not self._photo_files(stem):
            return False
        if ReleaseImage.objects.filter(release_id=pk).exists():
            return False
        if self.dry_run:
            outcome.notes.append(f"would attach {len(self._photo_files(stem))} photo(s)")
            return True
        with transaction.atomic():
            release = release or Release.objects.filter(pk=pk).first()
            attached = release is not None and self._attach_photos(release, stem, outcome)
        if attached and outcome.status == "unchanged":
            outcome.status = "updated"
        return attached

    def _attach_photos(self, release, stem, outcome):
        if self.images_dir is None:
            return 0
        files = self._photo_files(stem)
        if self.dry_run:
            if files:
                outcome.notes.append(f"would attach {len(files)} photo(s)")
            return len(files)
        from .. import images  # the image pipeline: validates, re-encodes and makes renditions

        attached = 0
        for order, path in enumerate(files):
            described = self._photo_texts.get(path.name, {})
            try:
                with transaction.atomic(), open(path, "rb") as handle:
                    images.attach_image(
                        release, handle, path.name, order=order, caption=str(described.get("caption", ""))[:CAPTION_LENGTH],
                        alt_text=str(described.get("alt") or fallback_alt_text(release, order))[:ALT_TEXT_LENGTH],
                    )
                attached += 1
            except images.ImageRejected as exc:
                outcome.notes.append(f"photo {path.name} rejected: {exc}")
                self.totals["photos rejected"] += 1
            except OSError as exc:
                outcome.notes.append(f"photo {path.name} unreadable: {exc.strerror or exc}")
                self.totals["photos rejected"] += 1
        self.totals["photos attached"] += attached
        return attached


def fallback_alt_text(release, order):
    """Alt text when photos.json gives none: which photo of which release (editors should describe it)."""
    label = "Photo" if release.language == Release.Language.ENGLISH else "รูปภาพประกอบ"
    return f"{label} {order + 1}: {release.title}"
