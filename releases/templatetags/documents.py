"""Template filters for a release's documents: the facts after a link's title, the media type."""

from django import template

from ..attachments.presentation import MEDIA_TYPES, facts

register = template.Library()


@register.filter
def document_facts(attachment):
    return facts(attachment)


@register.filter
def media_type(attachment):
    return MEDIA_TYPES[attachment.file_type]
