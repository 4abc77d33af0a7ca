"""Encoding: the cleaned original and the fixed set of renditions (two sizes x two formats), as bytes with their storage names."""

import io

from PIL import Image

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
