"""The public site in a real browser: list, filters, a release, its counter, phones, English."""

import datetime
import re

import pytest

from tests.browser.conftest import OTHER_READER, READER
from tests.factories import CategoryFactory, OfficialFactory, PositionFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_BODY = (
    "กระทรวงการต่างประเทศขอเรียนว่า นายดอน ปรมัตถ์วินัย รองนายกรัฐมนตรีและรัฐมนตรีว่าการกระทรวงการต่างประเทศ "
    "ได้หารือกับรัฐมนตรีต่างประเทศสหรัฐอเมริกาเกี่ยวกับความร่วมมือด้านสาธารณสุขและเศรษฐกิจ\n\n"
    "รายละเอียดเพิ่มเติมที่ https://www.mfa.go.th/th/content/a-very-long-address-that-must-wrap-on-phones-"
    "and-never-push-the-page-sideways-0123456789-0123456789-0123456789\n\n"
    + "ความร่วมมือระหว่างประเทศ" * 12
)


@pytest.fixture
def site():
    statement = CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")
    don = OfficialFactory(honorific="นาย", name_th="ดอน ปรมัตถ์วินัย", name_en="Don Pramudwinai", slug="don-pramudwinai")
    PositionFactory(official=don, title_th="รัฐมนตรีว่าการกระทรวงการต่างประเทศ", start_date=datetime.date(2019, 7, 10))
    anna = OfficialFactory(honorific="นาง", name_th="แอนนา ตัวอย่าง", name_en="Anna Example", slug="anna-example")
    main = ReleaseFactory(
        title="ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข", release_date=datetime.date(2021, 9, 29), body=LONG_BODY
    )
    main.officials.add(don)
    ReleaseImageFactory(release=main, order=0, alt_text="รัฐมนตรีทั้งสองจับมือกัน", caption="")
    ReleaseImageFactory(release=main, order=1, alt_text="บรรยากาศการประชุม", caption="การประชุมทวิภาคี")
    ReleaseImageFactory(release=main, order=2, alt_text="ภาพหมู่", caption="")
    ReleaseFactory(title="ประกาศเรื่องวีซ่า", release_date=datetime.date(2021, 3, 1)).officials.add(anna)
    ReleaseFactory(
        title="แถลงการณ์ปีก่อน", release_date=datetime.date(2020, 9, 15), category=statement
    ).officials.add(don)
    ReleaseFactory(title="Thailand and the US discuss health cooperation", language="en",
                   release_date=datetime.date(2021, 9, 29), translation=main)
    ReleaseFactory(title="ร่างที่ยังไม่เผยแพร่", draft=True, release_date=datetime.date(2021, 9, 29))
    return {"main": main, "don": don}


def list_titles(page):
    return page.locator(".release-item__title a").all_inner_texts()


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_list_filter_by_year_and_official_then_open_a_release(live_server, new_page, site):
    page = new_page()
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "ข่าวประชาสัมพันธ์"
    # The English version of the first release is its translation: the Thai list shows the pair once.
    assert len(list_titles(page)) == 3
    assert "Thailand and the US discuss health cooperation" not in list_titles(page)
    assert "ร่างที่ยังไม่เผยแพร่" not in page.content()

    page.get_by_text("กรองข่าว").click()
    page.get_by_label("ปี", exact=True).fill("2564")
    page.get_by_role("button", name="กรอง", exact=True).click()
    page.wait_for_url(re.compile(r"year=2564"))
    assert sorted(list_titles(page)) == sorted(["ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข", "ประกาศเรื่องวีซ่า"])

    page.get_by_label("บุคคล", exact=True).select_option("don-pramudwinai")
    page.get_by_role("button", name="กรอง", exact=True).click()
    page.wait_for_url(re.compile(r"official=don-pramudwinai"))
    assert "year=2564" in page.url
    assert list_titles(page) == ["ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข"]

    page.get_by_role("link", name="ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข").click()
    page.wait_for_url(re.compile(r"/releases/\d+/"))
    assert page.locator("h1").inner_text() == "ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข"
    assert page.locator(".release .meta time").inner_text() == "29 กันยายน 2564"
    # The gallery: the lead photo and two more, captions (default รูปภาพประกอบ) and alt texts.
    assert page.locator(".release__lead img").get_attribute("alt") == "รัฐมนตรีทั้งสองจับมือกัน"
    assert page.locator(".gallery figcaption").all_inner_texts() == ["การประชุมทวิภาคี", "รูปภาพประกอบ"]
    assert page.locator(".gallery img").evaluate_all("imgs => imgs.map(i => i.alt)") == ["บรรยากาศการประชุม", "ภาพหมู่"]
    page.locator(".gallery img").last.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)")
    # The official, with the position held that day, links to their page.
    page.get_by_role("link", name="นายดอน ปรมัตถ์วินัย").click()
    page.wait_for_url(re.compile(r"/officials/don-pramudwinai/"))
    assert "รัฐมนตรีว่าการกระทรวงการต่างประเทศ" in page.locator("main").inner_text()
    assert page.csp_errors == []


def test_view_counter_goes_up_for_a_second_visitor(live_server, new_page, site):
    url = live_server.url + site["main"].get_absolute_url()
    first = new_page(user_agent=READER)
    first.goto(url)
    assert first.locator(".release .views").inner_text() == "เข้าชม 1 ครั้ง"
    first.reload()
    assert first.locator(".release .views").inner_text() == "เข้าชม 1 ครั้ง"  # the same reader again
    second = new_page(user_agent=OTHER_READER)
    second.goto(url)
    assert second.locator(".release .views").inner_text() == "เข้าชม 2 ครั้ง"
    second.goto(live_server.url + "/")
    item = second.locator(".release-item", has_text="ไทยและสหรัฐฯ หารือความร่วมมือด้านสาธารณสุข")
    assert "เข้าชม 2 ครั้ง" in item.inner_text()


def test_phone_viewport_has_no_horizontal_scroll(live_server, new_page, site):
    page = new_page(user_agent=OTHER_READER, width=360, height=740)
    for path in ("/", "/?year=abc", site["main"].get_absolute_url(), "/officials/", "/officials/don-pramudwinai/"):
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path
        if path == "/":
            page.get_by_text("กรองข่าว").click()
            assert no_horizontal_scroll(page), "open filters"
    assert page.csp_errors == []


def test_phone_search_shows_results_before_the_filters(live_server, new_page, site):
    page = new_page(user_agent=OTHER_READER, width=360, height=800)
    page.goto(live_server.url + "/?q=" + "วีซ่า")
    assert page.locator("details.filters").get_attribute("open") is None
    count = page.locator(".result-count").bounding_box()
    first = page.locator(".release-item").first.bounding_box()
    # Both the count and the first result start inside the first screen.
    assert count["y"] + count["height"] <= 800
    assert first["y"] < 800
    # A filter set in the panel keeps it open, so the reader sees what narrows the list.
    page.goto(live_server.url + "/?q=" + "วีซ่า" + "&year=2564")
    assert page.locator("details.filters").get_attribute("open") is not None


def test_english_switch_and_back(live_server, new_page, site):
    page = new_page()
    thai_url = site["main"].get_absolute_url()
    page.goto(live_server.url + thai_url + "?utm_source=line")
    assert page.locator("html").get_attribute("lang") == "th"
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    # The same release at its English address; the switch is a plain link, no cookie set.
    assert page.url == f"{live_server.url}/en{thai_url}"
    assert all(cookie["name"] != "django_language" for cookie in page.context.cookies())
    assert page.locator(".release .meta time").inner_text() == "29 September 2021"
    assert page.get_by_role("heading", name="Officials in this release").is_visible()
    assert page.locator(".release").get_attribute("lang") == "th"
    page.get_by_role("link", name="Press releases", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "Press releases"
    assert "29 Sep 2021" in page.locator(".release-list").inner_text()
    page.get_by_role("link", name="ภาษาไทย", exact=True).click()
    page.wait_for_function("document.documentElement.lang === 'th'")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "ข่าวประชาสัมพันธ์"
    assert page.csp_errors == []


def test_thai_font_styles_and_keyboard_focus(live_server, new_page, site):
    page = new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ข่าวประชาสัมพันธ์')")
    assert "Sarabun" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # The first Tab reaches the skip link, which becomes visible and leads to <main>.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.csp_errors == []


def test_list_thumbnails_keep_a_fixed_box_whatever_the_file(live_server, new_page, site):
    """The thumbnail's box is 3:2 from the first paint, so a lazy photo arriving moves nothing (layout shift)."""
    page = new_page(user_agent=OTHER_READER, width=360, height=740)
    page.goto(live_server.url + "/")
    style = page.eval_on_selector(
        ".release-item__thumb img", "img => [getComputedStyle(img).aspectRatio, getComputedStyle(img).objectFit]"
    )
    assert style == ["3 / 2", "cover"]
    box = page.eval_on_selector(".release-item__thumb img", "img => img.getBoundingClientRect().toJSON()")
    assert abs(box["height"] - box["width"] * 2 / 3) < 1
