"""Rendering helpers: a rendition's URL and what includes/picture.html needs for one photo. No queries."""

from .renditions import RENDITION_BOXES, RENDITION_FORMATS, RENDITION_SIZES


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
