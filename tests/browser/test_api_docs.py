"""The API's documentation page in Chromium: Swagger UI runs from our files under the site's CSP."""

import pytest

from tests.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_swagger_ui_lists_the_operations_without_csp_errors(live_server, new_page):
    ReleaseFactory()
    page = new_page()
    outside = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or request.url.startswith("data:") or outside.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/releases/")
    assert page.locator(".opblock").count() >= 6
    assert page.csp_errors == []
    assert outside == []
