"""static/js/photo-order.js in Chromium: photos reordered by dragging or by the move buttons, and saved in that order."""

import pytest
from django.urls import reverse

from releases.models import ReleaseImage
from tests.browser.test_admin_photos import signed_in_page
from tests.factories import ReleaseFactory, ReleaseImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def release():
    release = ReleaseFactory(draft=True)
    for order, caption in enumerate(["หนึ่ง", "สอง", "สาม"]):
        ReleaseImageFactory(release=release, order=order, caption=caption)
    return release


def open_form(new_page, live_server, release):
    page = signed_in_page(new_page, live_server, width=1366, height=900)
    page.goto(live_server.url + reverse("admin:releases_release_change", args=[release.pk]))
    return page


def shown(page):
    """The captions of the photo rows, top to bottom, with their order inputs."""
    return page.evaluate("""[...document.querySelectorAll("#images-group tbody tr.has_original")].map(
        row => [row.querySelector("td.field-caption input").value, row.querySelector("td.field-order input").value])""")


def saved(release):
    return list(ReleaseImage.objects.filter(release=release).order_by("order", "pk").values_list("caption", flat=True))


def save(page):
    with page.expect_navigation():
        page.click('input[name="_continue"]')
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:500]


def test_move_buttons_reorder_from_the_keyboard_and_the_order_is_saved(new_page, live_server, release):
    page = open_form(new_page, live_server, release)
    first_down = page.locator("#images-0 .reorder__down")
    assert first_down.get_attribute("aria-label") == "เลื่อนลง"
    first_down.focus()
    page.keyboard.press("Enter")
    assert shown(page) == [["สอง", "0"], ["หนึ่ง", "1"], ["สาม", "2"]]
    # Focus stays on the moved row's button, so pressing again moves it once more.
    page.keyboard.press("Enter")
    assert shown(page) == [["สอง", "0"], ["สาม", "1"], ["หนึ่ง", "2"]]
    assert page.locator("#images-group .reorder__status").inner_text() == "ลำดับที่ 3 จาก 3"
    page.locator("#images-2 .reorder__up").click()  # "สาม" (row ids stay with their forms) to the top
    assert shown(page) == [["สาม", "0"], ["สอง", "1"], ["หนึ่ง", "2"]]
    save(page)
    assert saved(release) == ["สาม", "สอง", "หนึ่ง"]
    assert page.csp_errors == []


def drag(page, handle, row):
    """Press on `handle`, move in small steps to the top of `row` and let go: a person's drag
    (Playwright's drag_to scrolls between the two points, which ends the drag early)."""
    row.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 150)")  # the handle, lower down, in view too
    start, end = handle.bounding_box(), row.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x, y + (end["y"] + 5 - y) * step / 10)
    page.mouse.up()


def test_dragging_a_row_by_its_handle_reorders_and_the_order_is_saved(new_page, live_server, release):
    page = open_form(new_page, live_server, release)
    drag(page, page.locator("#images-2 .reorder__handle"), page.locator("#images-0"))
    assert [caption for caption, _ in shown(page)] == ["สาม", "หนึ่ง", "สอง"]
    assert [order for _, order in shown(page)] == ["0", "1", "2"]
    save(page)
    assert saved(release) == ["สาม", "หนึ่ง", "สอง"]
    assert page.csp_errors == []


def test_the_blank_extra_row_keeps_its_order_and_saving_adds_no_photo(new_page, live_server, release):
    page = open_form(new_page, live_server, release)
    page.locator("#images-2 .reorder__up").click()
    blank = page.locator("#images-3")
    assert blank.locator(".reorder__up").count() == 1  # the row has buttons, but is not renumbered
    assert blank.locator("td.field-order input").input_value() == "0"
    save(page)
    assert saved(release) == ["หนึ่ง", "สาม", "สอง"]
