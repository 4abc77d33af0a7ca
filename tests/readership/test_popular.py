"""The public "most read this week" block: which releases, its language, its cache, its query cost, bursts."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.utils import timezone

from releases import caching, counters
from releases.readership.popular import most_read_this_week
from tests.factories import ReleaseFactory, ReleaseViewDayFactory, committed
from tests.test_counters import view
from tests.test_wordbreaks import plain

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def read(release, views, days_ago=0):
    ReleaseViewDayFactory(release=release, date=TODAY() - datetime.timedelta(days=days_ago), views=views)


def test_five_most_read_public_releases_of_the_week_in_the_language():
    ranked = [ReleaseFactory(title=f"อันดับ {n}") for n in range(6)]
    for n, release in enumerate(ranked):
        read(release, 100 - n, days_ago=n)
    read(ReleaseFactory(draft=True), 1000)
    read(ReleaseFactory(language="en"), 1000)
    read(ReleaseFactory(), 1000, days_ago=7)  # last week
    assert [r.title for r in most_read_this_week("th")] == [f"อันดับ {n}" for n in range(5)]
    assert [r.language for r in most_read_this_week("en")] == ["en"]


def test_home_and_detail_pages_show_the_block_in_their_language(client):
    thai, english = ReleaseFactory(title="ข่าวยอดนิยม"), ReleaseFactory(title="Popular news", language="en")
    read(thai, 5)
    read(english, 5)
    block = 'id="most-read-heading"'
    home = plain(client.get("/").content.decode()).split(block)[1]
    assert "ข่าวยอดนิยม" in home and "Popular news" not in home
    assert "ข่าวยอดนิยม" in plain(client.get(english.get_absolute_url()).content.decode()).split(block)[1]
    detail = plain(client.get(f"/en{thai.get_absolute_url()}").content.decode()).split(block)[1]
    assert "Popular news" in detail and "ข่าวยอดนิยม" not in detail
    assert block not in client.get("/?q=x").content.decode()


def test_cached_with_the_page_generation(settings):
    settings.NEWSROOM_PAGE_CACHE = True
    release = ReleaseFactory(title="ก่อนแก้")
    read(release, 3)
    caching.current_token()
    with CaptureQueriesContext(connection) as first:
        assert [r.title for r in most_read_this_week("th")] == ["ก่อนแก้"]
    assert len(first) == 1
    with CaptureQueriesContext(connection) as again:
        most_read_this_week("th")
    assert len(again) == 0
    release.status = release.Status.DRAFT
    release.save()  # a new generation
    assert most_read_this_week("th") == []


def test_uncached_home_page_pays_one_query_for_it(client, django_assert_max_num_queries):
    release = ReleaseFactory()
    read(release, 2)
    committed()
    with CaptureQueriesContext(connection) as without:
        # A category's first page: the same list and featured notices, but not the home page, so no block.
        client.get("/", {"category": release.category.slug})
    with CaptureQueriesContext(connection) as with_block:
        client.get("/")
    assert len(with_block) == len(without) + 1


def test_a_burst_from_one_reader_does_not_move_the_list(rf):
    steady, burst = ReleaseFactory(title="สม่ำเสมอ"), ReleaseFactory(title="กดซ้ำ")
    for n in range(3):
        counters.record_view(view(rf, steady, ip=f"198.51.100.{n}"), steady)
    for _ in range(50):
        counters.record_view(view(rf, burst, ip="203.0.113.9"), burst)
    assert [r.title for r in most_read_this_week("th")] == ["สม่ำเสมอ", "กดซ้ำ"]
