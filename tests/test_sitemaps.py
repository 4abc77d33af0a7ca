"""sitemap.xml: an index of sections; releases with lastmod from updated_at; only published()."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from releases.models import Release
from tests.factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


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
    assert urls == {f"http://testserver{public.get_absolute_url()}": "2021-09-29"}


def test_officials_and_pages_sections(client):
    official = OfficialFactory(slug="don")
    assert f"http://testserver{official.get_absolute_url()}" in locations(client.get("/sitemap-officials.xml"))
    assert set(locations(client.get("/sitemap-pages.xml"))) == {"http://testserver/", "http://testserver/officials/"}


def test_query_count_does_not_grow_with_releases(client, django_assert_max_num_queries):
    for _ in range(30):
        ReleaseFactory()
    with django_assert_max_num_queries(2):
        assert len(locations(client.get("/sitemap-releases.xml"))) == 30


def test_unknown_section_and_bad_page_are_404(client, db):
    assert client.get("/sitemap-nope.xml").status_code == 404
    assert client.get("/sitemap-releases.xml?p=abc").status_code == 404
    assert client.get("/sitemap-releases.xml?p=99").status_code == 404


def test_releases_are_split_into_pages_in_id_order(client, monkeypatch):
    from releases.sitemaps import ReleaseSitemap

    monkeypatch.setattr(ReleaseSitemap, "limit", 2)
    releases = [ReleaseFactory() for _ in range(3)]
    assert "http://testserver/sitemap-releases.xml?p=2" in locations(client.get("/sitemap.xml"))
    assert list(locations(client.get("/sitemap-releases.xml?p=2"))) == [f"http://testserver{releases[2].get_absolute_url()}"]
