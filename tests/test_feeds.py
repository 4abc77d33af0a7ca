"""RSS and Atom feeds: latest, per category, per official; only published releases."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from tests.factories import CategoryFactory, OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(response):
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def atom_titles(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    return [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(response.content).iter(f"{ATOM}entry")]


@pytest.fixture
def archive():
    statement = CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")
    don = OfficialFactory(slug="don")
    ReleaseFactory(title="ใหม่", release_date=datetime.date(2021, 9, 29), summary="สรุป <ข่าว> ใหม่").officials.add(don)
    ReleaseFactory(title="เก่า", release_date=datetime.date(2021, 9, 1), category=statement)
    ReleaseFactory(title="ร่าง", draft=True, category=statement).officials.add(don)
    ReleaseFactory(title="ตั้งเวลา", scheduled=True).officials.add(don)
    return {"category": statement, "official": don}


class TestLatest:
    def test_rss_lists_published_newest_first(self, client, archive, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):  # the releases, then their documents (enclosures) and photos
            response = client.get("/feeds/latest/rss/")
        assert rss_titles(response) == ["ใหม่", "เก่า"]
        item = ET.fromstring(response.content).find("channel/item")
        assert item.findtext("link").startswith("http://testserver/releases/")
        assert item.findtext("description") == "สรุป &lt;ข่าว&gt; ใหม่"
        assert item.findtext("pubDate")
        assert item.findtext("category") == "ข่าวสารนิเทศ"

    def test_atom_lists_published_newest_first_with_updated(self, client, archive):
        response = client.get("/feeds/latest/atom/")
        assert atom_titles(response) == ["ใหม่", "เก่า"]
        entry = ET.fromstring(response.content).find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")
        self_link = ET.fromstring(response.content).find(f"{ATOM}link[@rel='self']")
        assert self_link.get("href") == "http://testserver/feeds/latest/atom/"

    def test_atom_names_an_author_for_the_feed_and_each_entry(self, client, archive):
        root = ET.fromstring(client.get("/feeds/latest/atom/").content)
        assert root.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME
        assert root.findtext(f"{ATOM}author/{ATOM}uri") == "http://testserver/"
        for entry in root.findall(f"{ATOM}entry"):
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == settings.SITE_NAME

    def test_rss_credits_the_ministry_without_an_address(self, client, archive):
        item = ET.fromstring(client.get("/feeds/latest/rss/").content).find("channel/item")
        # RSS's <author> must be an e-mail address: the name goes in dc:creator instead.
        assert item.find("author") is None
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == settings.SITE_NAME

    def test_feed_titles_follow_the_language(self, client, archive):
        channel = ET.fromstring(client.get("/feeds/latest/rss/").content).find("channel")
        assert "ข่าวประชาสัมพันธ์" in channel.findtext("title")
        assert channel.findtext("item/link").startswith("http://testserver/releases/")
        # The English variant lives under /en/ and links to the English pages.
        channel = ET.fromstring(client.get("/en/feeds/latest/rss/").content).find("channel")
        assert "press releases" in channel.findtext("title")
        assert channel.findtext("language") == "en"
        assert channel.findtext("link") == "http://testserver/en/"
        assert channel.findtext("item/link").startswith("http://testserver/en/releases/")

    def test_guid_survives_a_new_title(self, client, db):
        release = ReleaseFactory(title="ชื่อเดิม")

        def guid():
            item = ET.fromstring(client.get("/feeds/latest/rss/").content).find("channel/item/guid")
            assert item.get("isPermaLink") == "false"
            return item.text

        before = guid()
        release.title, release.slug = "ชื่อใหม่", ""
        release.save()
        assert guid() == before and before.startswith("urn:uuid:")

    def test_size_is_capped(self, client, db):
        for n in range(35):
            ReleaseFactory(release_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n))
        assert len(rss_titles(client.get("/feeds/latest/rss/"))) == 30


class TestPerCategoryAndOfficial:
    def test_category_feeds(self, client, archive, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):  # the category, its releases, their documents and photos
            assert rss_titles(client.get("/feeds/category/statement/rss/")) == ["เก่า"]
        response = client.get("/feeds/category/statement/atom/")
        assert atom_titles(response) == ["เก่า"]
        assert "แถลงการณ์" in ET.fromstring(response.content).findtext(f"{ATOM}title")

    def test_official_feeds_never_show_drafts_or_scheduled(self, client, archive):
        assert rss_titles(client.get("/feeds/official/don/rss/")) == ["ใหม่"]
        assert atom_titles(client.get("/feeds/official/don/atom/")) == ["ใหม่"]

    @pytest.mark.parametrize("url", ["/feeds/category/nope/rss/", "/feeds/official/nope/atom/", "/feeds/official/%00/rss/"])
    def test_unknown_slug_is_404(self, client, db, url):
        assert client.get(url).status_code == 404


class TestAdvertised:
    def test_every_page_links_the_latest_feeds_in_its_head(self, client, archive):
        release = ReleaseFactory()
        for url in ("/", "/officials/", release.get_absolute_url()):
            head = client.get(url).content.decode().split("</head>")[0]
            assert '<link rel="alternate" type="application/rss+xml"' in head and 'href="/feeds/latest/rss/"' in head
            assert 'type="application/atom+xml"' in head and 'href="/feeds/latest/atom/"' in head

    def test_category_and_official_pages_link_their_own_feeds(self, client, archive):
        head = client.get("/?category=statement").content.decode().split("</head>")[0]
        assert 'href="/feeds/category/statement/rss/"' in head and 'href="/feeds/category/statement/atom/"' in head
        assert 'title="แถลงการณ์ (RSS)"' in head
        assert "/feeds/category/" not in client.get("/?category=nope").content.decode().split("</head>")[0]
        head = client.get("/officials/don/").content.decode().split("</head>")[0]
        assert 'href="/feeds/official/don/rss/"' in head and 'href="/feeds/official/don/atom/"' in head
