"""A release's video in a real browser: nothing from another origin until the reader clicks, then the frame."""

import pytest

from releases.video.models import ReleaseVideo
from tests.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_video_loads_only_after_a_click(live_server, new_page):
    release = ReleaseFactory()
    ReleaseVideo.objects.create(release=release, url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", title="แถลงข่าวประจำสัปดาห์")
    page = new_page()
    outside = []

    def route(route):
        # Never the real network: other origins are recorded and refused.
        if not route.request.url.startswith(live_server.url):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.context.route("**/*", route)
    page.goto(live_server.url + release.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert outside == []
    link = page.get_by_role("link", name="เล่นวิดีโอ: แถลงข่าวประจำสัปดาห์")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    link.click()
    frame = page.locator("iframe.video__frame")
    frame.wait_for(state="attached")
    assert frame.get_attribute("title") == "แถลงข่าวประจำสัปดาห์"
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    page.wait_for_timeout(300)
    assert outside and all(url.startswith("https://www.youtube-nocookie.com/") for url in outside)
    assert page.csp_errors == []
