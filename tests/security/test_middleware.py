"""Staff sessions: idle expiry, password change, sign-out on the server; readers never get a session."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from releases.security.middleware import LAST_SEEN_KEY
from tests.factories import ReleaseFactory, login_verified, make_user

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_session_ends_after_the_idle_time(client, settings):
    login_verified(client, make_user("editor1", role="Editor"))
    assert client.get(INDEX).status_code == 200
    key = client.session.session_key
    idle_for(client, settings.STAFF_SESSION_IDLE_SECONDS + 5)
    response = client.get(INDEX)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_the_session(client, settings):
    login_verified(client, make_user("editor1", role="Editor"))
    idle_for(client, settings.STAFF_SESSION_IDLE_SECONDS - 120)
    assert client.get(INDEX).status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 10  # the clock restarted
    assert client.get(INDEX).status_code == 200


def test_idle_time_comes_from_the_setting(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    login_verified(client, make_user("editor1", role="Editor"))
    idle_for(client, 700)
    assert client.get(INDEX).status_code == 302


def test_default_idle_time_is_eight_hours():
    from django.conf import settings

    assert settings.STAFF_SESSION_IDLE_SECONDS == 8 * 3600


def test_password_change_ends_other_sessions(client):
    user = make_user("editor1", role="Editor")
    login_verified(client, user)
    assert client.get(INDEX).status_code == 200
    user.set_password("a-new-long-password")
    user.save()
    assert client.get(INDEX).status_code == 302


def test_sign_out_deletes_the_session_on_the_server(client):
    login_verified(client, make_user("editor1", role="Editor"))
    key = client.session.session_key
    stolen_cookie = client.cookies["sessionid"].value
    assert client.post(reverse("admin:logout")).status_code == 200
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = stolen_cookie  # a copy of the old cookie opens nothing
    assert client.get(INDEX).status_code == 302


def test_second_step_sign_out_deletes_the_session(client):
    user = make_user("editor1", role="Editor")
    client.force_login(user)  # password step only
    key = client.session.session_key
    response = client.post(reverse("security:sign_out"))
    assert response.status_code == 302 and response.url == reverse("admin:login")
    assert not Session.objects.filter(session_key=key).exists()


def test_readers_get_no_session_and_no_cookie(client):
    release = ReleaseFactory()
    for url in ("/", release.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
