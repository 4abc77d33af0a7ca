"""ORM queries compiled once and run with new values (releases/prepared.py)."""

import datetime

import pytest
from django.db.models import prefetch_related_objects
from django.utils import timezone

from releases.models import Release, ReleaseImage
from releases.prepared import PreparedModels, PreparedValues, attach

from .factories import ReleaseFactory, ReleaseImageFactory

pytestmark = pytest.mark.django_db


def counting(build):
    """build, counting how often it is called (each call is one compilation)."""
    calls = []

    def counted(**markers):
        calls.append(markers)
        return build(**markers)

    return counted, calls


class TestPreparedValues:
    def test_same_rows_as_the_orm_for_every_value_and_compiled_once(self):
        releases = [ReleaseFactory(title=f"ข่าว {n}") for n in range(3)]
        build, calls = counting(lambda pk: Release.objects.filter(pk=pk).values_list("pk", "title", "release_date"))
        prepared = PreparedValues(build, ints=["pk"])
        for release in releases:
            assert prepared.run(pk=release.pk) == list(Release.objects.filter(pk=release.pk).values_list("pk", "title", "release_date"))
        assert len(calls) == 1  # compiled with the placeholders, then only run
        assert isinstance(prepared.run(pk=releases[0].pk)[0][2], datetime.date)  # converted as the ORM converts (SQLite: text)
        assert prepared.run(pk=10**9) == []

    def test_moments_and_days_are_adapted_as_the_orm_adapts_them(self):
        now = timezone.now()
        old = ReleaseFactory(release_date=datetime.date(2021, 9, 29), publish_at=now - datetime.timedelta(days=3))
        later = ReleaseFactory(release_date=datetime.date(2021, 10, 5), publish_at=now + datetime.timedelta(days=1))
        prepared = PreparedValues(
            lambda now, since: Release.objects.published(now).filter(release_date__gte=since).values_list("pk"),
            moments=["now"], days=["since"],
        )
        assert prepared.run(now=now, since=datetime.date(2021, 9, 1)) == [(old.pk,)]
        assert sorted(prepared.run(now=now + datetime.timedelta(days=2), since=datetime.date(2021, 9, 1))) == sorted([(old.pk,), (later.pk,)])
        assert prepared.run(now=now, since=datetime.date(2021, 9, 30)) == []

    def test_text_markers_are_swapped_like_the_others(self):
        thai, english = ReleaseFactory(title="ข่าวไทย"), ReleaseFactory(title="English news", language="en")
        build, calls = counting(lambda language, title: Release.objects.filter(language=language, title=title).values_list("pk"))
        prepared = PreparedValues(build, texts=["language", "title"])
        assert prepared.run(language="th", title="ข่าวไทย") == [(thai.pk,)]
        assert prepared.run(language="en", title="English news") == [(english.pk,)]
        assert prepared.run(language="en", title="ข่าวไทย") == []
        assert len(calls) == 1

    def test_a_marker_the_sql_does_not_hold_falls_back_to_compiling_each_time(self):
        release = ReleaseFactory()
        # The ORM folds an empty IN list away: the marker for pk is then nowhere in the parameters.
        build, calls = counting(lambda pk: Release.objects.filter(pk__in=[pk] if pk > 0 else [0]).values_list("pk"))
        prepared = PreparedValues(build, ints=["pk"])
        assert prepared.run(pk=release.pk) == [(release.pk,)]
        assert prepared.run(pk=release.pk) == [(release.pk,)]
        assert len(calls) == 3  # the failed preparation, then the ORM for each call: right, only slower


class TestPreparedModels:
    def test_instances_equal_to_the_orms(self):
        release = ReleaseFactory()
        photos = [ReleaseImageFactory(release=release, order=n, caption=f"ภาพ {n}") for n in (1, 0)]
        prepared = PreparedModels(lambda pk: ReleaseImage.objects.filter(release_id=pk), ints=["pk"])
        found = prepared.run(pk=release.pk)
        assert found == list(ReleaseImage.objects.filter(release=release)) == [photos[1], photos[0]]
        assert [photo.caption for photo in found] == ["ภาพ 0", "ภาพ 1"]
        assert not found[0]._state.adding and found[0]._state.db == "default"


class TestAttach:
    def test_the_relation_then_answers_without_a_query(self, django_assert_num_queries):
        release = ReleaseFactory()
        photo = ReleaseImageFactory(release=release)
        release = Release.objects.get(pk=release.pk)
        attach(release, "images", [photo], back="release")
        with django_assert_num_queries(0):
            assert list(release.images.all()) == [photo]
            assert release.images.all()[0].release is release

    def test_as_prefetch_related_leaves_it(self):
        release = ReleaseFactory()
        ReleaseImageFactory(release=release)
        prefetched = Release.objects.get(pk=release.pk)
        prefetch_related_objects([prefetched], "images")
        attached = Release.objects.get(pk=release.pk)
        attach(attached, "images", list(ReleaseImage.objects.filter(release=release)))
        assert list(attached.images.all()) == list(prefetched.images.all())
        assert set(attached._prefetched_objects_cache) == set(prefetched._prefetched_objects_cache)


class TestPreparedModelsWithRelations:
    def test_select_related_and_a_reverse_one_to_one_filled_as_the_orm_fills_them(self, django_assert_num_queries):
        english = ReleaseFactory(language="en", title="Thailand and Japan")
        thai = ReleaseFactory(translation=english, title="ไทยและญี่ปุ่น")
        alone = ReleaseFactory(title="ข่าวเดี่ยว")

        def build(pk):
            return Release.objects.select_related("category", "translation", "translated_from").filter(pk=pk)

        prepared = PreparedModels(build, ints=["pk"])
        for release in (english, thai, alone):
            [found] = prepared.run(pk=release.pk)
            expected = build(release.pk).get()
            with django_assert_num_queries(0):
                assert found == expected and found.category.name_th == expected.category.name_th
                assert found.counterpart == expected.counterpart
        [found] = prepared.run(pk=english.pk)
        with django_assert_num_queries(0):
            assert found.translated_from == thai and found.counterpart == thai

    def test_annotations_are_set(self):
        release = ReleaseFactory()
        prepared = PreparedModels(lambda pk: Release.objects.filter(pk=pk).with_neighbours(), ints=["pk"])
        [found] = prepared.run(pk=release.pk)
        assert found.older is None and found.newer is None and found.pk == release.pk


def test_an_id_too_large_for_the_column_finds_nothing_as_with_the_orm():
    ReleaseFactory()
    prepared = PreparedModels(lambda pk: Release.objects.filter(pk=pk), ints=["pk"])
    assert prepared.run(pk=2**63) == [] and prepared.run(pk=10**25) == []
    assert PreparedValues(lambda pk: Release.objects.filter(pk=pk).values_list("pk"), ints=["pk"]).run(pk=-(2**70)) == []
