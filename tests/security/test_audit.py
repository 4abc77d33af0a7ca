"""The security audit log: each event recorded, by whom; no passwords or codes; read-only for superusers."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from releases.models import Release
from releases.security import audit
from releases.security.audit import SecurityEvent
from tests.factories import ReleaseFactory, login_verified, make_user
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
CHANGELIST = reverse("admin:releases_release_changelist")


def events(kind):
    return SecurityEvent.objects.filter(event=kind)


def test_sign_in_success_and_failure(client):
    user = make_user("editor1", role="Editor")
    client.post(LOGIN, {"username": "editor1", "password": "wrong-secret-123"})
    failed = events("sign_in_failed").get()
    assert failed.username == "editor1" and failed.user is None and failed.ip_address == "127.0.0.1"
    client.post(LOGIN, {"username": "editor1", "password": "pw-" + "editor1" * 2})
    assert events("sign_in").get().user == user
    stored = str(list(SecurityEvent.objects.values()))
    assert "wrong-secret-123" not in stored and "pw-editor1" not in stored


def test_sign_out(client):
    user = make_user("editor1", role="Editor")
    login_verified(client, user)
    client.post(reverse("admin:logout"))
    assert events("sign_out").get().user == user


def test_role_changes_either_side_and_by_whom(client):
    user = make_user("someone")
    publisher_group = Group.objects.get(name="Publisher")
    user.groups.add(Group.objects.get(name="Editor"))
    publisher_group.user_set.add(user)
    user.groups.remove(publisher_group)
    user.groups.clear()
    changes = [(e.object_repr, e.details) for e in events("groups_changed").order_by("id")]
    assert changes == [
        ("someone", {"added": ["Editor"]}),
        ("someone", {"added": ["Publisher"]}),
        ("someone", {"removed": ["Publisher"]}),
        ("someone", {"cleared": ["Editor"]}),
    ]


def test_role_change_through_the_admin_names_the_superuser(client):
    root = get_user_model().objects.create_superuser("root", password="a-long-password-1")
    login_verified(client, root)
    user = make_user("someone")
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": "someone", "is_active": "on", "is_staff": "on", "groups": [Group.objects.get(name="Publisher").pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2024-01-01", "date_joined_1": "10:00:00",
    }
    assert client.post(url, data).status_code == 302
    event = events("groups_changed").get()
    assert event.user == root and event.object_repr == "someone" and event.details == {"added": ["Publisher"]}


def test_publish_and_unpublish_actions_say_by_whom(publisher_client, publisher):
    release = ReleaseFactory(draft=True)
    publisher_client.post(CHANGELIST, {"action": "publish", "_selected_action": [release.pk]})
    published = events("release_published").get()
    assert published.user == publisher and published.object_id == str(release.pk)
    publisher_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [release.pk]})
    assert events("release_unpublished").get().user == publisher


def test_publish_and_unpublish_through_the_form(publisher_client, publisher):
    release = ReleaseFactory(draft=True)
    data = form_data(release.category, title=release.title, status="published", publish_at="29/09/2564 10:00")
    assert publisher_client.post(change_url(release), data).status_code == 302
    assert events("release_published").get().object_id == str(release.pk)
    data = form_data(release.category, title=release.title, status="draft")
    publisher_client.post(change_url(release), data)
    assert events("release_unpublished").get().user == publisher
    publisher_client.post(change_url(release), data)  # saved again as a draft: no new event
    assert SecurityEvent.objects.filter(event__startswith="release_").count() == 2
    assert Release.objects.get().status == "draft"


def test_record_without_a_request_or_user():
    event = audit.record(SecurityEvent.Kind.SECOND_FACTOR_RESET, None, obj=make_user("x"), by="ops")
    assert event.ip_address is None and event.user is None and event.details == {"by": "ops"}


class TestAdmin:
    def test_superusers_read_it(self, client):
        login_verified(client, get_user_model().objects.create_superuser("root", password="a-long-password-1"))
        event = SecurityEvent.objects.latest("id")
        assert client.get(reverse("admin:releases_securityevent_changelist")).status_code == 200
        assert client.get(reverse("admin:releases_securityevent_change", args=[event.pk])).status_code == 200
        assert client.get(reverse("admin:releases_securityevent_add")).status_code == 403
        assert client.post(reverse("admin:releases_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
        assert SecurityEvent.objects.filter(pk=event.pk).exists()

    def test_staff_do_not_see_it(self, publisher_client):
        assert publisher_client.get(reverse("admin:releases_securityevent_changelist")).status_code == 403
        assert "securityevent" not in publisher_client.get(reverse("admin:index")).content.decode()
