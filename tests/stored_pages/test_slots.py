"""What a stored page fills in per request (releases/stored_pages/slots.py)."""

import pytest

from releases import caching
from releases.stored_pages import slots

from ..factories import ReleaseFactory, ReleaseViewDayFactory, committed

pytestmark = pytest.mark.django_db


def test_most_read_is_kept_in_the_worker_for_its_generation(monkeypatch):
    first = ReleaseFactory(title="ข่าวแรก")
    ReleaseViewDayFactory(release=first, views=5)
    committed()
    block = slots.most_read_block("th")
    assert first.get_absolute_url() in block
    reads = []
    monkeypatch.setattr(caching, "lookup", lambda key: reads.append(key))
    assert slots.most_read_block("th") == block
    assert reads == []  # the worker's copy: no cache read
    monkeypatch.undo()
    second = ReleaseFactory(title="ข่าวที่สอง")
    ReleaseViewDayFactory(release=second, views=50)
    committed()  # an edit: a new generation, so at once a new block
    assert slots.most_read_block("th").index(second.get_absolute_url()) < slots.most_read_block("th").index(first.get_absolute_url())


def test_the_worker_copy_lasts_the_page_lifetime_only(settings, monkeypatch):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    ReleaseViewDayFactory(release=ReleaseFactory(), views=5)
    committed()
    slots.most_read_block("th")
    reads = []
    original = caching.lookup
    monkeypatch.setattr(caching, "lookup", lambda key: reads.append(key) or original(key))
    slots.most_read_block("th")
    assert any(key.startswith("fragments:most-read-html") for key in reads)


def test_fill_replaces_both_slots_once():
    release = ReleaseFactory(view_count=1234)
    committed()
    html = f"<p>{slots.VIEWS}</p>{slots.MOST_READ}<p>{slots.VIEWS}</p>"
    filled = slots.fill(html, release, "th")
    assert filled.startswith("<p>เข้าชม 1,234 ครั้ง</p>") and filled.endswith(f"<p>{slots.VIEWS}</p>")
    assert slots.MOST_READ not in filled
