"""Who may see and change what, end to end: anonymous, Editor, Publisher × every route that reveals or changes data."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from releases.models import Category, Official, Release
from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory, login_verified, make_user
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "Editor", "Publisher"]
LOGIN = reverse("admin:login")


def admin(name, *args):
    return lambda ctx: reverse(f"admin:{name}", args=[getattr(ctx, a) if isinstance(a, str) else a for a in args])


def public(name, *attrs):
    return lambda ctx: reverse(f"releases:{name}", args=[getattr(ctx, a) for a in attrs])


def action(name, release):
    return lambda ctx: {"action": name, "_selected_action": [getattr(ctx, release).pk]}


# (label, method, url, POST data, expected status for anonymous / Editor / Publisher)
TABLE = [
    ("public list", "get", public("list"), None, (200, 200, 200)),
    ("public detail, published", "get", lambda c: c.published.get_absolute_url(), None, (200, 200, 200)),
    ("public detail, draft", "get", lambda c: c.draft.get_absolute_url(), None, (404, 404, 404)),
    ("public detail, draft, bare id", "get", lambda c: reverse("releases:detail-bare", args=[c.draft.pk]), None, (404, 404, 404)),
    ("public detail, scheduled", "get", lambda c: c.scheduled.get_absolute_url(), None, (404, 404, 404)),
    ("public officials", "get", public("officials"), None, (200, 200, 200)),
    ("public official", "get", lambda c: c.official.get_absolute_url(), None, (200, 200, 200)),
    ("RSS feed", "get", public("feed-rss"), None, (200, 200, 200)),
    ("Atom feed", "get", public("feed-atom"), None, (200, 200, 200)),
    ("sitemap", "get", lambda c: reverse("sitemap"), None, (200, 200, 200)),
    ("admin index", "get", admin("index"), None, (302, 200, 200)),
    ("release list", "get", admin("releases_release_changelist"), None, (302, 200, 200)),
    ("release add form", "get", admin("releases_release_add"), None, (302, 200, 200)),
    ("draft change form", "get", lambda c: reverse("admin:releases_release_change", args=[c.draft.pk]), None, (302, 200, 200)),
    ("draft preview", "get", lambda c: reverse("admin:releases_release_preview", args=[c.draft.pk]), None, (302, 200, 200)),
    ("release history", "get", lambda c: reverse("admin:releases_release_history", args=[c.draft.pk]), None, (302, 200, 200)),
    ("change a published release", "post", lambda c: reverse("admin:releases_release_change", args=[c.published.pk]),
     # An Editor's change is accepted as a pending revision (302), never live: see the test below.
     lambda c: form_data(c.category, title="แก้ไขแล้ว", status="published", publish_at="29/09/2564 10:00"), (302, 302, 302)),
    ("delete a draft", "post", lambda c: reverse("admin:releases_release_delete", args=[c.draft.pk]), lambda c: {"post": "yes"}, (302, 403, 302)),
    ("official add form", "get", admin("releases_official_add"), None, (302, 200, 200)),
    ("delete an official", "post", lambda c: reverse("admin:releases_official_delete", args=[c.official.pk]), lambda c: {"post": "yes"}, (302, 403, 302)),
    ("add a category", "post", admin("releases_category_add"), lambda c: {"slug": "new", "name_th": "ใหม่", "name_en": "New", "order": "1"}, (302, 403, 302)),
    ("user accounts", "get", admin("auth_user_changelist"), None, (302, 403, 403)),
    ("a user account", "get", lambda c: reverse("admin:auth_user_change", args=[c.someone.pk]), None, (302, 403, 403)),
    ("roles", "get", admin("auth_group_changelist"), None, (302, 403, 403)),
    ("security audit log", "get", admin("releases_securityevent_changelist"), None, (302, 403, 403)),
    ("sign-in attempts (axes)", "get", admin("axes_accessattempt_changelist"), None, (302, 403, 403)),
]


@pytest.fixture
def ctx():
    category = CategoryFactory()
    return SimpleNamespace(
        category=category,
        published=ReleaseFactory(title="ข่าวที่เผยแพร่แล้ว", category=category),
        draft=ReleaseFactory(title="ร่างข่าวลับ", draft=True, category=category),
        scheduled=ReleaseFactory(title="ข่าวตั้งเวลา", scheduled=True, category=category),
        official=OfficialFactory(),
        someone=make_user("someone"),
    )


def sign_in(client, role):
    if role != "anonymous":
        login_verified(client, make_user(role.lower(), role=role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label, method, url, data, expected", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(client, ctx, role, label, method, url, data, expected):
    sign_in(client, role)
    response = getattr(client, method)(url(ctx), data(ctx) if data else None)
    assert response.status_code == expected[ROLES.index(role)], label
    if response.status_code == 302 and role == "anonymous":
        assert response.url.startswith(LOGIN)  # sent to sign in, nothing done
    if response.status_code == 200 and method == "get" and not url(ctx).startswith("/admin/"):
        assert "ร่างข่าวลับ" not in response.content.decode()  # a draft is never public


@pytest.mark.parametrize("role, live", [("anonymous", False), ("Editor", False), ("Publisher", True)])
def test_only_a_publishers_change_to_a_published_release_goes_live(client, ctx, role, live):
    sign_in(client, role)
    url = reverse("admin:releases_release_change", args=[ctx.published.pk])
    client.post(url, form_data(ctx.category, title="แก้ไขแล้ว", status="published", publish_at="29/09/2564 10:00", known_version=ctx.published.version))
    ctx.published.refresh_from_db()
    assert (ctx.published.title == "แก้ไขแล้ว") is live
    assert ctx.published.is_published()


@pytest.mark.parametrize("role, changes", [("anonymous", False), ("Editor", False), ("Publisher", True)])
def test_nothing_changes_without_the_right_role(client, ctx, role, changes):
    """The writes of the table, checked in the database rather than by status."""
    sign_in(client, role)
    changelist = reverse("admin:releases_release_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [ctx.draft.pk]})
    client.post(changelist, {"action": "unpublish", "_selected_action": [ctx.published.pk]})
    client.post(reverse("admin:releases_official_delete", args=[ctx.official.pk]), {"post": "yes"})
    client.post(reverse("admin:releases_category_add"), {"slug": "new", "name_th": "ใหม่", "name_en": "New", "order": "1"})
    ctx.draft.refresh_from_db()
    ctx.published.refresh_from_db()
    assert ctx.draft.is_published() is changes
    assert ctx.published.is_published() is not changes
    assert Official.objects.filter(pk=ctx.official.pk).exists() is not changes
    assert Category.objects.filter(slug="new").exists() is changes
    assert Release.objects.count() == 3
