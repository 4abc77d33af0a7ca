"""Photo pipeline: validate uploads by content, strip metadata, store under unguessable names, make renditions."""

import io
import logging
import struct
import warnings
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Pillow's format names. Anything else (SVG, PDF, EPS/PS, TIFF, BMP, ICO, ...) never
# reaches a decoder: Image.open only tries these plugins.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",), "GIF": (".gif",)}
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Rendition name -> bounding box (width, height). Width is what srcset advertises;
# the height bound keeps a very tall image from becoming a huge "thumbnail".
RENDITION_BOXES = {"thumb": (400, 800), "display": (1200, 2400)}
# Order matters: the template lists WebP first, JPEG is the fallback.
RENDITION_FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
RENDITION_SIZES = {
    "thumb": "(max-width: 480px) 100vw, 400px",
    "display": "(max-width: 1240px) 100vw, 1200px",
}
_SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "WEBP": {"quality": 78, "method": 4},
    "PNG": {"compress_level": 6},
}
_MASTER_JPEG = {"quality": 90}
_SUFFIX = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# Errors a decoder raises on damaged input; anything here means "cannot be read".
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error, zlib.error)
# What a file that is not a raster image usually starts with, to name it in the error.
_SIGNATURES = [
    (b"%PDF", "PDF"),
    (b"%!PS", "PostScript/EPS"),
    (b"\xc5\xd0\xd3\xc6", "PostScript/EPS"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG/XML"),
    (b"<!doctype html", "HTML"),
    (b"<html", "HTML"),
]


# The first bytes of the allowed formats.
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


class ImageStorageError(OSError):
    """Writing a photo's files failed (disk full, permissions); nothing was kept."""


STORAGE_FAILED_MESSAGE = _(
    "The photo could not be stored on the server (storage full or unavailable), so nothing was saved. "
    "Please try again later or tell the site administrator."
)


class ImageRejected(ValueError):
    """An upload that is not an acceptable photo; `message` is translatable and shown to the editor."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


@dataclass(frozen=True)
class ImageInfo:
    format: str  # Pillow's name: JPEG, PNG, WEBP or GIF
    width: int  # upright, after EXIF orientation
    height: int
    frames: int
    mode: str  # as uploaded, e.g. CMYK, I;16, P
    size: int  # bytes


@dataclass
class PreparedImage:
    """A validated upload, decoded, upright and in sRGB, with no metadata left."""

    info: ImageInfo
    image: Image.Image
    master_format: str  # how the cleaned original is stored: JPEG or PNG


def max_pixels():
    return getattr(settings, "NEWSROOM_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_bytes():
    return getattr(settings, "NEWSROOM_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)


# --- validation and cleaning ----------------------------------------------------


def validate_image(fileobj, filename):
    """Check an upload is an acceptable photo and return its ImageInfo; raises ImageRejected."""
    prepared = prepare_image(fileobj, filename)
    prepared.image.close()
    return prepared.info


def prepare_image(fileobj, filename):
    """Validate, fully decode, orient and convert an upload; raises ImageRejected."""
    size = _byte_size(fileobj)
    if size == 0:
        raise ImageRejected(_("The file is empty."), "empty")
    if size > max_bytes():
        raise ImageRejected(
            _("The file is %(size)s; a photo may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())},
            "too_large",
        )
    fileobj.seek(0)
    # Pillow keeps (and for multi-frame files, closes) the file it reads: give it our own copy,
    # so the caller's upload stays usable. At most max_bytes(), checked above.
    source = io.BytesIO(fileobj.read())
    fileobj.seek(0)
    head = source.getvalue()[:512]
    # Pillow only warns between its limit and twice it; a warning here is a rejection.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(source, formats=ALLOWED_FORMATS)
            frames = getattr(im, "n_frames", 1)
        except UnidentifiedImageError:
            raise _not_an_image(head) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except _DECODE_ERRORS as exc:
            raise _corrupt(exc) from None
    # Phones write multi-picture JPEGs (MPO: a photo plus a depth map or preview); the photo is frame 0.
    detected = "JPEG" if im.format == "MPO" else im.format
    _check_extension(detected, filename)
    width, height = im.size
    if width * height * max(frames, 1) > max_pixels():
        raise _too_many_pixels()
    info_mode, info_format = im.mode, detected
    try:
        if frames > 1:
            im.seek(0)
        _decode_fully(im)
        upright = _upright(im)
        clean = _to_srgb(upright)
    except ImageRejected:
        raise
    except _DECODE_ERRORS as exc:
        raise _corrupt(exc) from None
    # Nothing from the upload's metadata (EXIF, GPS, XMP, comments, ICC) may be written back.
    clean.info = {}
    master = "PNG" if clean.mode == "RGBA" or info_format in ("PNG", "GIF") else "JPEG"
    info = ImageInfo(info_format, clean.width, clean.height, frames, info_mode, size)
    return PreparedImage(info=info, image=clean, master_format=master)


def _byte_size(fileobj):
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    return size


def _not_an_image(head):
    if head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        # The start of an allowed format that Pillow could not parse: damaged, not foreign.
        return _corrupt("unidentifiable after a valid signature")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for signature, kind in _SIGNATURES:
        if lowered.startswith(signature.lower()) or (kind == "SVG" and signature in lowered):
            return ImageRejected(
                _("This file is a %(kind)s document, not a photo. Upload a JPEG, PNG, WebP or GIF image.") % {"kind": kind},
                "not_image",
            )
    return ImageRejected(
        _("This file is not a JPEG, PNG, WebP or GIF image (its content was checked, not its name)."), "not_image"
    )


def _too_many_pixels():
    return ImageRejected(
        _("The image has too many pixels: at most %(limit)s megapixels are allowed, counting every frame.")
        % {"limit": f"{max_pixels() / 1_000_000:g}"},
        "too_many_pixels",
    )


def _corrupt(exc):
    logger.info("Rejected a damaged image: %s", exc)
    return ImageRejected(_("The image is damaged or incomplete (truncated) and cannot be read."), "corrupt")


def _check_extension(detected, filename):
    name = (filename or "").rsplit("/", 1)[-1].lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    expected = EXTENSIONS[detected]
    if ext not in expected:
        raise ImageRejected(
            _("The file contains a %(format)s image but its name ends in “%(ext)s”; rename it to end in %(expected)s.")
            % {"format": "WebP" if detected == "WEBP" else detected, "ext": ext or "—", "expected": " / ".join(expected)},
            "extension",
        )


def _decode_fully(im):
    # Never accept a partial decode, whatever another module set globally.
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on: truncated uploads would pass validation.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(im):
    """Apply the EXIF orientation (phones store pixels sideways and set a flag)."""
    try:
        orientation = im.getexif().get(0x0112, 1)
    except _DECODE_ERRORS:
        orientation = 1  # unreadable EXIF: nothing to apply, and it is dropped anyway
    method = _TRANSPOSE.get(orientation)
    if method is None:
        return im
    turned = im.transpose(method)
    turned.info = dict(im.info)  # keep the ICC profile for the colour conversion
    return turned


_SRGB = None


def _srgb_profile():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _to_srgb(im):
    """8-bit sRGB (RGB, or RGBA when transparency is actually used)."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits (a plain convert would clip everything above 255).
        im = im.convert("I").point(lambda v: v / 257).convert("L")
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode in ("PA", "LA", "La", "RGBa"):
        im = im.convert("RGBA")
    elif im.mode == "1":
        im = im.convert("L")
    target = "RGBA" if im.mode == "RGBA" else "RGB"
    if icc and im.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(
                im, source, _srgb_profile(), renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode=target
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            # A broken or mismatched profile: fall back to a plain conversion, still a usable photo.
            logger.info("Ignored an unusable ICC profile: %s", exc)
    if im.mode != target:
        im = im.convert(target)
    if im.mode == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")
    return im


# --- renditions and storage ---------------------------------------------------------


def _encode(im, fmt, **options):
    buffer = io.BytesIO()
    if fmt == "JPEG" and im.mode != "RGB":
        im = _flatten(im)
    im.save(buffer, fmt, **options)
    return buffer.getvalue()


def _flatten(im):
    """RGBA onto white, for JPEG which has no transparency."""
    background = Image.new("RGB", im.size, (255, 255, 255))
    background.paste(im, mask=im.getchannel("A"))
    return background


def _fit(size, box):
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def make_renditions(im):
    """{size: image}, largest first so each smaller one is made from the previous (never enlarged)."""
    result = {}
    source = im
    for name, box in sorted(RENDITION_BOXES.items(), key=lambda item: -item[1][0]):
        target = _fit(im.size, box)
        if target == source.size:
            resized = source
        else:
            # reducing_gap: a fast box reduction first, then Lanczos on the last step.
            resized = source.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.5)
        result[name] = resized
        source = resized
    return result


def encoded_files(prepared, master_name):
    """[(storage name, bytes)] for the cleaned original and every rendition; and the renditions JSON."""
    stem = master_name.rsplit(".", 1)[0]
    files = [(master_name, encode_master(prepared))]
    renditions = {}
    for size, im in make_renditions(prepared.image).items():
        entry = {"width": im.width, "height": im.height}
        for key, fmt in RENDITION_FORMATS.items():
            name = f"{stem}_{size}{_SUFFIX[fmt]}"
            files.append((name, _encode(im, fmt, **_SAVE_OPTIONS[fmt])))
            entry[key] = name
        renditions[size] = entry
    return files, renditions


def encode_master(prepared):
    options = _MASTER_JPEG if prepared.master_format == "JPEG" else _SAVE_OPTIONS["PNG"]
    return _encode(prepared.image, prepared.master_format, **options)


def master_suffix(prepared):
    return _SUFFIX[prepared.master_format]


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


def stored_names(image_row):
    """Every storage name a ReleaseImage row points at: the cleaned original and its renditions."""
    names = [image_row.image.name] if image_row.image else []
    for entry in (image_row.renditions or {}).values():
        names += [entry[key] for key in RENDITION_FORMATS if entry.get(key)]
    return names


def prepared_from(upload):
    """The PreparedImage a form field stashed on an upload, or a fresh one."""
    stashed = getattr(upload, "_newsroom_prepared", None)
    if stashed is not None:
        return stashed
    upload.seek(0)
    return prepare_image(upload, getattr(upload, "name", ""))


@contextmanager
def storing(image_row):
    """Around ReleaseImage.save(): when a new file was assigned, run the pipeline.

    Files are written before the row; if the row's save fails they are removed, so no row
    ever points at a missing file. The replaced photo's files go only after commit.
    """
    field_file = image_row.image
    if not field_file or field_file._committed:
        yield
        return
    prepared = prepared_from(field_file.file)
    field = image_row._meta.get_field("image")
    master_name = field.generate_filename(image_row, "photo" + master_suffix(prepared))
    files, renditions = encoded_files(prepared, master_name)
    prepared.image.close()
    storage = field.storage
    old = []
    if image_row.pk:
        previous = type(image_row).objects.filter(pk=image_row.pk).first()
        old = stored_names(previous) if previous else []
    written = write_files(storage, files)
    # Bypass the descriptor: it would re-open the stored file only to read its size.
    image_row.__dict__["image"] = written[0]
    image_row.width, image_row.height = prepared.info.width, prepared.info.height
    image_row.renditions = _renamed(renditions, dict(zip([n for n, _ in files], written)))
    try:
        yield
    except BaseException:
        delete_files(storage, written)
        raise
    if old:
        transaction.on_commit(lambda: delete_files(storage, old))


def _renamed(renditions, mapping):
    return {
        size: {key: (mapping.get(value, value) if key in RENDITION_FORMATS else value) for key, value in entry.items()}
        for size, entry in renditions.items()
    }


def attach_image(release, fileobj, filename, *, alt_text="", caption="", order=0):
    """Validate, clean and store a photo for `release`, with its renditions; returns the saved ReleaseImage.

    Raises ImageRejected for an unacceptable file (nothing is stored then).
    """
    from django.core.files import File

    from .models import ReleaseImage

    prepared = prepare_image(fileobj, filename)
    upload = File(fileobj, name=filename)
    upload._newsroom_prepared = prepared
    row = ReleaseImage(release=release, alt_text=alt_text, caption=caption, order=order)
    row.__dict__["image"] = upload  # the descriptor wraps it as an uncommitted file on read
    row.save()
    return row


def cleaned_file(upload, name="image"):
    """A ContentFile of the cleaned, metadata-free original, for plain ImageFields (portraits)."""
    prepared = prepared_from(upload)
    data = encode_master(prepared)
    prepared.image.close()
    return ContentFile(data, name=name + master_suffix(prepared))


# --- lifecycle: files go when their row goes, after the transaction commits ------------


def delete_after_commit(storage, names, using=None):
    """Delete files once the surrounding transaction commits (never if it rolls back)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_files(storage, names), using=using)


def _release_image_deleted(sender, instance, using, **kwargs):
    delete_after_commit(instance._meta.get_field("image").storage, stored_names(instance), using)


def _official_deleted(sender, instance, using, **kwargs):
    if instance.portrait:
        delete_after_commit(instance.portrait.storage, [instance.portrait.name], using)


def _official_saving(sender, instance, using, raw=False, **kwargs):
    # Only when the portrait was replaced or cleared is the stored one worth looking up.
    if raw or not instance.pk or (instance.portrait and instance.portrait._committed):
        return
    instance._replaced_portrait = sender.objects.using(using).filter(pk=instance.pk).values_list("portrait", flat=True).first()


def _official_saved(sender, instance, using, **kwargs):
    # Scheduled only once the row no longer points at the old file.
    old = instance.__dict__.pop("_replaced_portrait", None)
    if old and old != instance.portrait.name:
        delete_after_commit(instance.portrait.storage, [old], using)


def connect_signals():
    """Called from ReleasesConfig.ready()."""
    post_delete.connect(_release_image_deleted, sender="releases.ReleaseImage", dispatch_uid="images.release_image_deleted")
    post_delete.connect(_official_deleted, sender="releases.Official", dispatch_uid="images.official_deleted")
    pre_save.connect(_official_saving, sender="releases.Official", dispatch_uid="images.official_saving")
    post_save.connect(_official_saved, sender="releases.Official", dispatch_uid="images.official_saved")


# --- orphans -------------------------------------------------------------------------

# Folders the pipeline writes to (see upload_to in models.py); nothing else is touched.
MEDIA_FOLDERS = ("releases", "officials")


def referenced_names():
    """Every media name a row points at."""
    from .models import Official, ReleaseImage

    names = set()
    for row in ReleaseImage.objects.only("image", "renditions").iterator(chunk_size=2000):
        names.update(stored_names(row))
    names.update(Official.objects.exclude(portrait="").values_list("portrait", flat=True).iterator(chunk_size=2000))
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


def find_orphans(storage, older_than):
    """(orphans, missing): files no row points at, modified before `older_than`; names rows point at that do not exist.

    Young files are left alone: an upload in progress writes its files before its row commits.
    """
    referenced = referenced_names()
    present = set()
    orphans = []
    for folder in MEDIA_FOLDERS:
        for name in walk(storage, folder):
            present.add(name)
            if name not in referenced and storage.get_modified_time(name) < older_than:
                orphans.append(name)
    missing = sorted(name for name in referenced if name not in present and name.startswith(MEDIA_FOLDERS))
    return sorted(orphans), missing


# --- rendering ------------------------------------------------------------------------


def rendition(image_row, size, fmt):
    """{"url", "width", "height"} of one stored rendition, or None. No queries."""
    entry = (image_row.renditions or {}).get(size) or {}
    name = entry.get(fmt)
    if not name:
        return None
    storage = image_row._meta.get_field("image").storage
    return {"url": storage.url(name), "width": entry["width"], "height": entry["height"]}


def picture(image_row, size="display"):
    """What includes/picture.html needs for one photo at one size. No queries."""
    size = size if size in RENDITION_BOXES else "display"
    sources = []
    for key in RENDITION_FORMATS:
        candidates = {}
        # The requested size first, so it wins when two sizes came out the same width.
        for name in sorted(RENDITION_BOXES, key=lambda n: n != size):
            found = rendition(image_row, name, key)
            if found:
                candidates.setdefault(found["width"], found["url"])
        if candidates:
            srcset = ", ".join(f"{url} {width}w" for width, url in sorted(candidates.items()))
            sources.append({"type": f"image/{key}", "srcset": srcset})
    fallback = rendition(image_row, size, "jpeg")
    if fallback is None:
        # A row stored before renditions existed: the original, at its own size.
        fallback = {
            "url": image_row.image.url if image_row.image else "",
            "width": image_row.width,
            "height": image_row.height,
        }
        sources = []
    return {
        "webp_srcset": next((s["srcset"] for s in sources if s["type"] == "image/webp"), ""),
        "jpeg_srcset": next((s["srcset"] for s in sources if s["type"] == "image/jpeg"), ""),
        "sizes": RENDITION_SIZES[size],
        "src": fallback["url"],
        "width": fallback["width"],
        "height": fallback["height"],
    }


# --- forms -----------------------------------------------------------------------------


class ImageUploadField(forms.FileField):
    """A file field that accepts only what prepare_image accepts, with the reason as the error."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            upload._newsroom_prepared = prepare_image(upload, upload.name)
        except ImageRejected as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        upload.seek(0)
        return upload
