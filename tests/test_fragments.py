"""Fragments kept per content generation: computed once, and every edit that changes one shows on the next (uncached) page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releases import fragments, outages
from releases.models import Release, Withdrawal
from tests.factories import (
    CategoryFactory,
    CountryFactory,
    OfficialFactory,
    ReleaseFactory,
    ReleaseImageFactory,
    ReleaseViewDayFactory,
    committed,
)

pytestmark = pytest.mark.django_db


def related_titles(client, release):
    return [item.title for item in client.get(release.get_absolute_url()).context["related"]]


def most_read_titles(client):
    return [item.title for item in client.get("/").context["most_read"]]


def listed(client, path="/"):
    response = client.get(path)
    return [item.title for item in response.context["releases"]], response.context["page_obj"].paginator.count


# --- the cache itself --------------------------------------------------------------------


def test_computed_once_per_generation():
    calls = []
    committed()
    assert fragments.cached("test", ("a",), lambda: calls.append(1) or len(calls)) == 1
    assert fragments.cached("test", ("a",), lambda: calls.append(1) or len(calls)) == 1
    assert fragments.cached("test", ("b",), lambda: calls.append(1) or len(calls)) == 2  # other parts, other entry
    ReleaseFactory()  # an edit: a new generation
    assert fragments.cached("test", ("a",), lambda: calls.append(1) or len(calls)) == 3


def test_long_parts_make_a_short_key():
    committed()
    query = "q=" + "ก" * 500
    assert fragments.cached("test", ("/", "th", query), lambda: "found") == "found"
    assert fragments.cached("test", ("/", "th", query), lambda: "again") == "found"
    assert fragments.cached("test", ("/", "th", query + "x"), lambda: "other") == "other"


def test_cache_unreachable_computes_every_time(monkeypatch):
    monkeypatch.setattr(outages.cache, "available", lambda: False)
    assert fragments.cached("test", (), lambda: 1) == 1
    assert fragments.cached("test", (), lambda: 2) == 2


def test_a_page_finding_its_fragments_cached_reads_less(client):
    release, other = ReleaseFactory(), ReleaseFactory()
    other.officials.add(official := OfficialFactory())
    release.officials.add(official)
    ReleaseViewDayFactory(release=other, views=3)
    committed()
    with CaptureQueriesContext(connection) as first:
        client.get(release.get_absolute_url())
    with CaptureQueriesContext(connection) as again:
        response = client.get(release.get_absolute_url())
    assert len(again) <= len(first) - 2  # most read and related: neither asked again
    assert [item.title for item in response.context["related"]] == [other.title]
    assert other.get_absolute_url() in response.content.decode().split('class="most-read"')[1]


# --- related releases: each edit shows on the next page ----------------------------------


@pytest.fixture
def pair():
    official = OfficialFactory()
    release, neighbour = ReleaseFactory(title="ข่าวหลัก"), ReleaseFactory(title="ข่าวเกี่ยวข้อง")
    release.officials.add(official)
    neighbour.officials.add(official)
    return release, neighbour


def test_related_shows_a_new_title(client, pair):
    release, neighbour = pair
    assert related_titles(client, release) == ["ข่าวเกี่ยวข้อง"]
    neighbour.title = "ชื่อใหม่"
    neighbour.save()
    assert related_titles(client, release) == ["ชื่อใหม่"]


def test_related_drops_a_withdrawn_release(client, pair):
    release, neighbour = pair
    assert related_titles(client, release) == ["ข่าวเกี่ยวข้อง"]
    neighbour.status, neighbour.withdrawal_kind = Release.Status.WITHDRAWN, Withdrawal.EXPLAINED
    neighbour.save()
    assert related_titles(client, release) == []


def test_related_follows_officials_countries_and_category(client):
    release = ReleaseFactory(title="ข่าวหลัก")
    stranger = ReleaseFactory(title="ข่าวอื่น", category=CategoryFactory(slug="other"))
    assert related_titles(client, release) == []
    official = OfficialFactory()
    release.officials.add(official)
    stranger.officials.add(official)  # an official added: shared now
    assert related_titles(client, release) == ["ข่าวอื่น"]
    stranger.officials.clear()
    assert related_titles(client, release) == []
    country = CountryFactory()
    release.countries.add(country)
    stranger.countries.add(country)  # a country added
    assert related_titles(client, release) == ["ข่าวอื่น"]
    stranger.countries.clear()
    assert related_titles(client, release) == []
    stranger.category = release.category  # a category changed
    stranger.save()
    assert related_titles(client, release) == ["ข่าวอื่น"]


def test_admin_preview_never_fills_the_shared_related_block(rf, pair):
    from releases.views import related_releases

    release, neighbour = pair
    committed()
    release.release_date = release.release_date.replace(year=release.release_date.year - 5)  # unsaved: out of the window
    assert related_releases(release, [], [], shared=False) == []
    release.refresh_from_db()
    assert [item.title for item in related_releases(release, [], [])] == ["ข่าวเกี่ยวข้อง"]


# --- most read ---------------------------------------------------------------------------


def test_most_read_shows_a_new_title_and_drops_a_withdrawn_release(client):
    release = ReleaseFactory(title="อ่านมาก")
    ReleaseViewDayFactory(release=release, views=9)
    assert most_read_titles(client) == ["อ่านมาก"]
    release.title = "อ่านมากชื่อใหม่"
    release.save()
    assert most_read_titles(client) == ["อ่านมากชื่อใหม่"]
    release.status, release.withdrawal_kind = Release.Status.WITHDRAWN, Withdrawal.ERROR
    release.save()
    assert most_read_titles(client) == []


# --- the list's count and page ids ---------------------------------------------------------


def test_list_shows_new_edited_and_withdrawn_releases(client):
    first = ReleaseFactory(title="ข่าวแรก")
    assert listed(client) == (["ข่าวแรก"], 1)
    second = ReleaseFactory(title="ข่าวที่สอง")
    assert listed(client) == (["ข่าวที่สอง", "ข่าวแรก"], 2)
    first.title = "ข่าวแรก แก้แล้ว"
    first.save()
    assert listed(client) == (["ข่าวที่สอง", "ข่าวแรก แก้แล้ว"], 2)
    second.status, second.withdrawal_kind = Release.Status.WITHDRAWN, Withdrawal.EXPLAINED
    second.save()
    assert listed(client) == (["ข่าวแรก แก้แล้ว"], 1)


def test_list_follows_a_translation_link(client):
    thai = ReleaseFactory(title="ข่าวไทย")
    english = ReleaseFactory(title="English news", language="en")
    titles, count = listed(client)
    assert sorted(titles) == ["English news", "ข่าวไทย"] and count == 2
    english.translation = thai  # a translated pair is listed once, in the reader's language
    english.save()
    assert listed(client) == (["ข่าวไทย"], 1)


def test_list_follows_a_category_change_and_a_photo(client):
    news = CategoryFactory(slug="news")
    release = ReleaseFactory(title="ย้ายหมวด")
    path = f"/?category={news.slug}"
    assert listed(client, path) == ([], 0)
    release.category = news
    release.save()
    assert listed(client, path) == (["ย้ายหมวด"], 1)
    ReleaseImageFactory(release=release, alt_text="ภาพใหม่")
    assert 'alt="ภาพใหม่"' in client.get(path).content.decode()


def test_a_scheduled_release_falling_due_shows_without_an_edit(client, monkeypatch):
    import datetime

    from django.utils import timezone

    ReleaseFactory(title="ตอนนี้")
    ReleaseFactory(title="พรุ่งนี้", scheduled=True)
    committed()
    assert listed(client) == (["ตอนนี้"], 1)
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert listed(client)[1] == 2


def test_a_stale_page_id_never_shows_a_release_that_is_not_public(client):
    release = ReleaseFactory(title="ถอนแล้ว")
    committed()
    assert listed(client) == (["ถอนแล้ว"], 1)
    # A write without signals (no new generation): the cached ids still name it, the page's own query does not.
    Release.objects.filter(pk=release.pk).update(status=Release.Status.DRAFT)
    assert listed(client)[0] == []
