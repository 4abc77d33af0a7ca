"""What a stored release page leaves out and fills in on every request: the view count and the week's most read."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape

from .. import counters, fragments, list_items
from ..readership.popular import most_read_this_week

# Written by templates/releases/release_detail.html where each goes; a comment, so a page
# whose slots were somehow not filled still shows nothing wrong.
VIEWS = "<!--stored-page-slot:views-->"
MOST_READ = "<!--stored-page-slot:most-read-->"


def most_read_block(language):
    """The "most read this week" block as HTML, rendered once per content generation and day."""
    today = timezone.localdate().isoformat()
    return fragments.cached(
        "most-read-html", (language, today),
        lambda: render_to_string("includes/most_read.html", {"most_read": most_read_this_week(language)}),
    )


def fill(html, release, language):
    """`html` with its slots filled for this request: the count as the reader's view made it."""
    views = conditional_escape(list_items.views_label(counters.displayed_views(release)))
    return html.replace(VIEWS, views, 1).replace(MOST_READ, most_read_block(language), 1)
