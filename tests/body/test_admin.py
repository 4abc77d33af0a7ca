"""releases/body/admin.py: the admin's live body preview (staff only, POST with CSRF) and cheat sheet."""

from django.urls import reverse

from tests.endpoints import assert_staff_only_post

PREVIEW = "admin:releases_release_body_preview"


def test_preview_renders_with_the_public_renderer(editor_client):
    response = editor_client.post(reverse(PREVIEW), {"body": "๑. ข้อแรก\n๑.๑ ย่อย\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert html.startswith('<ol class="list-thai">') and "<script" not in html and "&lt;script&gt;" in html


def test_preview_is_for_signed_in_staff_who_may_write_releases(editor):
    assert_staff_only_post(reverse(PREVIEW), {"body": "x"}, editor)


def test_change_form_has_the_preview_script_and_cheat_sheet(editor_client):
    html = editor_client.get(reverse("admin:releases_release_add")).content.decode()
    assert f'data-preview-url="{reverse(PREVIEW)}"' in html
    assert "js/body-preview.js" in html
    assert "๑.๑" in html


def test_an_over_long_body_is_a_form_error(editor_client):
    from releases.body.render import MAX_BODY_LENGTH

    response = editor_client.post(reverse("admin:releases_release_add"), {"title": "t", "body": "ก" * (MAX_BODY_LENGTH + 1)})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]
