"""Photo pipeline on Pillow: validate an upload by its content, decode it fully, turn it upright and into sRGB, drop its metadata.

No model, storage or form code here: the input is a file object, the output a PreparedImage.
"""

import io
import logging
import struct
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

logger = logging.getLogger("releases.images")

# Pillow's format names. Anything else (SVG, PDF, EPS/PS, TIFF, BMP, ICO, ...) never
# reaches a decoder: Image.open only tries these plugins.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",), "WEBP": (".webp",), "GIF": (".gif",)}

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
    return settings.NEWSROOM_IMAGE_MAX_PIXELS


def max_bytes():
    return settings.NEWSROOM_IMAGE_MAX_BYTES


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
