"""The "เอกสารประกอบ" section and the press-kit links in a real browser: styled, tappable on phones, CSP intact."""

import pytest

from tests.attachments import documents
from tests.browser.conftest import OTHER_READER
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MIN_TAP = 44  # px: WCAG 2.5.5's target size, Apple's and Material's guideline


@pytest.fixture
def release(settings):
    settings.NEWSROOM_ACCESSIBLE_FORMAT_EMAIL = "access@mfa.go.th"
    release = ReleaseFactory(title="ไทยและญี่ปุ่นออกแถลงการณ์ร่วมว่าด้วยความร่วมมือทางเศรษฐกิจ")
    ReleaseImageFactory(release=release, order=0, credit="กองประชาสัมพันธ์", alt_text="รัฐมนตรีจับมือ")
    ReleaseAttachmentFactory(release=release, order=1, title="แถลงการณ์ร่วมไทย-ญี่ปุ่น ว่าด้วยความร่วมมือทางเศรษฐกิจและการลงทุน ฉบับสมบูรณ์",
                             file__data=documents.make_pdf(["หนึ่ง", "สอง", "สาม"]))
    ReleaseAttachmentFactory(release=release, order=2, title="Joint statement", language="en", file__data=documents.make_docx())
    return release


def open_release(new_page, live_server, release, width, height):
    page = new_page(user_agent=OTHER_READER, width=width, height=height)
    page.goto(live_server.url + release.get_absolute_url())
    return page


def test_phone_links_are_tap_targets_with_badge_and_muted_facts(live_server, new_page, release):
    page = open_release(new_page, live_server, release, 360, 740)
    links = page.locator(".documents__link")
    assert links.count() == 2
    for index in range(2):
        box = links.nth(index).bounding_box()
        assert box["height"] >= MIN_TAP and box["width"] >= 300  # the whole row is the link
    badge = page.locator(".documents__badge--pdf")
    assert badge.inner_text() == "PDF"
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(164, 22, 26)"
    facts = page.locator(".documents__facts").first
    assert facts.evaluate("e => getComputedStyle(e).color") == "rgb(85, 85, 85)"
    # On a phone the facts sit under the title, not squeezed beside it.
    title_box = page.locator(".documents__title").first.bounding_box()
    assert facts.bounding_box()["y"] >= title_box["y"] + title_box["height"] - 1
    # The screen reader hears the title and the facts once, not the badge.
    assert links.first.evaluate("e => e.querySelector('[aria-hidden=true]').textContent") == "PDF"
    accessible = page.locator(".documents__accessible")
    assert accessible.evaluate("e => getComputedStyle(e).borderLeftWidth") == "4px"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    for selector in (".photo-full", ".photos-download a"):
        assert page.locator(selector).first.bounding_box()["height"] >= MIN_TAP, selector
    assert page.csp_errors == []


def test_desktop_facts_follow_the_title_on_its_line(live_server, new_page, release):
    page = open_release(new_page, live_server, release, 1280, 900)
    english = page.locator(".documents__link").nth(1)
    title_box = english.locator(".documents__title").bounding_box()
    facts_box = english.locator(".documents__facts").bounding_box()
    # Same line: the smaller facts text sits within the title's line box (its top depends on the
    # fonts' metrics, so compare its middle, not its top edge).
    facts_middle = facts_box["y"] + facts_box["height"] / 2
    assert title_box["y"] <= facts_middle <= title_box["y"] + title_box["height"]
    assert facts_box["x"] > title_box["x"] + title_box["width"]
    assert english.get_attribute("hreflang") == "en"
    assert page.csp_errors == []
