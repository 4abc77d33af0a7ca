"""List items and the filter panel rendered once per content generation (releases/list_items.py, public_site tags)."""

import pytest
from django.template import loader
from django.utils.translation import override

from releases import list_items, outages
from releases.models import Release
from tests.factories import ReleaseFactory, ReleaseImageFactory, committed
from tests.test_wordbreaks import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times the item template is rendered (each miss renders it once)."""
    counted = []
    original = loader.get_template

    def get_template(name, *args, **kwargs):
        template = original(name, *args, **kwargs)
        if name == list_items.TEMPLATE:
            render = template.render
            template.render = lambda *a, **k: counted.append(1) or render(*a, **k)
        return template

    monkeypatch.setattr(list_items, "get_template", get_template)
    return counted


def test_each_item_is_rendered_once_per_generation(client, renders):
    for n in range(3):
        ReleaseImageFactory(release=ReleaseFactory(title=f"ข่าวที่ {n}"))
    committed()
    first = client.get("/").content.decode()
    assert len(renders) == 3
    again = client.get("/").content.decode()
    assert len(renders) == 3 and again == first  # every item from the cache, the page the same
    assert client.get("/?page=1").status_code == 200 and len(renders) == 3


def test_the_view_count_is_fresh_on_a_cached_item(client):
    release = ReleaseFactory(title="ข่าวนับ")
    committed()
    assert "เข้าชม 0 ครั้ง" in plain(client.get("/").content.decode())
    Release.objects.filter(pk=release.pk).update(view_count=1234)  # counting starts no new generation
    assert "เข้าชม 1,234 ครั้ง" in plain(client.get("/").content.decode())


def test_an_edit_shows_on_the_next_list(client):
    release = ReleaseFactory(title="ชื่อเดิม")
    committed()
    assert "ชื่อเดิม" in plain(client.get("/").content.decode())
    release.title = "ชื่อใหม่"
    release.save()
    committed()
    page = plain(client.get("/").content.decode())
    assert "ชื่อใหม่" in page and "ชื่อเดิม" not in page


def test_each_language_has_its_own_items(client):
    ReleaseFactory(title="ข่าวไทย")
    committed()
    thai = client.get("/").content.decode()
    english = client.get("/en/?language=all").content.decode()
    assert "เข้าชม 0 ครั้ง" in plain(thai) and "0 views" in english
    assert "ภาษาไทย" in english and 'class="lang-badge"' not in thai  # marked only in the other interface


def test_search_results_are_rendered_each_time(client, renders):
    ReleaseFactory(title="ความร่วมมือด้านการประมง")
    committed()
    client.get("/?q=การประมง")
    client.get("/?q=การประมง")
    assert len(renders) == 2


def test_without_the_cache_items_still_render(client, monkeypatch, renders):
    ReleaseFactory(title="ข่าวยามขัดข้อง")
    monkeypatch.setattr(outages.cache, "available", lambda: False)
    assert "ข่าวยามขัดข้อง" in plain(client.get("/").content.decode())
    assert "ข่าวยามขัดข้อง" in plain(client.get("/").content.decode())
    assert len(renders) == 2


@pytest.mark.parametrize("count, thai, english", [(0, "เข้าชม 0 ครั้ง", "0 views"), (1, "เข้าชม 1 ครั้ง", "1 view"), (12345, "เข้าชม 12,345 ครั้ง", "12,345 views")])
def test_views_label(count, thai, english):
    with override("th"):
        assert list_items.views_label(count) == thai
    with override("en"):
        assert list_items.views_label(count) == english


class TestFilterPanel:
    def test_the_chosen_filter_is_selected_in_its_own_panel(self, client):
        ReleaseFactory()
        committed()
        plain_list = client.get("/").content.decode()
        chosen = client.get("/?language=en").content.decode()
        assert 'value="en" selected' in chosen and 'value="en" selected' not in plain_list
        assert client.get("/").content.decode() == plain_list  # the first panel again, from the cache

    def test_a_page_of_the_list_offers_to_clear_like_before(self, client):
        for _ in range(21):
            ReleaseFactory()
        committed()
        assert "Clear filters" not in client.get("/en/").content.decode()
        assert "Clear filters" in client.get("/en/?page=2").content.decode()
        assert "Clear filters" not in client.get("/en/").content.decode()

    @pytest.mark.parametrize("query", ["การค้า", '"<script>alert(1)</script>" & ญี่ปุ่น', "qslot"])
    def test_a_searchs_panel_holds_its_own_query_escaped(self, client, query):
        from django.utils.html import escape

        ReleaseFactory()
        committed()
        client.get("/", {"q": "อื่น"})  # the panel for searches, cached with its placeholder
        page = client.get("/", {"q": query}).content.decode()
        assert f'value="{escape(query)}"' in page
        assert "<script>alert" not in page and "qslot5e1c0a9d7b" not in page
        assert 'value="อื่น"' not in page

    def test_a_search_with_a_bad_filter_shows_its_own_query_and_error(self, client):
        ReleaseFactory()
        committed()
        for query in ("การค้า", "ญี่ปุ่น"):
            page = client.get("/", {"q": query, "date_from": "ไม่ใช่วันที่"}).content.decode()
            assert f'value="{query}"' in page and 'class="form-errors"' in page
