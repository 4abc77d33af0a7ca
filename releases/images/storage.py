"""File lifecycle: files are written before their row, removed if the row's save fails, and old files removed only after commit.

One mechanism, `files_before_row`, serves every file field that stores pictures (release photos and
officials' portraits). No model imports: rows are passed in, and the one model this module creates
(`attach_image`) is looked up through the app registry at call time.
"""

import logging
import os
import re
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import prepared_from, stash_prepared
from .pipeline import prepare_image
from .renditions import RENDITION_FORMATS, encode_master, encoded_files, master_suffix

logger = logging.getLogger("releases.images")

STORAGE_FAILED_MESSAGE = _(
    "The photo could not be stored on the server (storage full or unavailable), so nothing was saved. "
    "Please try again later or tell the site administrator."
)


class ImageStorageError(OSError):
    """Writing a photo's files failed (disk full, permissions); nothing was kept."""


# --- stored names (upload_to of the models' file fields) ---------------------------------------


def official_portrait_path(instance, filename):
    """Unguessable, dated path: the original name is never used."""
    return f"officials/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{_ext(filename)}"


def release_image_path(instance, filename):
    """Unguessable, dated path, so a draft's photos cannot be found by guessing."""
    return f"releases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{_ext(filename)}"


def _ext(filename):
    match = re.search(r"\.([A-Za-z0-9]{1,5})$", filename or "")
    return f".{match.group(1).lower()}" if match else ""


# --- adapters over Django internals (see docs/images.md, "Private APIs") -------------------


def is_new_upload(field_file):
    """True when a new file was assigned to the field and not stored yet.

    Django has no public flag for this; FieldFile._committed is what FieldFile.save() and
    Model.save() themselves use. If it went away, every photo would skip the pipeline:
    tests/images/test_storage.py::TestLifecycle and the admin upload tests would fail.
    """
    return bool(field_file) and not field_file._committed


def set_stored_name(instance, field_name, name):
    """Point the row's file field at an already stored name without reading the file back.

    Assigning through the attribute makes ImageField re-open the stored file to measure it
    (ImageFileDescriptor.__set__); the instance dict is what that descriptor itself writes.
    If Django stored field values elsewhere, rows would save with the upload's name: the
    rendition and lifecycle tests (tests/images/test_storage.py) would fail.
    """
    instance.__dict__[field_name] = name


# --- writing and deleting ---------------------------------------------------------------------


def write_files(storage, files):
    """Save every (name, bytes); on any failure remove what was written, half-written included."""
    written, attempted = [], None
    try:
        for name, data in files:
            attempted = name
            written.append(storage.save(name, ContentFile(data)))
            attempted = None
    except OSError as exc:
        delete_files(storage, written + ([attempted] if attempted else []))
        raise ImageStorageError(exc.errno, f"Could not store {attempted}: {exc.strerror or exc}") from exc
    except BaseException:
        delete_files(storage, written + ([attempted] if attempted else []))
        raise
    return written


def delete_files(storage, names):
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete media file %s", name, exc_info=True)


def delete_after_commit(storage, names, using=None):
    """Delete files once the surrounding transaction commits (never if it rolls back)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_files(storage, names), using=using)


def stored_names(image_row):
    """Every storage name a ReleaseImage row points at: the cleaned original and its renditions."""
    names = [image_row.image.name] if image_row.image else []
    for entry in (image_row.renditions or {}).values():
        names += [entry[key] for key in RENDITION_FORMATS if entry.get(key)]
    return names


# --- the one "file before the row" mechanism ------------------------------------------------


@contextmanager
def files_before_row(instance, field_name, encode, old_names, using=None):
    """Around a model's save(): store a newly assigned file (and its derivatives) before the row.

    `encode(instance, field, field_file)` returns ([(name, bytes)], after) where the first name is
    the field's own file and `after(stored)` records on the row anything derived from the stored
    names ({intended name: stored name}). `old_names(previous_row)` lists what the row pointed at before.
    Files are written first; if the save fails they are removed, so no row points at a missing
    file. Files the row no longer points at (replaced or cleared) are removed after commit only.
    """
    field = instance._meta.get_field(field_name)
    storage = field.storage
    field_file = getattr(instance, field_name)
    new = is_new_upload(field_file)
    if field_file and not new:
        yield
        return
    old = []
    if instance.pk:
        previous = type(instance)._default_manager.using(using).filter(pk=instance.pk).first()
        old = old_names(previous) if previous else []
    written = []
    if new:
        files, after = encode(instance, field, field_file)
        written = write_files(storage, files)
        set_stored_name(instance, field_name, written[0])
        after(dict(zip([name for name, _ in files], written)))
    try:
        yield
    except BaseException:
        delete_files(storage, written)
        raise
    delete_after_commit(storage, [name for name in old if name not in written], using)


def _encode_photo(row, field, field_file):
    prepared = prepared_from(field_file.file)
    master_name = field.generate_filename(row, "photo" + master_suffix(prepared))
    files, renditions = encoded_files(prepared, master_name)
    prepared.image.close()

    def after(stored):
        row.width, row.height = prepared.info.width, prepared.info.height
        row.renditions = {
            size: {key: (stored.get(value, value) if key in RENDITION_FORMATS else value) for key, value in entry.items()}
            for size, entry in renditions.items()
        }

    return files, after


def _encode_plain(instance, field, field_file):
    # Portraits arrive already cleaned (ImageUploadField + cleaned_file); store the bytes as they are.
    name = field.generate_filename(instance, field_file.name)
    return [(name, b"".join(field_file.chunks()))], lambda stored: None


def storing(image_row, using=None):
    """Around ReleaseImage.save(): a new file runs the pipeline (validate, clean, renditions) and is stored first."""
    return files_before_row(image_row, "image", _encode_photo, stored_names, using)


def storing_file(instance, field_name, using=None):
    """Around the save() of a row with a plain picture field (an official's portrait)."""
    return files_before_row(
        instance, field_name, _encode_plain, lambda previous: [getattr(previous, field_name).name], using
    )


# --- entry points for code outside the admin --------------------------------------------------


def attach_image(release, fileobj, filename, *, alt_text="", caption="", order=0):
    """Validate, clean and store a photo for `release`, with its renditions; returns the saved ReleaseImage.

    Raises ImageRejected for an unacceptable file (nothing is stored then).
    """
    prepared = prepare_image(fileobj, filename)
    upload = File(fileobj, name=filename)
    stash_prepared(upload, prepared)
    row = apps.get_model("releases", "ReleaseImage")(
        release=release, alt_text=alt_text, caption=caption, order=order, original_name=original_name(filename)
    )
    set_stored_name(row, "image", upload)  # the descriptor wraps it as an uncommitted file on read
    row.save()
    return row


def original_name(filename):
    """An upload's own file name, as the editor knows it (no folders), cut to fit its column."""
    return os.path.basename(str(filename or "").replace("\\", "/"))[:255]


def cleaned_file(upload, name="image"):
    """A ContentFile of the cleaned, metadata-free original, for plain ImageFields (portraits)."""
    prepared = prepared_from(upload)
    data = encode_master(prepared)
    prepared.image.close()
    return ContentFile(data, name=name + master_suffix(prepared))
