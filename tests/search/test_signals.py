"""Signal handlers: saves, links and deletions keep the search index current."""

import pytest

from releases import search
from releases.models import Release
from releases.search import ranking, signals
from tests.factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


# --- keeping the index current ---------------------------------------------------------------------


def test_editing_a_release_updates_its_index(db):
    release = ReleaseFactory(title="ข่าวเดิม", body="เนื้อหาเดิม")
    release.title = "ข่าวใหม่เรื่องทุเรียน"
    release.save()
    assert list(search.search_releases(Release.objects.published(), "ทุเรียน")) == [release]
    assert not search.search_releases(Release.objects.published(), "เดิม").filter(search_tier=ranking.TIER_TITLE)


def test_save_with_update_fields_updates_its_index(db):
    release = ReleaseFactory(title="ข่าวเดิม", body="เนื้อหาเดิม")
    release.body = "เนื้อหาเรื่องมังคุด"
    release.save(update_fields=["body"])
    assert list(search.search_releases(Release.objects.published(), "มังคุด")) == [release]


def test_linking_and_unlinking_an_official_updates_the_index(db):
    release = ReleaseFactory()
    official = OfficialFactory(name_th="วิไลวรรณ ทองประเสริฐ", name_en="Wilaiwan Thongprasert")
    release.officials.add(official)
    assert list(search.search_releases(Release.objects.published(), "ทองประเสริฐ")) == [release]
    release.officials.remove(official)
    assert not search.search_releases(Release.objects.published(), "ทองประเสริฐ").exists()
    official.releases.add(release)
    assert list(search.search_releases(Release.objects.published(), "wilaiwan")) == [release]
    official.releases.clear()
    assert not search.search_releases(Release.objects.published(), "wilaiwan").exists()


def test_changing_an_officials_alias_updates_linked_releases(db):
    release = ReleaseFactory()
    official = OfficialFactory()
    release.officials.add(official)
    official.aliases = "ท่านทูตมานพ"
    official.save()
    assert list(search.search_releases(Release.objects.published(), "มานพ")) == [release]


def test_editing_an_officials_biography_does_not_reindex(db, monkeypatch):
    official = OfficialFactory()
    ReleaseFactory().officials.add(official)
    calls = []
    monkeypatch.setattr(signals, "reindex", lambda *args, **kwargs: calls.append((args, kwargs)))
    official.bio = "ประวัติโดยย่อ"
    official.save()
    assert calls == []
    official.name_en = "Somchai Renamed"
    official.save()
    assert calls == [((), {"official": official})]


def test_deleting_an_official_removes_the_name_from_the_index(db):
    release = ReleaseFactory()
    official = OfficialFactory(name_en="Zanzibar Official")
    release.officials.add(official)
    official.delete()
    assert not search.search_releases(Release.objects.published(), "zanzibar").exists()


def test_deleted_release_leaves_the_index(db):
    release = ReleaseFactory(title="ข่าวมะม่วงส่งออก")
    release.delete()
    ReleaseFactory(title="อีกข่าวหนึ่ง")
    assert not search.search_releases(Release.objects.all(), "มะม่วง").exists()


def test_view_count_update_does_not_touch_the_index(db):
    release = ReleaseFactory(title="ข่าวลำไย")
    Release.objects.filter(pk=release.pk).update(view_count=5)
    assert list(search.search_releases(Release.objects.published(), "ลำไย")) == [release]
