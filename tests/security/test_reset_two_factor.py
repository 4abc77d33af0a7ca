"""manage.py reset_two_factor: removes a user's second factor, logs it, and their verified sessions lose it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases.security.audit import SecurityEvent
from releases.security.recovery import RecoveryCodeDevice
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db


def test_reset_removes_devices_and_is_logged(client):
    user = make_user("editor1", role="Editor")
    login_verified(client, user)
    RecoveryCodeDevice.issue(user)
    assert client.get(reverse("admin:index")).status_code == 200
    out = io.StringIO()
    call_command("reset_two_factor", "editor1", "--reason", "lost phone", stdout=out)
    assert "editor1" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user).exists() and not RecoveryCodeDevice.objects.filter(user=user).exists()
    event = SecurityEvent.objects.get(event="second_factor_reset")
    assert event.object_repr == "editor1" and event.details["reason"] == "lost phone" and event.details["devices_removed"] == 2
    # The session that was verified with the removed device is back to the set-up.
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("security:set_up"))


def test_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("reset_two_factor", "ghost")
    assert not SecurityEvent.objects.filter(event="second_factor_reset").exists()
