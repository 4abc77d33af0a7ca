"""sitemap.xml: an index of sections; every page in Thai and under /en/ with hreflang alternates; releases with lastmod from updated_at; only published()."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from releases.models import Release
from tests.factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def locations(response):
    root = ET.fromstring(response.content)
    return {node.findtext(f"{NS}loc"): node.findtext(f"{NS}lastmod") for node in root}


def test_index_lists_the_sections_with_their_latest_change(client, django_assert_max_num_queries):
    release = ReleaseFactory()
    Release.objects.filter(pk=release.pk).update(updated_at=datetime.datetime(2021, 9, 29, 12, tzinfo=datetime.UTC))
    with django_assert_max_num_queries(6):  # a count per section with a database behind it, a max where it has lastmod
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    sections = locations(response)
    assert set(sections) == {f"http://testserver/sitemap-{name}.xml" for name in ("releases", "officials", "pages", "countries", "topics")}
    assert sections["http://testserver/sitemap-releases.xml"].startswith("2021-09-29")


def test_releases_section_has_published_releases_with_lastmod(client, django_assert_max_num_queries):
    public = ReleaseFactory(title="สาธารณะ")
    ReleaseFactory(title="ร่าง", draft=True)
    ReleaseFactory(title="ตั้งเวลา", scheduled=True)
    Release.objects.filter(pk=public.pk).update(updated_at=datetime.datetime(2021, 9, 29, 12, tzinfo=datetime.UTC))
    with django_assert_max_num_queries(2):
        response = client.get("/sitemap-releases.xml")
    urls = locations(response)
    url = f"http://testserver{public.get_absolute_url()}"
    assert urls == {url: "2021-09-29", url.replace("testserver/", "testserver/en/"): "2021-09-29"}


def test_officials_and_pages_sections(client):
    official = OfficialFactory(slug="don")
    assert set(locations(client.get("/sitemap-officials.xml"))) == {
        f"http://testserver{official.get_absolute_url()}", f"http://testserver/en{official.get_absolute_url()}"
    }
    assert set(locations(client.get("/sitemap-pages.xml"))) == {
        "http://testserver/", "http://testserver/officials/", "http://testserver/en/", "http://testserver/en/officials/"
    }


def test_query_count_does_not_grow_with_releases(client, django_assert_max_num_queries):
    for _ in range(30):
        ReleaseFactory()
    with django_assert_max_num_queries(2):
        assert len(locations(client.get("/sitemap-releases.xml"))) == 60


def test_unknown_section_and_bad_page_are_404(client, db):
    assert client.get("/sitemap-nope.xml").status_code == 404
    assert client.get("/sitemap-releases.xml?p=abc").status_code == 404
    assert client.get("/sitemap-releases.xml?p=99").status_code == 404


def test_releases_are_split_into_pages_in_id_order(client, monkeypatch):
    from releases.sitemaps import ReleaseSitemap

    monkeypatch.setattr(ReleaseSitemap, "limit", 3)  # a page boundary inside a release's two URLs
    releases = [ReleaseFactory() for _ in range(3)]
    assert "http://testserver/sitemap-releases.xml?p=2" in locations(client.get("/sitemap.xml"))
    urls = [f"http://testserver{prefix}{release.get_absolute_url()}" for release in releases for prefix in ("", "/en")]
    assert list(locations(client.get("/sitemap-releases.xml"))) == urls[:3]
    assert list(locations(client.get("/sitemap-releases.xml?p=2"))) == urls[3:]


def alternates(response):
    root = ET.fromstring(response.content)
    return {
        node.findtext(f"{NS}loc"): {link.get("hreflang"): link.get("href") for link in node.iter(f"{XHTML}link")}
        for node in root
    }


def test_each_url_names_both_languages_and_x_default(client):
    url = ReleaseFactory().get_absolute_url()
    thai, english = f"http://testserver{url}", f"http://testserver/en{url}"
    expected = {"th": thai, "en": english, "x-default": thai}
    assert alternates(client.get("/sitemap-releases.xml")) == {thai: expected, english: expected}


def test_a_translated_pair_is_listed_once_each_language_at_its_own_version(client):
    english = ReleaseFactory(language="en", title="Thailand and the US")
    thai_url = ReleaseFactory(title="ไทยและสหรัฐฯ", translation=english).get_absolute_url()
    english_url = f"/en{english.get_absolute_url()}"
    expected = {"th": f"http://testserver{thai_url}", "en": f"http://testserver{english_url}", "x-default": f"http://testserver{thai_url}"}
    assert alternates(client.get("/sitemap-releases.xml")) == {expected["th"]: expected, expected["en"]: expected}


def test_an_english_release_whose_thai_translation_is_not_public_is_listed_in_both(client):
    english = ReleaseFactory(language="en", title="Only the English is out")
    ReleaseFactory(title="ยังไม่เผยแพร่", translation=english, scheduled=True)
    url = english.get_absolute_url()
    assert set(locations(client.get("/sitemap-releases.xml"))) == {f"http://testserver{url}", f"http://testserver/en{url}"}
