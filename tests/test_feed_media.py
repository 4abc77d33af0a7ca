"""Media RSS in the RSS and Atom feeds: each photo's public rendition with its credit and alt text."""

import xml.etree.ElementTree as ET

import pytest

from releases.models import ReleaseImage
from tests.factories import ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory

pytestmark = pytest.mark.django_db

MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client):
    response = client.get("/feeds/latest/rss/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # well-formed, media prefix declared
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert b'xmlns:media="http://search.yahoo.com/mrss/"' in response.content
    return root.findall("channel/item")


def atom_entries(client):
    response = client.get("/feeds/latest/atom/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


@pytest.fixture
def photographed():
    release = ReleaseFactory(title="มีภาพ")
    lead = ReleaseImageFactory(release=release, order=0, credit="กองประชาสัมพันธ์", alt_text="รัฐมนตรีจับมือ", caption="การประชุม")
    second = ReleaseImageFactory(release=release, order=1, alt_text="ภาพหมู่")
    return release, lead, second


def check_content(element, image):
    """A media:content points at the photo's public display rendition with its facts."""
    display = image.rendition("display", "jpeg")
    assert element.get("url") == "http://testserver" + display["url"]
    assert element.get("type") == "image/jpeg" and element.get("medium") == "image"
    assert (element.get("width"), element.get("height")) == (str(display["width"]), str(display["height"]))
    assert element.findtext(f"{MEDIA}description") == image.alt_text
    assert element.find(f"{MEDIA}description").get("type") == "plain"


def test_rss_item_carries_every_photo_in_order_with_credit(client, photographed):
    release, lead, second = photographed
    (item,) = rss_items(client)
    contents = item.findall(f"{MEDIA}content")
    assert len(contents) == 2
    check_content(contents[0], lead)
    check_content(contents[1], second)
    assert contents[0].findtext(f"{MEDIA}credit") == "กองประชาสัมพันธ์"
    assert contents[0].findtext(f"{MEDIA}title") == "การประชุม"
    # No credit, no caption: the elements are left out rather than empty.
    assert contents[1].find(f"{MEDIA}credit") is None and contents[1].find(f"{MEDIA}title") is None


def test_atom_entry_carries_the_same_photos(client, photographed):
    release, lead, second = photographed
    (entry,) = atom_entries(client)
    contents = entry.findall(f"{MEDIA}content")
    check_content(contents[0], lead)
    check_content(contents[1], second)
    assert contents[0].findtext(f"{MEDIA}credit") == "กองประชาสัมพันธ์"


def test_documents_stay_enclosures_beside_the_photos(client, photographed):
    release, lead, second = photographed
    document = ReleaseAttachmentFactory(release=release)
    (item,) = rss_items(client)
    (enclosure,) = item.findall("enclosure")
    assert enclosure.get("url") == "http://testserver" + document.file.url and enclosure.get("type") == "application/pdf"
    (entry,) = atom_entries(client)
    assert [link.get("href") for link in entry.findall(f"{ATOM}link[@rel='enclosure']")] == ["http://testserver" + document.file.url]


def test_a_photo_without_renditions_is_its_cleaned_original(client):
    image = ReleaseImageFactory(release=ReleaseFactory())
    ReleaseImage.objects.filter(pk=image.pk).update(renditions={})
    (content,) = rss_items(client)[0].findall(f"{MEDIA}content")
    assert content.get("url") == "http://testserver" + image.image.url and content.get("type") == "image/jpeg"
    assert (content.get("width"), content.get("height")) == ("64", "48")


def test_never_a_draft_or_scheduled_release_photo(client):
    for state in ("draft", "scheduled"):
        ReleaseImageFactory(release=ReleaseFactory(**{state: True}), credit="ลับ")
    assert rss_items(client) == [] and atom_entries(client) == []
    assert "ลับ" not in client.get("/feeds/latest/rss/").content.decode()


def test_a_release_without_photos_has_no_media_elements(client):
    ReleaseFactory()
    (item,) = rss_items(client)
    assert item.find(f"{MEDIA}content") is None


@pytest.mark.parametrize("url", ["/feeds/latest/rss/", "/feeds/latest/atom/"])
def test_query_budget_does_not_grow_with_items(client, url, django_assert_max_num_queries):
    for n in range(6):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release, credit=f"ช่างภาพ {n}")
        ReleaseImageFactory(release=release, order=1)
        ReleaseAttachmentFactory(release=release)
    with django_assert_max_num_queries(3):  # the releases, their documents, their photos
        response = client.get(url)
    assert response.content.decode().count("<media:content ") == 12
