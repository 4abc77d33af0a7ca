"""Template helpers for the public site: {% load public_site %}."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape, format_html
from django.template.loader import get_template
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import fragments, list_items
from ..languages import language_urls
from ..thai import page_language

register = template.Library()

# The escapes django.utils.html.json_script applies: no '</script>' or '<!--' can close the block.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def views_label(count):
    """"1,234 views" in the page's language (releases/list_items.py)."""
    return list_items.views_label(count)


@register.simple_tag(takes_context=True)
def release_items(context, releases, heading="h2", eager_first=False):
    """The list items of `releases`, each rendered once per content generation (releases/list_items.py);
    a search's results each time (their headlines follow the query)."""
    request = context.get("request")
    searching = request is not None and "q" in request.GET
    return list_items.render_items(releases, heading=heading, eager_first=eager_first, cached=not searching)


@register.simple_tag(takes_context=True)
def filter_panel(context):
    """includes/release_filters.html, rendered once per content generation, language and set of
    filters (its ~300 options were a third of an uncached list page's time). A search's query text
    (addresses without end) is not part of the key: the panel is rendered with a placeholder in the
    query box, which each request fills with its own text, escaped as the widget escapes it (the
    query is never refused, so no error in the panel can belong to it)."""
    request = context["request"]
    form = context["filter"].form
    template = get_template("includes/release_filters.html").template
    query = request.GET.get("q")
    chosen = urlencode(sorted((name, sorted(values)) for name, values in request.GET.lists() if name not in ("page", "q")), doseq=True)

    def render():
        original = form.data
        if query is not None:
            form.data = original.copy()
            form.data["q"] = _QUERY_SLOT
        try:
            with context.push():
                return str(template.render(context))
        finally:
            form.data = original

    panel = fragments.cached("filter-panel", (get_language(), int(bool(request.GET)), int(query is not None), chosen), render)
    if query is not None:
        panel = panel.replace(_QUERY_SLOT, escape(query))
    return mark_safe(panel)


# Letters and digits only, so escaping leaves it as it is; no query text is likely to hold it.
_QUERY_SLOT = "qslot5e1c0a9d7b"


@register.filter
def ld_json_script(value):
    """A JSON-LD data block, escaped as json_script escapes; CSP does not run data blocks."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


@register.filter
def localized_name(obj):
    """A category's or official's name in the page's language (Thai, with any honorific, when no English one)."""
    if not obj:
        return ""
    name = obj.name_for(page_language())
    honorific = getattr(obj, "honorific", "")
    return f"{honorific}{name}" if honorific and name == obj.name_th else name


@register.filter
def localized_title(position):
    """A position's title in the page's language."""
    return position.title_for(page_language()) if position else ""


@register.simple_tag
def site_name():
    return settings.SITE_NAME


@register.simple_tag(takes_context=True)
def page_in_languages(context):
    """This page's absolute URL in each interface language ({} off the readers' pages), for the
    hreflang links and the language switch; worked out once per request."""
    request = context.get("request")
    if request is None:
        return {}
    if not hasattr(request, "page_in_languages"):
        request.page_in_languages = language_urls(request)
    return request.page_in_languages
