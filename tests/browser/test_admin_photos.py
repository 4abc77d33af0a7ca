"""The admin's photo table in Chromium: thumbnails and a change form that fits a 1366 px screen."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import ReleaseFactory, ReleaseImageFactory, login_verified, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in_page(new_page, live_server, **size):
    """A page carrying a publisher's session after both sign-in steps (made by a test client)."""
    client = Client()
    login_verified(client, make_user("photo-editor", role="Publisher"))
    page = new_page(**size)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return page


def test_change_form_with_three_photos_fits_1366_px(new_page, live_server):
    release = ReleaseFactory(draft=True)
    for order in range(3):
        ReleaseImageFactory(release=release, order=order, image__width=1600, image__height=1200)
    page = signed_in_page(new_page, live_server, width=1366, height=900)
    page.goto(live_server.url + reverse("admin:releases_release_change", args=[release.pk]))
    thumbs = page.locator("img.admin-thumb")
    assert thumbs.count() == 3
    assert max(thumbs.nth(i).bounding_box()["width"] for i in range(3)) <= 120
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    widths = page.evaluate("""[...document.querySelectorAll("#images-group th, #images-group tr.has_original td, #content, #content-main, .inline-group")].map(e => (e.className || e.id || e.tagName) + ":" + Math.round(e.getBoundingClientRect().width)).join(" ")""")
    assert overflow <= 0, widths
