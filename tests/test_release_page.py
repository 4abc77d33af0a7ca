"""What a release's page loads beside it, from queries compiled once (releases/release_page.py)."""

import datetime

import pytest
from django.db.models import Prefetch, prefetch_related_objects

from releases import release_page
from releases.models import Official, Release
from releases.taxonomy.related import subjects_of
from releases.video.models import ReleaseVideo

from .factories import (
    CountryFactory, OfficialFactory, PositionFactory, ReleaseAttachmentFactory, ReleaseFactory, ReleaseImageFactory, TopicFactory,
)

pytestmark = pytest.mark.django_db


def full_release():
    release = ReleaseFactory()
    for order in (1, 0):
        ReleaseImageFactory(release=release, order=order)
    ReleaseAttachmentFactory(release=release)
    ReleaseVideo.objects.create(release=release, url="https://youtu.be/dQw4w9WgXcQ", title="แถลงข่าว")
    minister, spokesperson, absent = OfficialFactory(name_th="ข"), OfficialFactory(name_th="ก"), OfficialFactory()
    PositionFactory(official=minister, start_date=datetime.date(2019, 1, 1))
    PositionFactory(official=minister, start_date=datetime.date(2023, 1, 1))
    PositionFactory(official=spokesperson)
    PositionFactory(official=absent)
    release.officials.add(minister, spokesperson)
    release.countries.add(CountryFactory(code="JP", name_th="ญี่ปุ่น", name_en="Japan"), CountryFactory(code="KH", name_th="กัมพูชา", name_en="Cambodia"))
    release.topics.add(TopicFactory(name_th="การค้า"))
    return Release.objects.get(pk=release.pk)


def test_the_same_rows_as_prefetch_related(django_assert_num_queries):
    loaded = full_release()
    expected = Release.objects.get(pk=loaded.pk)
    prefetch_related_objects([expected], "images", "attachments", "videos", Prefetch("officials", Official.objects.prefetch_related("positions")))
    with django_assert_num_queries(5):  # photos, documents, videos, officials, their positions
        release_page.load_related(loaded)
    with django_assert_num_queries(0):
        for name in ("images", "attachments", "videos", "officials"):
            assert list(getattr(loaded, name).all()) == list(getattr(expected, name).all()), name
        for mine, theirs in zip(loaded.officials.all(), expected.officials.all()):
            assert list(mine.positions.all()) == list(theirs.positions.all())
            assert mine.position_on(datetime.date(2024, 1, 1)) == theirs.position_on(datetime.date(2024, 1, 1))
        assert loaded.images.all()[0].release is loaded


def test_no_officials_no_positions_query(django_assert_num_queries):
    release = Release.objects.get(pk=ReleaseFactory().pk)
    with django_assert_num_queries(4):
        release_page.load_related(release)
    assert list(release.officials.all()) == [] and list(release.images.all()) == []


def test_subjects_as_subjects_of():
    release = full_release()
    assert release_page.subjects(release) == subjects_of(release)
    countries, topics = release_page.subjects(release)
    assert [c.code for c in countries] == ["KH", "JP"] and [t.name_th for t in topics] == ["การค้า"]
