"""releases/taxonomy/admin.py: countries and topics on the release form, by autocomplete, with suggestions kept current."""

import pytest
from django.urls import reverse

from tests.endpoints import assert_staff_only_post
from tests.factories import CountryFactory, ReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_release_form_has_autocomplete_fields_after_officials(editor_client):
    html = editor_client.get(reverse("admin:releases_release_add")).content.decode()
    assert 'name="countries"' in html and 'name="topics"' in html
    assert html.index('name="officials"') < html.index('name="countries"') < html.index('name="topics"')
    assert "admin-autocomplete" in html


def test_autocomplete_finds_a_country_by_thai_name(editor_client):
    CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    url = reverse("admin:autocomplete")
    response = editor_client.get(url, {"term": "เมียน", "app_label": "releases", "model_name": "release", "field_name": "countries"})
    assert [item["text"] for item in response.json()["results"]] == ["เมียนมา"]


def test_change_form_suggests_what_the_text_names_and_is_not_chosen(editor_client):
    myanmar = CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    TopicFactory(name_th="การค้า", slug="trade")
    release = ReleaseFactory(body="ไทยและเมียนมาหารือเรื่องการค้า ภูเขาไฟลาวา", draft=True)
    html = editor_client.get(reverse("admin:releases_release_change", args=[release.pk])).content.decode()
    assert "เมียนมา (" in html and "การค้า (" in html and "ลาว (" not in html
    release.countries.add(myanmar)
    html = editor_client.get(reverse("admin:releases_release_change", args=[release.pk])).content.decode()
    assert "เมียนมา (" not in html and "การค้า (" in html


def test_editor_saves_countries_and_topics(editor_client):
    myanmar = CountryFactory(code="MM", name_th="เมียนมา")
    trade = TopicFactory(slug="trade")
    release = ReleaseFactory(draft=True)
    data = {
        "title": release.title, "slug": release.slug, "summary": release.summary, "body": release.body,
        "language": "th", "category": release.category_id, "release_date": "21/07/2565", "status": "draft",
        "countries": [myanmar.pk], "topics": [trade.pk],
        "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0, "images-MIN_NUM_FORMS": 0, "images-MAX_NUM_FORMS": 1000,
        "videos-TOTAL_FORMS": 0, "videos-INITIAL_FORMS": 0, "videos-MIN_NUM_FORMS": 0, "videos-MAX_NUM_FORMS": 1000,
        "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0, "attachments-MIN_NUM_FORMS": 0, "attachments-MAX_NUM_FORMS": 1000,
        "known_version": release.version,
    }
    response = editor_client.post(reverse("admin:releases_release_change", args=[release.pk]), data)
    assert response.status_code == 302
    assert list(release.countries.all()) == [myanmar] and list(release.topics.all()) == [trade]


SUGGEST = "admin:releases_release_taxonomy_suggestions"


def test_suggestions_follow_the_text_as_typed(editor_client, django_assert_max_num_queries):
    myanmar = CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    CountryFactory(code="LA", name_th="ลาว", name_en="Laos")
    trade = TopicFactory(name_th="การค้า", slug="trade")
    with django_assert_max_num_queries(10):  # the sign-in and session (8), the countries, the topics
        response = editor_client.post(reverse(SUGGEST), {"title": "ไทยกับเมียนมา", "body": "หารือเรื่อง**การค้า** ภูเขาไฟลาวา"})
    assert response.status_code == 200
    assert response.json()["suggestions"] == [
        {"field": "countries", "id": myanmar.pk, "text": "เมียนมา", "kind": "ประเทศ"},
        {"field": "topics", "id": trade.pk, "text": "การค้า", "kind": "หัวข้อ"},
    ]


def test_suggestions_of_no_text_are_none(editor_client):
    CountryFactory()
    assert editor_client.post(reverse(SUGGEST), {}).json() == {"suggestions": []}


def test_suggestions_are_for_signed_in_staff_who_may_write_releases(editor):
    assert_staff_only_post(reverse(SUGGEST), {"body": "เมียนมา"}, editor)


def test_change_form_has_the_suggestions_script_and_endpoint(editor_client):
    html = editor_client.get(reverse("admin:releases_release_add")).content.decode()
    assert f'data-suggest-url="{reverse(SUGGEST)}"' in html and "js/taxonomy-suggestions.js" in html
    assert 'data-accept-all="เพิ่มทั้งหมด"' in html
