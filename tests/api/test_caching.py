"""API responses: ETag/Last-Modified and 304s, cached like pages and retired by the same generations."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE = True


class TestConditionalRequests:
    def test_etag_then_304_without_a_body(self, client):
        release = ReleaseFactory()
        first = client.get(f"/api/v1/releases/{release.pk}/")
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
        again = client.get(f"/api/v1/releases/{release.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b"" and again["ETag"] == first["ETag"]

    def test_a_changed_release_gets_a_new_etag_and_a_200(self, client):
        release = ReleaseFactory()
        first = client.get("/api/v1/releases/")
        release.title = "หัวข่าวที่แก้ไขแล้ว"
        release.save()
        again = client.get("/api/v1/releases/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and again["ETag"] != first["ETag"]

    def test_if_modified_since_304_from_the_cache(self, client, page_cache_on):
        ReleaseFactory()
        first = client.get("/api/v1/releases/")
        again = client.get("/api/v1/releases/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304

    def test_errors_carry_no_etag(self, client):
        assert not client.get("/api/v1/releases/1/").has_header("ETag")


class TestCache:
    def test_second_request_is_a_hit_without_queries(self, client, page_cache_on, django_assert_num_queries):
        ReleaseFactory()
        assert client.get("/api/v1/releases/")["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            hit = client.get("/api/v1/releases/")
        assert hit["X-Page-Cache"] == "hit" and len(hit.json()["results"]) == 1

    def test_304_from_the_cache_without_queries(self, client, page_cache_on, django_assert_num_queries):
        release = ReleaseFactory()
        etag = client.get(f"/api/v1/releases/{release.pk}/")["ETag"]
        with django_assert_num_queries(0):
            assert client.get(f"/api/v1/releases/{release.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_cold_list_stays_in_budget_with_the_cache_on(self, client, page_cache_on, django_assert_max_num_queries):
        ReleaseFactory()
        with django_assert_max_num_queries(4):
            client.get("/api/v1/releases/")

    def test_an_edit_retires_cached_responses(self, client, page_cache_on):
        release = ReleaseFactory(title="หัวข่าวเดิม")
        client.get(f"/api/v1/releases/{release.pk}/")
        release.title = "หัวข่าวใหม่"
        release.save()
        response = client.get(f"/api/v1/releases/{release.pk}/")
        assert response["X-Page-Cache"] == "miss" and response.json()["title"] == "หัวข่าวใหม่"

    def test_a_scheduled_release_appears_when_due_without_any_job(self, client, page_cache_on, monkeypatch):
        scheduled = ReleaseFactory(scheduled=True)
        assert client.get("/api/v1/releases/").json()["results"] == []
        assert client.get("/api/v1/releases/")["X-Page-Cache"] == "hit"
        later = scheduled.publish_at + datetime.timedelta(minutes=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        response = client.get("/api/v1/releases/")
        assert response["X-Page-Cache"] == "miss"
        assert [item["id"] for item in response.json()["results"]] == [scheduled.pk]

    def test_a_signed_in_session_gets_the_public_answer(self, client, page_cache_on, editor):
        # The API authenticates nobody: a staff member's session changes nothing in its answers,
        # so sharing the cached public answer with them leaks nothing and shows no draft.
        ReleaseFactory(title="ข่าวสาธารณะ")
        ReleaseFactory(title="ฉบับร่าง", draft=True)
        client.force_login(editor)
        titles = [item["title"] for item in client.get("/api/v1/releases/").json()["results"]]
        assert titles == ["ข่าวสาธารณะ"]
