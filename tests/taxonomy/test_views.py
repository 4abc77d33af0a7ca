"""Country and topic pages, feeds, list filters, sitemap, JSON-LD `about`, related releases."""

import datetime
import json

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, CountryFactory, OfficialFactory, ReleaseFactory, TopicFactory, committed

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 4  # the subject, the count, the page, its photos
from tests.test_views import DETAIL_BUDGET  # countries and topics together in one query, related in one


@pytest.fixture
def tagged():
    myanmar = CountryFactory(code="MM", name_th="เมียนมา", name_en="Myanmar")
    trade = TopicFactory(name_th="การค้า", name_en="Trade", slug="trade")
    public = ReleaseFactory(title="ข่าวเมียนมา")
    public.countries.add(myanmar)
    public.topics.add(trade)
    for draft in (ReleaseFactory(title="ร่าง", draft=True), ReleaseFactory(title="ตั้งเวลา", scheduled=True)):
        draft.countries.add(myanmar)
        draft.topics.add(trade)
    ReleaseFactory(title="ไม่เกี่ยว")
    return {"myanmar": myanmar, "trade": trade, "public": public}


def titles(response):
    return [release.title for release in response.context["releases"]]


@pytest.mark.parametrize("path", ["/countries/mm/", "/countries/MM/", "/topics/trade/"])
def test_landing_pages_list_only_published_releases(client, tagged, path, django_assert_max_num_queries):
    committed()
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(path)
    assert response.status_code == 200 and titles(response) == ["ข่าวเมียนมา"]
    assert b"/rss/" in response.content and b"/atom/" in response.content


@pytest.mark.parametrize("path", ["/countries/xx/", "/countries/%E0%B8%81/", "/topics/nothing/"])
def test_unknown_subject_is_404(client, tagged, path):
    assert client.get(path).status_code == 404


def test_budget_does_not_grow_with_releases(client, tagged, django_assert_max_num_queries):
    for _ in range(25):
        ReleaseFactory().countries.add(tagged["myanmar"])
    committed()
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert len(titles(client.get("/countries/mm/"))) == 20


@pytest.mark.parametrize("name", ["country-feed-rss", "country-feed-atom"])
def test_country_feeds(client, tagged, name):
    content = client.get(reverse(f"releases:{name}", args=["mm"])).content.decode()
    assert "ข่าวเมียนมา" in content and "ร่าง" not in content and "ไม่เกี่ยว" not in content


@pytest.mark.parametrize("name", ["topic-feed-rss", "topic-feed-atom"])
def test_topic_feeds(client, tagged, name):
    content = client.get(reverse(f"releases:{name}", args=["trade"])).content.decode()
    assert "ข่าวเมียนมา" in content and "ตั้งเวลา" not in content


def test_list_filters_by_country_and_topic(client, tagged, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # the list's budget (tests/test_views.py LIST_BUDGET)
        response = client.get("/", {"country": "MM", "topic": "trade"})
    assert titles(response) == ["ข่าวเมียนมา"]
    assert client.get("/", {"country": "ZZ"}).context["filter"].errors


def test_sitemap_lists_subjects_with_public_releases(client, tagged):
    CountryFactory(code="LA", name_th="ลาว")
    content = client.get("/sitemap-countries.xml").content.decode()
    assert "/countries/mm/" in content and "/countries/la/" not in content
    assert "/topics/trade/" in client.get("/sitemap-topics.xml").content.decode()


def test_detail_page_links_subjects_and_json_ld_is_about_them(client, tagged, django_assert_max_num_queries):
    committed()
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(tagged["public"].get_absolute_url())
    page = response.content.decode()
    assert 'href="/countries/mm/"' in page and 'href="/topics/trade/"' in page
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert {"@type": "Country", "name": "เมียนมา", "url": "http://testserver/countries/mm/"} in ld["about"]
    assert any(item["@type"] == "Thing" and item["name"] == "การค้า" for item in ld["about"])


def test_related_releases_rank_by_what_they_share(client, tagged):
    day = tagged["public"].release_date
    official = OfficialFactory()
    tagged["public"].officials.add(official)
    other = CategoryFactory(slug="other")
    two = ReleaseFactory(title="สองอย่าง", category=other, release_date=day - datetime.timedelta(days=3))
    two.countries.add(tagged["myanmar"])
    two.officials.add(official)
    one = ReleaseFactory(title="หนึ่งอย่าง", category=other, release_date=day - datetime.timedelta(days=1))
    one.topics.add(tagged["trade"])
    far = ReleaseFactory(title="นานมาแล้ว", category=other, release_date=day - datetime.timedelta(days=400))
    far.countries.add(tagged["myanmar"])
    ReleaseFactory(title="ต่างหมวด", category=other, release_date=day)
    related = [r.title for r in client.get(tagged["public"].get_absolute_url()).context["related"]]
    assert related[:2] == ["สองอย่าง", "หนึ่งอย่าง"]
    assert "นานมาแล้ว" not in related and "ต่างหมวด" not in related and "ร่าง" not in related


@pytest.mark.parametrize("name,arg", [("country-feed-atom", "mm"), ("topic-feed-atom", "trade")])
def test_subject_atom_feeds_carry_photos_with_their_credit(client, tagged, name, arg):
    import xml.etree.ElementTree as ET

    from tests.factories import ReleaseImageFactory

    ReleaseImageFactory(release=tagged["public"], credit="กองประชาสัมพันธ์", alt_text="ภาพประกอบ")
    root = ET.fromstring(client.get(reverse(f"releases:{name}", args=[arg])).content)
    media = "{http://search.yahoo.com/mrss/}"
    [entry] = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entry.find(f"{media}content/{media}credit").text == "กองประชาสัมพันธ์"
