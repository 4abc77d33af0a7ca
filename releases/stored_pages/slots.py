"""What a stored release page leaves out and fills in on every request: the view count and the week's most read."""

import time

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape

from .. import caching, counters, fragments, list_items
from ..readership.popular import most_read_this_week

# Written by templates/releases/release_detail.html where each goes; a comment, so a page
# whose slots were somehow not filled still shows nothing wrong.
VIEWS = "<!--stored-page-slot:views-->"
MOST_READ = "<!--stored-page-slot:most-read-->"


def most_read_block(language):
    """The "most read this week" block as HTML, rendered once per content generation and day, and
    kept in the worker too (one cache read less on every release page) for the page lifetime."""
    today = timezone.localdate().isoformat()
    token = caching.guarded_token()
    key = (token, language, today)
    remembered = _remembered.get(key)
    if token is not None and remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    html = fragments.cached(
        "most-read-html", (language, today),
        lambda: render_to_string("includes/most_read.html", {"most_read": most_read_this_week(language)}),
        token=token,
    )
    if token is not None:
        if len(_remembered) >= 16:
            _remembered.clear()
        _remembered[key] = (time.monotonic() + settings.NEWSROOM_PAGE_CACHE_SECONDS, html)
    return html


# (generation token, language, day) -> (until, HTML). A new generation is a new key, so an edit
# shows at once; the time limit lets new views reorder the list, as the shared fragment does.
_remembered = {}


def fill(html, release, language):
    """`html` with its slots filled for this request: the count as the reader's view made it."""
    views = conditional_escape(list_items.views_label(counters.displayed_views(release)))
    return html.replace(VIEWS, views, 1).replace(MOST_READ, most_read_block(language), 1)
