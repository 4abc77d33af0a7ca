"""The alerts admin: counts per list for any staff; addresses only with the view_subscriber permission."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import CategoryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
COUNTS = "/admin/releases/subscription/"
ADDRESSES = "/admin/releases/subscriber/"


@pytest.fixture
def subscribers():
    CategoryFactory(slug="statements", name_th="แถลงการณ์")
    SubscriberFactory(email="one@example.org", lists=[("category", "statements"), ("all", "")])
    SubscriberFactory(email="two@example.org", lists=[("category", "statements")])


def test_staff_see_counts_per_list_without_addresses(editor_client, subscribers):
    response = editor_client.get(COUNTS)
    assert response.status_code == 200
    assert response.context["rows"] == [("ข่าวทั้งหมด", 1), ("หมวดหมู่: แถลงการณ์", 2)]
    assert response.context["total"] == 2
    assert "one@example.org" not in response.content.decode()


def test_addresses_need_the_permission(editor_client, editor, subscribers):
    assert editor_client.get(ADDRESSES).status_code == 403
    editor.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    response = editor_client.get(ADDRESSES)
    assert response.status_code == 200 and "one@example.org" in response.content.decode()


def test_nobody_adds_or_edits_a_subscriber_in_the_admin(admin_client, subscribers):
    assert admin_client.get(ADDRESSES + "add/").status_code == 403
    assert admin_client.get(COUNTS + "add/").status_code == 403
