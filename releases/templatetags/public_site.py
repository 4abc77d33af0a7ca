"""Template helpers for the public site: {% load public_site %}."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..languages import language_urls
from ..thai import page_language

register = template.Library()

# The escapes django.utils.html.json_script applies: no '</script>' or '<!--' can close the block.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


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
