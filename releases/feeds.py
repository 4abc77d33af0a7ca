"""RSS and Atom feeds of published releases: latest, per category, per official."""

import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _, gettext_lazy

from .attachments.presentation import absolute, enclosures
from .feed_media import MediaAtomFeed, MediaRssFeed, media_contents
from .models import Category, Official, Release
from .thai import page_language

FEED_SIZE = 30


class LatestReleasesFeed(Feed):
    """The newest releases, both languages."""

    feed_type = MediaRssFeed

    def title(self, obj=None):
        return _("%(site)s: press releases") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return reverse("releases:list")

    def description(self, obj=None):
        return _("The latest press releases.")

    def releases(self, obj):
        return Release.objects.published().select_related("category")

    def items(self, obj=None):
        return self.releases(obj).newest_first().prefetch_related("attachments", "images")[:FEED_SIZE]

    def item_enclosures(self, item):
        # RSS allows one enclosure an item (the first document); Atom lists each as rel="enclosure".
        # Relative here: get_feed makes them absolute for this request.
        return enclosures(item.attachments.all(), None if issubclass(self.feed_type, Atom1Feed) else 1)

    def item_extra_kwargs(self, item):
        # Every photo with its credit and alt text (Media RSS); relative here, made absolute in get_feed.
        return {"media": media_contents(item.images.all())}

    # The ministry is the author of every release (Atom requires an author: RFC 4287, 4.1.1).
    def author_name(self, obj=None):
        return settings.SITE_NAME

    def item_author_name(self, item):
        return settings.SITE_NAME

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers take the description as HTML; the summary is plain text.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        # The last correction readers were told of, not every save.
        return item.modified_at

    def item_categories(self, item):
        return [item.category.name_for(page_language())]

    def item_guid(self, item):
        # Stable when the title (so the slug and link) changes, and a valid IRI for Atom's <id>.
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'newsroom:release:{item.pk}')}"

    item_guid_is_permalink = False

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = page_language()
        # The author's address is the site's own, known only from the request (feeds are shared
        # by all requests, so it is set on this request's feed, not on the Feed object).
        home = request.build_absolute_uri("/")
        feed.feed["author_link"] = home
        for item in feed.items:
            item["author_link"] = home
            item["enclosures"] = [absolute(request, enclosure) for enclosure in item["enclosures"]]
            for content in item["media"]:
                content["url"] = request.build_absolute_uri(content["url"])
        return feed


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = MediaAtomFeed
    subtitle = LatestReleasesFeed.description


class ObjectFeed(LatestReleasesFeed):
    """The newest releases of one category or official, found by slug."""

    model = None
    lookup = None
    description_text = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj=None):
        return _("%(site)s: %(name)s") % {"site": settings.SITE_NAME, "name": obj.name_for(page_language())}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return self.description_text % {"name": obj.name_for(page_language())}

    def releases(self, obj):
        return super().releases(obj).filter(**{self.lookup: obj})


class CategoryFeed(ObjectFeed):
    model = Category
    lookup = "category"
    description_text = gettext_lazy("The latest press releases in %(name)s.")


class CategoryAtomFeed(CategoryFeed):
    feed_type = MediaAtomFeed
    subtitle = CategoryFeed.description


class OfficialFeed(ObjectFeed):
    model = Official
    lookup = "officials"
    description_text = gettext_lazy("The latest press releases mentioning %(name)s.")


class OfficialAtomFeed(OfficialFeed):
    feed_type = MediaAtomFeed
    subtitle = OfficialFeed.description
