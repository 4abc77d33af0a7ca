"""Media RSS (http://search.yahoo.com/mrss/) in the feeds: each item's photos with their credit and alt text."""

import mimetypes

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .images.rendering import rendition

MEDIA_NS = "http://search.yahoo.com/mrss/"


def media_contents(images):
    """One dict a photo (site-relative URL): the public "display" JPEG rendition, or the cleaned original
    for a photo stored before renditions existed. No queries: `images` is prefetched."""
    contents = []
    for image in images:
        found = rendition(image, "display", "jpeg")
        if found is None:
            if not image.image:
                continue
            found = {"url": image.image.url, "width": image.width, "height": image.height}
            found["type"] = mimetypes.guess_type(image.image.name)[0] or "image/jpeg"
        else:
            found["type"] = "image/jpeg"
        contents.append({**found, "credit": image.credit, "description": image.alt_text, "title": image.caption})
    return contents


class MediaRssMixin:
    """Declares the media namespace and writes an item's `media` (from item_extra_kwargs) as
    <media:content> elements; everything else (enclosures included) stays the base feed's."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for content in item.get("media", ()):
            attributes = {"url": content["url"], "type": content["type"], "medium": "image"}
            attributes.update({key: str(content[key]) for key in ("width", "height") if content[key]})
            handler.startElement("media:content", attributes)
            if content["title"]:
                handler.addQuickElement("media:title", content["title"], {"type": "plain"})
            if content["description"]:
                handler.addQuickElement("media:description", content["description"], {"type": "plain"})
            if content["credit"]:
                handler.addQuickElement("media:credit", content["credit"])
            handler.endElement("media:content")


class MediaRssFeed(MediaRssMixin, Rss201rev2Feed):
    """RSS 2.0 with each item's photos as Media RSS."""


class MediaAtomFeed(MediaRssMixin, Atom1Feed):
    """Atom with each entry's photos as Media RSS."""
