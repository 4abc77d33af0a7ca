"""Staff sign-in in a real browser: password, authenticator set-up with the QR code under the CSP, recovery code."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def password_step(page, base, username):
    page.goto(f"{base}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username * 2)
    page.click("#login-form input[type=submit]")


def test_two_step_sign_in_from_set_up_to_recovery_code(new_page, live_server):
    user = make_user("somchai", role="Editor")
    page = new_page()
    password_step(page, live_server.url, "somchai")
    page.wait_for_url("**/two-factor/set-up/**")
    qr = page.locator(".qr-code svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 100  # drawn, at a scannable size
    page.fill("#id_otp_token", totp_code(TOTPDevice.objects.get(user=user)))
    page.click("#otp-form input[type=submit]")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.click(".recovery-codes + p a")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#user-tools").is_visible()

    # Next time: the password, then one recovery code instead of the app.
    other = new_page()
    password_step(other, live_server.url, "somchai")
    other.wait_for_url("**/two-factor/verify/**")
    other.fill("#id_otp_token", codes[0])
    other.click("#otp-form input[type=submit]")
    other.wait_for_url(f"{live_server.url}/admin/")
    assert page.csp_errors == [] and other.csp_errors == []
