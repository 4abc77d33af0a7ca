"""Checks shared by the tests of the admin's staff-only JSON endpoints: POST only, signed in, permitted, CSRF."""

from django.test import Client

from tests.factories import login_verified, make_user


def assert_staff_only_post(url, data, editor):
    """GET is refused; anonymous goes to the sign-in; staff without release permissions and a POST without the CSRF token get 403."""
    anonymous = Client()
    response = anonymous.post(url, data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    visitor = Client()
    login_verified(visitor, make_user("visitor"))
    assert visitor.post(url, data).status_code == 403
    checked = Client(enforce_csrf_checks=True)
    login_verified(checked, editor)
    assert checked.post(url, data).status_code == 403
    assert checked.get(url).status_code == 405
