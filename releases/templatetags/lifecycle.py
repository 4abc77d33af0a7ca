"""Admin template tag for the publishers' review queue: {% load lifecycle %}."""

from django import template
from django.urls import reverse

from .. import roles
from ..models import Release

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    """{"count", "url"} of releases waiting for review, for staff who may see releases; else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (roles.can_publish(user) or roles.can_write(user)):
        return None
    url = reverse("admin:releases_release_changelist") + "?state=review"
    return {"count": Release.objects.filter(status=Release.Status.REVIEW).count(), "url": url}
