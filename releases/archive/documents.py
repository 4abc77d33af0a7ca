"""Documents of exported and imported releases: a folder beside each release's file (`<name>.documents/`) with a manifest."""

import json
from pathlib import Path

from django.core.files import File
from django.db import transaction

from ..attachments.inspect import DocumentRejected
from ..models import Release, ReleaseAttachment
from .sources import DOCUMENTS_SUFFIX

MANIFEST = "manifest.json"


def documents_dir(text_path):
    """`2564/09/statement.txt` -> `2564/09/statement.documents/`."""
    text_path = Path(text_path)
    return text_path.with_name(text_path.stem + DOCUMENTS_SUFFIX)


def export_documents(release, text_path, write):
    """Write the release's documents and their manifest (title, language, order) beside its file;
    `write(path, bytes)` writes atomically. Unchanged files are left alone. Returns True if any changed."""
    attachments = list(release.attachments.all())
    if not attachments:
        return False
    folder = documents_dir(text_path)
    folder.mkdir(parents=True, exist_ok=True)
    manifest, changed = [], False
    for number, attachment in enumerate(attachments, 1):
        name = f"{number:02d}.{attachment.file_type}"
        with attachment.file.open("rb") as handle:
            data = handle.read()
        changed |= _write_if_changed(folder / name, data, write)
        manifest.append({"file": name, "title": attachment.title, "language": attachment.language, "order": attachment.order})
    text = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    return _write_if_changed(folder / MANIFEST, text, write) or changed


def _write_if_changed(path, data, write):
    if path.is_file() and path.read_bytes() == data:
        return False
    write(path, data)
    return True


def read_manifest(folder):
    path = folder / MANIFEST
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) and isinstance(entry.get("file"), str) for entry in entries):
        raise ValueError(f"{path}: expected a list of {{\"file\": …, \"title\": …, \"language\": …, \"order\": …}}")
    return entries


class DocumentAttacher:
    """Attaching documents, mixed into the Importer (which sets dry_run): once, like photos — a
    release that has any documents (an editor's or ours) is left alone."""

    def _attach_documents_if_missing(self, outcome, path):
        folder = documents_dir(path)
        if outcome.status in ("failed", "skipped") or not (folder / MANIFEST).is_file():
            return
        release = Release.objects.filter(source_key=outcome.key).first()
        if release is None or release.attachments.exists():
            return
        try:
            entries = read_manifest(folder)
        except ValueError as exc:
            outcome.notes.append(f"documents not attached: {exc}")
            return
        if self.dry_run:
            outcome.notes.append(f"would attach {len(entries)} document(s)")
            return
        attached = 0
        for order, entry in enumerate(entries):
            name = Path(entry["file"]).name  # never outside the folder
            try:
                with transaction.atomic(), open(folder / name, "rb") as handle:
                    ReleaseAttachment(
                        release=release, file=File(handle, name=name), order=int(entry.get("order", order)),
                        title=str(entry.get("title") or name)[:300], language=entry.get("language") if entry.get("language") in ("th", "en") else "th",
                    ).save()
                attached += 1
            except DocumentRejected as exc:
                outcome.notes.append(f"document {name} refused: {exc.message}")
        if attached:
            outcome.notes.append(f"attached {attached} document(s)")
            if outcome.status == "unchanged":
                outcome.status = "updated"
