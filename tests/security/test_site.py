"""The admin site: every admin URL, listed from the URL resolver, refuses a session that gave only the password."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from releases.models import Release
from releases.security.audit import SecurityEvent, record
from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory, login_verified, make_user

pytestmark = pytest.mark.django_db

ADMIN_PREFIX = reverse("admin:index")


def admin_routes(patterns=None, prefix=""):
    """Every admin route as (name, route text with placeholders), walked from the resolver."""
    for entry in admin.site.urls[0] if patterns is None else patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from admin_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield entry.name, route


def ids_for(route, release):
    """Ids of an existing row of the model the route belongs to (`<app>/<model>/...`), the release otherwise."""
    obj = release
    match = re.match(r"(\w+)/(\w+)/", route)
    if match:
        model = next((m for m in admin.site._registry if (m._meta.app_label, m._meta.model_name) == match.groups()), None)
        obj = model.objects.order_by("pk").first() if model else release
    history = getattr(obj, "history", None) if obj is not None else None
    version = history.first() if history is not None and hasattr(history, "first") else None
    object_id = str(obj.pk) if obj is not None else "1"
    return {
        "pk": object_id, "object_id": object_id, "history_id": str(version.history_id) if version else "1",
        "app_label": "releases", "content_type_id": str(ContentType.objects.get_for_model(Release).pk), "url": "",
    }


def concrete(route, release):
    """Fill `(?P<name>...)` groups, unnamed groups (object, then version) and `<int:pk>` converters with real ids."""
    values = ids_for(route, release)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), "1"), route)
    unnamed = iter([values["object_id"], values["history_id"]])
    route = re.sub(r"\([^)]*\)", lambda m: next(unnamed), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    return ADMIN_PREFIX + route


@pytest.fixture
def urls():
    release = ReleaseFactory(draft=True)
    OfficialFactory()
    CategoryFactory()
    record(SecurityEvent.Kind.SIGN_IN, make_user("someone"))
    autocomplete = reverse("admin:autocomplete") + "?app_label=releases&model_name=release&field_name=officials&term=a"
    return sorted({concrete(route, release) for _name, route in admin_routes()} | {autocomplete})


def test_the_walk_finds_every_kind_of_admin_page(urls):
    assert len(urls) > 60
    for needle in ("/preview/", "/history/", "autocomplete/", "jsi18n/", "/change/", "/delete/", "login/", "logout/"):
        assert any(needle in url for url in urls), needle


@pytest.mark.parametrize("with_device", [True, False], ids=["enrolled", "not-enrolled"])
def test_no_admin_url_answers_a_password_only_session(client, urls, with_device):
    user = get_user_model().objects.create_superuser("root", password="a-long-password-1")
    if with_device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    # The real first step: the admin's sign-in form, password only.
    assert client.post(reverse("admin:login"), {"username": "root", "password": "a-long-password-1"}).status_code == 302
    assert client.get(reverse("security:verify" if with_device else "security:set_up")).status_code == 200  # signed in
    opened = [(url, status) for url in urls if (status := client.get(url).status_code) == 200]
    assert opened == []
    posted = [url for url in urls if client.post(url, {"post": "yes", "action": "publish"}).status_code == 200]
    assert posted == []


def test_the_same_urls_open_once_verified(client, urls):
    """The control: the walk builds real URLs, which a verified superuser mostly opens."""
    login_verified(client, get_user_model().objects.create_superuser("root", password="a-long-password-1"))
    answers = {url: client.get(url) for url in urls if "logout" not in url}
    # None of them sends a verified session back to sign in or to the second step ...
    bounced = [url for url, r in answers.items() if r.status_code == 302 and ("/login/" in r["Location"] or "/two-factor/" in r["Location"])]
    assert bounced == []
    # ... and many open outright (the rest: ids the walk guessed wrong, redirects, POST-only pages).
    assert sum(r.status_code == 200 for r in answers.values()) >= 30


def test_password_only_session_is_sent_to_the_second_step(client):
    user = get_user_model().objects.create_superuser("root", password="a-long-password-1")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("admin:login"), {"username": "root", "password": "a-long-password-1"})
    response = client.get(reverse("admin:releases_release_changelist"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("security:verify"))


def test_no_admin_page_shows_authenticator_keys():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:otp_totp_totpdevice_changelist")
