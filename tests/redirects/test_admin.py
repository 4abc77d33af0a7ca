"""Editors manage old addresses in the admin: add by hand, import a CSV, see the ones not found and map them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from releases.redirects.models import LegacyURL, MissingLegacyURL
from tests.factories import ReleaseFactory, login_verified, make_user

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:releases_legacyurl_import_csv")


def upload(text, name="old.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text, content_type="text/csv")


def test_an_editor_imports_a_csv(editor_client):
    release = ReleaseFactory(source_key="mfa/press-1")
    assert editor_client.get(reverse("admin:releases_legacyurl_changelist")).status_code == 200
    assert editor_client.get(IMPORT_URL).status_code == 200
    response = editor_client.post(IMPORT_URL, {"file": upload("old_url,source_key\n/th/content/ข่าวเก่า,mfa/press-1\n")})
    assert response.status_code == 302
    assert LegacyURL.objects.get().release == release


@pytest.mark.parametrize("content, message", [("/th/content/a,no-such-key\n", "no-such-key"), (b"\xff\xfe,x", "UTF-8")])
def test_a_wrong_csv_is_a_form_error(editor_client, content, message):
    response = editor_client.post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not LegacyURL.objects.exists()


def test_an_editor_adds_a_redirect_by_hand_and_the_path_is_normalised(editor_client):
    release = ReleaseFactory()
    response = editor_client.post(reverse("admin:releases_legacyurl_add"), {"path": "https://www.mfa.go.th/TH/content/abc/?cate=9", "release": release.pk, "target_url": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert LegacyURL.objects.get().path == "/th/content/abc"


def test_the_addresses_not_found_are_listed_with_a_link_to_map_them(editor_client, client):
    MissingLegacyURL.objects.create(path="/main/th/news3/6886/1")
    response = editor_client.get(reverse("admin:releases_missinglegacyurl_changelist"))
    assert response.status_code == 200
    add = reverse("admin:releases_legacyurl_add") + "?path=%2Fmain%2Fth%2Fnews3%2F6886%2F1"
    assert add in response.content.decode()
    assert editor_client.get(add).context["adminform"].form.initial["path"] == "/main/th/news3/6886/1"


def test_staff_without_the_permission_cannot_import(client):
    user = make_user("clerk")
    login_verified(client, user)
    assert client.get(IMPORT_URL).status_code == 403
