"""Browser: the readership dashboard shows its SVG chart with the data table beside it, within the CSP."""

import datetime

import pytest
from django.utils import timezone

from django.contrib.auth.models import Permission

from tests.factories import ReleaseFactory, ReleaseViewDayFactory, make_user
from tests.browser.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_dashboard_has_its_chart_and_data_table(live_server, new_page, client):
    # A permission of its own, not a role: a transactional test before this one may have flushed the groups.
    reader = make_user("press-office")
    reader.user_permissions.add(Permission.objects.get(codename="view_statistics"))
    release = ReleaseFactory(title="ข่าวที่อ่านมากที่สุด")
    for back in range(5):
        ReleaseViewDayFactory(release=release, date=timezone.localdate() - datetime.timedelta(days=back), views=3 + back)
    page = sign_in_page(new_page(), live_server, reader)
    page.goto(live_server.url + "/admin/releases/releaseviewday/?days=30")
    chart = page.locator("svg.readership-chart")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert chart.locator("rect").count() == 30
    table = page.locator("#daily-table")
    assert table.is_visible() and table.locator("tbody tr").count() == 30
    # The table is beside the chart on a desktop screen, not below it.
    assert table.bounding_box()["x"] > chart.bounding_box()["x"] + chart.bounding_box()["width"] - 1
    assert page.get_by_role("link", name="ข่าวที่อ่านมากที่สุด").first.is_visible()
    assert page.csp_errors == []
