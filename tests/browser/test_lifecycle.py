"""The review workflow in a real browser: an editor submits, a publisher returns it with a comment, the editor fixes and resubmits, the publisher approves."""

import pytest

from releases.models import Release
from tests.factories import ReleaseFactory, make_user
from tests.browser.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(new_page, live_server, user):
    """A page signed in to the admin as `user` (both sign-in steps)."""
    page = sign_in_page(new_page(), live_server, user)
    page.goto(live_server.url + "/admin/")
    return page


def press(page, label):
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_submit_return_with_comment_fix_resubmit_and_approve(live_server, new_page):
    editor, publisher = make_user("somsri", role="Editor"), make_user("prasert", role="Publisher")
    release = ReleaseFactory(draft=True, title="แถลงข่าวเรื่องการเดินทาง", created_by=editor)
    change = f"{live_server.url}/admin/releases/release/{release.pk}/change/"

    writer = sign_in(new_page, live_server, editor)
    writer.goto(change)
    press(writer, "ส่งตรวจ")
    assert "รอตรวจ" in writer.locator(".lifecycle h2").inner_text()

    reviewer = sign_in(new_page, live_server, publisher)
    reviewer.get_by_role("link", name="ข่าวรอตรวจ 1 รายการ").click()
    reviewer.get_by_role("link", name="แถลงข่าวเรื่องการเดินทาง").click()
    reviewer.locator('form[action$="/lifecycle/return/"] textarea').fill("โปรดระบุวันที่เดินทางในชื่อเรื่อง")
    press(reviewer, "ส่งกลับให้ผู้เขียนแก้ไข")

    writer.goto(change)
    assert "โปรดระบุวันที่เดินทางในชื่อเรื่อง" in writer.locator(".lifecycle__comment").inner_text()
    writer.fill("#id_title", "แถลงข่าวเรื่องการเดินทาง วันที่ 1 ธันวาคม")
    writer.click('input[name="_continue"]')
    writer.wait_for_load_state()
    press(writer, "ส่งตรวจ")

    reviewer.goto(change)
    assert reviewer.locator("#id_title").input_value() == "แถลงข่าวเรื่องการเดินทาง วันที่ 1 ธันวาคม"
    press(reviewer, "อนุมัติ")
    history = reviewer.locator(".lifecycle__events").inner_text()
    assert "อนุมัติและเผยแพร่" in history and "โปรดระบุวันที่เดินทางในชื่อเรื่อง" in history

    release.refresh_from_db()
    assert release.is_published()
    reader = new_page()
    reader.goto(live_server.url + "/")
    assert "แถลงข่าวเรื่องการเดินทาง วันที่ 1 ธันวาคม" in reader.locator(".release-list").inner_text()
    assert Release.objects.published().count() == 1


def test_a_publisher_schedules_a_change_in_thai_and_cancels_the_time(live_server, new_page):
    publisher = make_user("prasert", role="Publisher")
    release = ReleaseFactory(title="ประกาศเดิมของสถานทูต")
    change = f"{live_server.url}/admin/releases/release/{release.pk}/change/"

    page = sign_in(new_page, live_server, publisher)
    page.goto(change)
    page.fill("#id_title", "ประกาศฉบับปรับปรุงของสถานทูต")
    page.get_by_label("ตั้งเวลาให้การแก้ไขนี้มีผลเมื่อ").fill("01/01/2600 08:00")
    page.click('input[name="_continue"]')
    page.wait_for_load_state()
    assert "ตั้งเวลาให้การแก้ไขนี้มีผลเมื่อ" in page.locator(".messagelist").inner_text()
    box = page.locator(".lifecycle__revision").inner_text()
    assert "การแก้ไขที่ตั้งเวลาไว้" in box and "ประกาศฉบับปรับปรุงของสถานทูต" in box and "2600" in box

    reader = new_page()
    reader.goto(live_server.url + release.get_absolute_url())
    assert "ประกาศเดิมของสถานทูต" in reader.locator("h1").inner_text()

    press(page, "ยกเลิกการตั้งเวลา (ฉบับแก้ไขกลับไปรออนุมัติ)")
    assert "ฉบับแก้ไขรออนุมัติ" in page.locator(".lifecycle__revision").inner_text()
    assert "ยกเลิกเวลาที่ตั้งไว้" in page.locator(".lifecycle__events").inner_text()
