"""A release's item in the public lists, rendered once per content generation and language and reused.

Rendering twenty items (each with its picture, title with Thai line breaks, dates, category) was
most of an uncached list page's time (docs/performance.md). An item depends only on content that
starts a new page-cache generation when it changes, and on the page's language; its view count
changes with every reader, so the cached HTML holds a slot that is filled on every request.
Search results (a headline or a document's match in the item) are rendered each time.
"""

from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.contrib.humanize.templatetags.humanize import intcomma

from . import caching

TEMPLATE = "includes/release_item.html"
# Never in the rendered text itself: "<" of any content is escaped.
VIEWS_SLOT = "<!--views-->"


def views_label(count):
    """"1,234 views" in the page's language: the one wording of the view count on list and detail pages."""
    return ngettext("%(number)s view", "%(number)s views", count) % {"number": intcomma(count)}


def render_items(releases, heading="h2", eager_first=False, cached=True):
    """The <li> items of `releases` (which carry `views_shown`) as one safe string: cached items in
    one cache round trip, the missing ones rendered and stored in another (cached=False: all rendered)."""
    releases = list(releases)
    token = caching.guarded_token() if cached and releases else None
    language = get_language()
    keys = {}
    for position, release in enumerate(releases):
        if token and not _query_specific(release):
            eager = eager_first and position == 0
            keys[release.pk] = f"fragments:item:{token}:{language}:{heading}:{int(eager)}:{release.pk}"
    found = caching.lookup_many(list(keys.values())) if keys else {}
    template, fresh, items = None, {}, []
    for position, release in enumerate(releases):
        key = keys.get(release.pk)
        html = found.get(key) if key else None
        if html is None:
            template = template or get_template(TEMPLATE)
            context = {"release": release, "heading": heading, "eager": eager_first and position == 0, "LANGUAGE_CODE": language}
            html = template.render(context)
            if key:
                fresh[key] = html
        items.append(html.replace(VIEWS_SLOT, format_html('<span class="views">{}</span>', views_label(release.views_shown)), 1))
    if fresh:
        caching.store_many(fresh)
    return mark_safe("".join(items))


def _query_specific(release):
    return bool(getattr(release, "search_headline", None) or getattr(release, "document_match", None))
