"""The e-mails: a release, a daily digest, a confirmation request; HTML and plain text, UTF-8, in the subscriber's language."""

from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from releases import thai

from . import links


def release_context(release, language):
    """What a message shows of one release: title, Buddhist-era date, summary, lead photo and link, all absolute."""
    image = release.lead_image
    photo = image.rendition("display") if image else None
    with translation.override(language):  # the release page in the subscriber's interface (English under /en/)
        url = release.get_absolute_url()
    return {
        "title": release.title,
        "date": thai.format_date(release.release_date, "long", language),
        "summary": release.summary,
        "url": links.absolute(url),
        "photo_url": links.absolute(photo["url"]) if photo else "",
        "photo_alt": image.alt_text if image else "",
    }


def unsubscribe_headers(subscriber):
    """One-click unsubscribe (RFC 8058): an https link that takes a POST, and a mailto."""
    mailto = f"mailto:{settings.NEWSROOM_UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + links.manage_token(subscriber))}"
    return {
        "List-Unsubscribe": f"<{links.unsubscribe_url(subscriber)}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _message(to, subject, template, context, language, headers=None):
    with translation.override(language):
        context = {**context, "site_name": settings.SITE_NAME, "language": language}
        text = render_to_string(f"subscriptions/{template}.txt", context)
        html = render_to_string(f"subscriptions/{template}.html", context)
        subject = str(subject)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def _footer(subscriber):
    return {"manage_url": links.manage_url(subscriber), "unsubscribe_url": links.unsubscribe_url(subscriber)}


def release_message(subscriber, release):
    language = subscriber.language
    return _message(
        subscriber.email, release.title, "release", {"release": release_context(release, language), **_footer(subscriber)},
        language, unsubscribe_headers(subscriber),
    )


def digest_message(subscriber, releases, day):
    language = subscriber.language
    with translation.override(language):
        subject = gettext("%(site)s: new releases, %(date)s") % {
            "site": settings.SITE_NAME, "date": thai.format_date(day, "long", language),
        }
    context = {"releases": [release_context(r, language) for r in releases], **_footer(subscriber)}
    return _message(subscriber.email, subject, "digest", context, language, unsubscribe_headers(subscriber))


def confirmation_message(email, token, language):
    with translation.override(language):
        subject = gettext("Confirm your subscription to %(site)s") % {"site": settings.SITE_NAME}
    context = {"confirm_url": links.confirm_url(token), "hours": settings.NEWSROOM_CONFIRM_HOURS}
    return _message(email, subject, "confirm", context, language)

