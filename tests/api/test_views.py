"""The read API's endpoints: public-only, shapes, filters, search, cursor pagination, query budgets."""

import base64
import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from releases.models import Category
from tests.factories import (
    CategoryFactory,
    OfficialFactory,
    PositionFactory,
    ReleaseFactory,
    ReleaseImageFactory,
)

pytestmark = pytest.mark.django_db


def ids(response):
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def hidden():
    """A draft and a scheduled release whose words, category and official match a public one's."""
    official = OfficialFactory(slug="hidden-official")
    draft = ReleaseFactory(draft=True, title="ข่าวลับ ความร่วมมือ ร่าง")
    scheduled = ReleaseFactory(scheduled=True, title="ข่าวลับ ความร่วมมือ ตั้งเวลา")
    for release in (draft, scheduled):
        release.officials.add(official)
    return draft, scheduled


class TestPublicOnly:
    def test_list_never_shows_drafts_or_scheduled(self, client, hidden):
        public = ReleaseFactory()
        assert ids(client.get("/api/v1/releases/")) == [public.pk]

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "ข่าวลับ"},
            {"q": "ความร่วมมือ"},
            {"official": "hidden-official"},
            {"category": "press-release"},
            {"language": "th"},
            {"year": "2564"},
        ],
    )
    def test_filters_and_search_never_find_them(self, client, hidden, params):
        response = client.get("/api/v1/releases/", params)
        assert response.status_code == 200
        assert ids(response) == []

    def test_detail_of_a_draft_or_scheduled_release_is_404_like_a_missing_id(self, client, hidden):
        missing = client.get("/api/v1/releases/999999/")
        assert missing.status_code == 404
        for release in hidden:
            response = client.get(f"/api/v1/releases/{release.pk}/")
            assert response.status_code == 404
            assert response.json() == missing.json()

    @pytest.mark.parametrize("side", ["translation", "translated_from"])
    def test_translation_link_only_to_a_public_counterpart(self, client, hidden, side):
        draft, scheduled = hidden
        for counterpart in (draft, scheduled):
            counterpart.language = "en"
            counterpart.save()
            public = ReleaseFactory()
            if side == "translation":
                public.translation = counterpart
                public.save()
            else:
                counterpart.translation = public
                counterpart.save()
            assert client.get(f"/api/v1/releases/{public.pk}/").json()["translation"] is None

    def test_translation_link_to_a_public_counterpart(self, client):
        english = ReleaseFactory(language="en", title="Joint statement")
        thai = ReleaseFactory(translation=english)
        link = client.get(f"/api/v1/releases/{thai.pk}/").json()["translation"]
        assert link["id"] == english.pk and link["language"] == "en"
        assert link["url"] == f"http://testserver/api/v1/releases/{english.pk}/"
        # An English release's canonical page is its English interface's, under /en/.
        assert link["canonical_url"] == f"http://testserver/en{english.get_absolute_url()}"
        # And back, from the side that does not hold the link.
        assert client.get(f"/api/v1/releases/{english.pk}/").json()["translation"]["id"] == thai.pk

    def test_canonical_url_does_not_follow_the_language_cookie(self, client, settings):
        thai, english = ReleaseFactory(), ReleaseFactory(language="en", title="Joint statement")
        expected = {thai.pk: f"http://testserver{thai.get_absolute_url()}", english.pk: f"http://testserver/en{english.get_absolute_url()}"}
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for pk, url in expected.items():
            assert client.get(f"/api/v1/releases/{pk}/").json()["canonical_url"] == url


class TestReleaseDetail:
    def test_everything_a_republisher_needs(self, client):
        category = CategoryFactory()
        official = PositionFactory(start_date=datetime.date(2019, 7, 10)).official
        PositionFactory(official=official, title_th="ปลัดกระทรวง", start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2019, 7, 9))
        release = ReleaseFactory(
            category=category, body="ย่อหน้าแรก <b>\nบรรทัดสอง https://www.mfa.go.th\n\nย่อหน้าสอง",
            release_date=datetime.date(2021, 9, 29),
        )
        release.officials.add(official)
        ReleaseImageFactory(release=release, alt_text="รัฐมนตรีกล่าวเปิดงาน", caption="พิธีเปิด")
        data = client.get(f"/api/v1/releases/{release.pk}/").json()
        assert data["title"] == release.title
        assert data["body"] == release.body
        assert data["body_html"] == (
            "<p>ย่อหน้าแรก &lt;b&gt;<br>บรรทัดสอง "
            '<a href="https://www.mfa.go.th" rel="nofollow">https://www.mfa.go.th</a></p>\n<p>ย่อหน้าสอง</p>'
        )
        assert data["summary"] == release.summary
        assert data["release_date"] == "2021-09-29"
        assert datetime.datetime.fromisoformat(data["published_at"]) == release.publish_at
        assert data["category"] == {"slug": category.slug, "name_th": category.name_th, "name_en": category.name_en}
        assert data["canonical_url"] == f"http://testserver{release.get_absolute_url()}"
        assert data["view_count"] == 0
        [mentioned] = data["officials"]
        assert mentioned["slug"] == official.slug
        assert mentioned["position"]["title_th"] == "รัฐมนตรีว่าการกระทรวงการต่างประเทศ"
        assert mentioned["position"]["start_date"] == "2019-07-10"
        [photo] = data["photos"]
        assert photo["alt_text"] == "รัฐมนตรีกล่าวเปิดงาน" and photo["caption"] == "พิธีเปิด"
        assert (photo["width"], photo["height"]) == (64, 48)
        thumb = photo["renditions"]["thumb"]["webp"]
        assert thumb["url"].startswith("http://testserver/") and thumb["url"].endswith(".webp")
        assert photo["url"].startswith("http://testserver/")

    def test_position_on_the_release_date_not_today(self, client):
        official = PositionFactory(title_th="เอกอัครราชทูต", start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2018, 12, 31)).official
        PositionFactory(official=official, start_date=datetime.date(2019, 1, 1))
        release = ReleaseFactory(release_date=datetime.date(2017, 5, 1))
        release.officials.add(official)
        data = client.get(f"/api/v1/releases/{release.pk}/").json()
        assert data["officials"][0]["position"]["title_th"] == "เอกอัครราชทูต"

    @pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999999"])
    def test_bad_ids_are_404(self, client, pk):
        assert client.get(f"/api/v1/releases/{pk}/").status_code == 404

    def test_query_budget(self, client, django_assert_max_num_queries):
        release = ReleaseFactory(translation=ReleaseFactory(language="en"))
        for _ in range(3):
            release.officials.add(PositionFactory().official)
            ReleaseImageFactory(release=release)
        with django_assert_max_num_queries(6):
            assert client.get(f"/api/v1/releases/{release.pk}/").status_code == 200


class TestReleaseList:
    def test_newest_first_with_list_fields(self, client):
        older = ReleaseFactory(release_date=datetime.date(2021, 1, 1))
        newer = ReleaseFactory(release_date=datetime.date(2021, 2, 1))
        ReleaseImageFactory(release=newer)
        data = client.get("/api/v1/releases/").json()
        assert ids_of(data) == [newer.pk, older.pk]
        item = data["results"][0]
        assert item["url"] == f"http://testserver/api/v1/releases/{newer.pk}/"
        assert len(item["photos"]) == 1 and "body" not in item

    @pytest.mark.parametrize(
        "params",
        [{"year": "2564"}, {"year": "2021"}, {"year": "๒๕๖๔"}, {"month": "9"}, {"date_from": "29/09/2564", "date_to": "2021-09-30"}],
    )
    def test_date_filters_in_either_era(self, client, params):
        match = ReleaseFactory(release_date=datetime.date(2021, 9, 29))
        ReleaseFactory(release_date=datetime.date(2020, 8, 1))
        assert ids(client.get("/api/v1/releases/", params)) == [match.pk]

    def test_category_official_and_language_filters(self, client):
        official = OfficialFactory(slug="don-pramudwinai")
        mentioned = ReleaseFactory()
        mentioned.officials.add(official)
        other = ReleaseFactory(category=CategoryFactory(slug="statement", name_th="แถลงการณ์"), language="en")
        assert ids(client.get("/api/v1/releases/", {"official": "don-pramudwinai"})) == [mentioned.pk]
        assert ids(client.get("/api/v1/releases/", {"category": "statement"})) == [other.pk]
        assert ids(client.get("/api/v1/releases/", {"language": "en"})) == [other.pk]

    def test_thai_search_as_on_the_site(self, client):
        match = ReleaseFactory(title="การประชุมความร่วมมือลุ่มน้ำโขง")
        ReleaseFactory(title="การเยือนญี่ปุ่น")
        assert ids(client.get("/api/v1/releases/", {"q": "ลุ่มน้ำโขง"})) == [match.pk]

    @pytest.mark.parametrize(
        "params",
        [{"year": "abc"}, {"month": "13"}, {"date_from": "31/02/2564"}, {"category": "nope"}, {"language": "fr"},
         {"date_from": "2021-02-01", "date_to": "2021-01-01"}],
    )
    def test_bad_filters_are_400_with_the_field(self, client, params):
        response = client.get("/api/v1/releases/", params)
        assert response.status_code == 400
        assert set(response.json()) & set(params)

    def test_query_budget(self, client, django_assert_max_num_queries):
        for _ in range(25):
            ReleaseImageFactory(release=ReleaseFactory())
        with django_assert_max_num_queries(4):
            assert client.get("/api/v1/releases/").status_code == 200
        with django_assert_max_num_queries(4):
            assert client.get("/api/v1/releases/", {"year": "2564", "category": "press-release"}).status_code == 200

    def test_search_stays_in_budget(self, client, django_assert_max_num_queries):
        for n in range(25):
            ReleaseImageFactory(release=ReleaseFactory(title=f"ความร่วมมือลุ่มน้ำโขง ครั้งที่ {n}"))
        client.get("/api/v1/releases/", {"q": "ญี่ปุ่น"})  # a process's first search reads the index statistics once
        with django_assert_max_num_queries(4):
            response = client.get("/api/v1/releases/", {"q": "ลุ่มน้ำโขง"})
        assert len(response.json()["results"]) == 20


def ids_of(data):
    return [item["id"] for item in data["results"]]


class TestCursorPagination:
    def walk(self, client, url, params=None):
        seen, pages = [], 0
        response = client.get(url, params or {})
        while True:
            data = response.json()
            seen += ids_of(data)
            pages += 1
            if not data["next"]:
                return seen, pages
            response = client.get(data["next"])

    def test_pages_cover_every_release_once_in_order_even_on_one_date(self, client):
        today = timezone.localdate()
        releases = [ReleaseFactory(release_date=today - datetime.timedelta(days=n % 3)) for n in range(45)]
        expected = [r.pk for r in sorted(releases, key=lambda r: (r.release_date, r.publish_at, r.pk), reverse=True)]
        seen, pages = self.walk(client, "/api/v1/releases/")
        assert seen == expected and pages == 3

    def test_previous_link_goes_back(self, client):
        for _ in range(25):
            ReleaseFactory()
        first = client.get("/api/v1/releases/").json()
        second = client.get(first["next"]).json()
        assert client.get(second["previous"]).json()["results"] == first["results"]

    def test_search_results_are_paged_in_rank_order(self, client):
        for n in range(25):
            ReleaseFactory(title=f"ความร่วมมือลุ่มน้ำโขง ครั้งที่ {n}")
        seen, pages = self.walk(client, "/api/v1/releases/", {"q": "ลุ่มน้ำโขง"})
        assert len(seen) == len(set(seen)) == 25 and pages == 2

    @pytest.mark.parametrize(
        "params, tokens",
        [
            *(({}, tokens) for tokens in ("garbage", "p=notadate", "o=1&p=notadate", "o=5", "p=2021-01-01|2021-01-01T00:00:00|1")),
            *(({"q": "ข่าว"}, tokens) for tokens in ("p=notadate", "p=2021-01-01|2021-01-01T00:00:00%2B00:00|1")),
        ],
    )
    def test_forged_cursors_are_404(self, client, tokens, params):
        ReleaseFactory()
        cursor = base64.b64encode(tokens.encode()).decode()
        assert client.get("/api/v1/releases/", {**params, "cursor": cursor}).status_code == 404

    def test_a_search_cursor_is_an_offset_and_a_list_cursor_a_key(self, client):
        for n in range(25):
            ReleaseFactory(title=f"ความร่วมมือลุ่มน้ำโขง ครั้งที่ {n}")
        searched = client.get("/api/v1/releases/", {"q": "ลุ่มน้ำโขง"}).json()["next"]
        listed = client.get("/api/v1/releases/").json()["next"]
        assert client.get(listed + "&q=" + quote("ลุ่มน้ำโขง")).status_code == 404
        assert client.get(searched.replace("q=", "x=")).status_code == 404


class TestOfficialsAndCategories:
    def test_officials_with_positions(self, client, django_assert_max_num_queries):
        for _ in range(3):
            PositionFactory()
        with django_assert_max_num_queries(2):
            data = client.get("/api/v1/officials/").json()
        assert len(data["results"]) == 3
        assert data["results"][0]["positions"][0]["title_en"] == "Minister of Foreign Affairs"
        slug = data["results"][0]["slug"]
        assert client.get(f"/api/v1/officials/{slug}/").json()["slug"] == slug
        assert client.get("/api/v1/officials/nobody/").status_code == 404

    def test_categories(self, client, django_assert_max_num_queries):
        CategoryFactory()
        CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement", order=1)
        with django_assert_max_num_queries(1):
            data = client.get("/api/v1/categories/").json()
        assert [c["slug"] for c in data] == list(Category.objects.values_list("slug", flat=True))
        assert "statement" in [c["slug"] for c in data]
        assert client.get("/api/v1/categories/statement/").json()["name_en"] == "Statement"


def test_an_address_no_route_matches_is_the_apis_json_404(client, db):
    for path in ("/api/v1/releases/4.5e-242/", "/api/v1/releases/abc/", "/api/v1/nothing/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert "detail" in response.json()
