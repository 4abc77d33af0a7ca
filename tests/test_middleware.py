"""Site-wide middleware: the security headers Django lacks, on every kind of response."""

import pytest

from releases.middleware import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/no-such-page/", "/admin/login/", "/static/admin/css/base.css"])
def test_cross_origin_and_permissions_policy_on_every_response(client, path):
    response = client.get(path)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY

