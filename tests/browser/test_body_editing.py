"""Writing a structured body in the admin: live preview, publish, the lists on the public page."""

import re

import pytest
from django.urls import reverse

from releases.models import Release
from tests.factories import CategoryFactory, make_user
from tests.browser.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BRIEFING = "สรุปการแถลงข่าวประจำสัปดาห์\n\n๑. การเดินทาง\n๑.๑ ตรวจสอบหนังสือเดินทาง\n๑.๒ ลงทะเบียนออนไลน์\n๒. วัฒนธรรม\n\n- งานเทศกาลไทย\n- นิทรรศการ"


def sign_in(page, live_server, user):
    """The admin sign-in, in one place: both steps (tests/browser/conftest.py)."""
    sign_in_page(page, live_server, user)
    page.goto(live_server.url + reverse("admin:index"))


def test_publisher_writes_a_thai_numbered_briefing_and_readers_see_the_lists(live_server, new_page):
    CategoryFactory(slug="briefing", name_th="แถลงข่าว")
    page = new_page()
    sign_in(page, live_server, make_user("publisher", role="Publisher"))
    page.goto(live_server.url + reverse("admin:releases_release_add"))

    page.locator("#id_title").fill("แถลงข่าวประจำสัปดาห์")
    page.locator("#id_body").fill(BRIEFING)
    preview = page.locator(".body-preview")
    preview.locator("ol.list-thai ol.list-thai li").first.wait_for()
    assert preview.locator(":scope > ol.list-thai > li").count() == 2
    assert preview.locator(":scope > ul > li").count() == 2

    page.locator("#id_category").select_option(label="แถลงข่าว")
    page.locator("#id_release_date").fill("21/07/2565")
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/releases/release/$"))

    release = Release.objects.get(title="แถลงข่าวประจำสัปดาห์")
    assert release.is_published()
    page.goto(live_server.url + release.get_absolute_url())
    body = page.locator(".release__body")
    assert body.locator(":scope > ol.list-thai > li").count() == 2
    assert body.locator("ol.list-thai ol.list-thai > li").count() == 2
    assert body.locator("ul > li").all_inner_texts() == ["งานเทศกาลไทย", "นิทรรศการ"]
    # Numbered in Thai digits (the CSS `thai` counter style), not in Arabic ones; nested as ๑.๑.
    marker = body.locator(":scope > ol.list-thai > li").first.evaluate("li => getComputedStyle(li, '::marker').content")
    assert marker == 'counter(list-item, thai) ". "'
    nested = body.locator("ol.list-thai ol.list-thai > li").nth(1).evaluate("li => getComputedStyle(li, '::marker').content")
    assert nested == 'counters(list-item, ".", thai) " "'
    assert page.csp_errors == []
