"""The second sign-in step: set-up with a QR code, codes, recovery codes, throttling by django-otp and django-axes."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases.security.audit import SecurityEvent
from releases.security.recovery import RecoveryCodeDevice, code_hash
from tests.factories import make_user, totp_code

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
LOGIN = reverse("admin:login")
SET_UP = reverse("security:set_up")
VERIFY = reverse("security:verify")


def password_step(client, user):
    """The first step, through the admin's own sign-in form (django-axes sees it)."""
    response = client.post(f"{LOGIN}?next={INDEX}", {"username": user.username, "password": "pw-" + user.username * 2, "next": INDEX})
    assert response.status_code == 302
    return response


def enrol(client, user):
    """Walk the set-up; returns the recovery codes shown."""
    password_step(client, user)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SET_UP, {"otp_token": totp_code(device), "next": INDEX})
    assert response.status_code == 200
    return re.findall(r"<code>([0-9A-Z-]{19})</code>", response.content.decode())


class TestSetUp:
    def test_password_alone_leads_to_set_up_before_any_admin_page(self, client):
        user = make_user("newcomer", role="Editor")
        password_step(client, user)
        response = client.get(INDEX, follow=True)
        assert response.redirect_chain[-1][0].startswith(SET_UP)
        page = response.content.decode()
        assert "<svg" in page and "<path" in page  # the QR code, inline: no image from elsewhere
        assert 'style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # nothing the CSP would block

    def test_confirming_a_code_shows_recovery_codes_once_and_opens_the_admin(self, client):
        user = make_user("newcomer", role="Editor")
        codes = enrol(client, user)
        assert len(codes) == settings.NEWSROOM_RECOVERY_CODES
        assert TOTPDevice.objects.get(user=user).confirmed
        stored = RecoveryCodeDevice.objects.get(user=user).code_hashes
        assert sorted(stored) == sorted(code_hash(c) for c in codes)
        assert not any(c in str(stored) or c.replace("-", "") in str(stored) for c in codes)  # hashes only
        assert client.get(INDEX).status_code == 200
        assert SecurityEvent.objects.filter(event="second_factor_set_up", user=user).exists()

    def test_wrong_code_does_not_confirm(self, client):
        user = make_user("newcomer", role="Editor")
        password_step(client, user)
        client.get(SET_UP)
        response = client.post(SET_UP, {"otp_token": "000000"})
        assert response.status_code == 200 and "errornote" in response.content.decode()
        assert not TOTPDevice.objects.get(user=user).confirmed
        assert client.get(INDEX).status_code == 302

    def test_set_up_page_needs_the_password_step(self, client):
        response = client.get(SET_UP)
        assert response.status_code == 302 and response.url.startswith(LOGIN)

    def test_thai_and_english_screens(self, client):
        user = make_user("newcomer", role="Editor")
        password_step(client, user)
        assert "ตั้งค่าการเข้าสู่ระบบสองขั้นตอน" in client.get(SET_UP).content.decode()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert "Set up two-step sign-in" in client.get(SET_UP).content.decode()


class TestVerify:
    def test_enrolled_user_needs_a_code_after_the_password(self, client):
        user = make_user("editor1", role="Editor")
        enrol(client, user)
        client.logout()
        password_step(client, user)
        assert client.get(INDEX).status_code == 302
        response = client.get(LOGIN)
        assert response.status_code == 302 and response.url.startswith(VERIFY)
        device = TOTPDevice.objects.get(user=user)
        device.last_t = -1  # the set-up used this time step's code; a new step's code is needed
        device.save()
        response = client.post(VERIFY, {"otp_token": totp_code(device), "next": INDEX})
        assert response.status_code == 302 and response.url == INDEX
        assert client.get(INDEX).status_code == 200
        assert SecurityEvent.objects.filter(event="second_factor_passed", user=user).exists()

    def test_recovery_code_works_once(self, client):
        user = make_user("editor1", role="Editor")
        codes = enrol(client, user)
        client.logout()
        password_step(client, user)
        assert client.post(VERIFY, {"otp_token": codes[0].lower().replace("-", " ")}).status_code == 302
        assert client.get(INDEX).status_code == 200
        assert RecoveryCodeDevice.objects.get(user=user).remaining == len(codes) - 1
        assert SecurityEvent.objects.get(event="recovery_code_used").details == {"remaining": len(codes) - 1}
        client.logout()
        password_step(client, user)
        response = client.post(VERIFY, {"otp_token": codes[0]})
        assert response.status_code == 200 and client.get(INDEX).status_code == 302

    def test_next_elsewhere_is_ignored(self, client):
        user = make_user("editor1", role="Editor")
        codes = enrol(client, user)
        client.logout()
        password_step(client, user)
        response = client.post(VERIFY, {"otp_token": codes[1], "next": "https://evil.example/"})
        assert response.url == INDEX

    def test_session_key_changes_when_the_code_is_accepted(self, client):
        user = make_user("editor1", role="Editor")
        codes = enrol(client, user)
        client.logout()
        password_step(client, user)
        before = client.session.session_key
        client.post(VERIFY, {"otp_token": codes[2]})
        assert client.session.session_key != before


class TestThrottling:
    def test_django_otp_waits_after_a_wrong_code(self, client):
        user = make_user("editor1", role="Editor")
        enrol(client, user)
        client.logout()
        password_step(client, user)
        device = TOTPDevice.objects.get(user=user)
        device.last_t = -1
        device.save()
        client.post(VERIFY, {"otp_token": "000000"})
        # The right code straight after a wrong one is refused: the device wants a pause first.
        response = client.post(VERIFY, {"otp_token": totp_code(device)})
        assert response.status_code == 200 and client.get(INDEX).status_code == 302
        assert TOTPDevice.objects.get(user=user).throttling_failure_count == 1  # the early try was not even checked

    def test_axes_locks_out_after_too_many_wrong_codes(self, client):
        user = make_user("editor1", role="Editor")
        enrol(client, user)
        client.logout()
        password_step(client, user)
        statuses = [client.post(VERIFY, {"otp_token": "12345678"}).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
        assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
        assert statuses[-1] == settings.AXES_HTTP_RESPONSE_CODE
        assert client.get(VERIFY).status_code == settings.AXES_HTTP_RESPONSE_CODE
        failures = SecurityEvent.objects.filter(event="second_factor_failed", user=user)
        assert failures.count() == settings.AXES_FAILURE_LIMIT
        assert "12345678" not in str(list(failures.values()))
        # The password step is locked for this user too.
        client.logout()
        response = client.post(LOGIN, {"username": user.username, "password": "pw-" + user.username * 2})
        assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE

    def test_codes_typed_are_masked_in_axes_records(self, client):
        from axes.models import AccessAttempt

        user = make_user("editor1", role="Editor")
        enrol(client, user)
        client.logout()
        password_step(client, user)
        client.post(VERIFY, {"otp_token": "98765432"})
        assert "98765432" not in AccessAttempt.objects.get().post_data
