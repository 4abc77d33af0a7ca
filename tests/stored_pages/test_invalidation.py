"""Each change removes the stored pages it touches, and leaves the others (releases/stored_pages/invalidation.py)."""

import datetime

import pytest
from django.utils import timezone

from releases import caching
from releases.models import Release
from releases.stored_pages import invalidation
from releases.stored_pages.models import StoredPage
from releases.taxonomy.models import Topic
from releases.video.models import ReleaseVideo

from ..factories import (
    CategoryFactory,
    OfficialFactory,
    PositionFactory,
    ReleaseAttachmentFactory,
    ReleaseFactory,
    ReleaseImageFactory,
    TopicFactory,
    committed,
)

pytestmark = pytest.mark.django_db
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)"}
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _stored_pages_on(settings):
    settings.NEWSROOM_STORED_PAGES = True


def release_on(day, **fields):
    return ReleaseFactory(release_date=TODAY + datetime.timedelta(days=day), **fields)


def store(client, *releases):
    committed()
    for release in releases:
        client.get(release.get_absolute_url(), **READER)
    return set(StoredPage.objects.values_list("release_id", flat=True))


def kept():
    return set(StoredPage.objects.values_list("release_id", flat=True))


@pytest.fixture
def archive(client):
    """Releases a year apart and one near each other: far ones share no page with a change."""
    near, changed, far_before, far_after = release_on(-10), release_on(0), release_on(-400), release_on(400)
    assert store(client, near, changed, far_before, far_after) == {near.pk, changed.pk, far_before.pk, far_after.pk}
    return near, changed, far_before, far_after


def test_an_edit_removes_its_page_and_those_near_it_in_time_or_linking_to_it(archive):
    near, changed, far_before, far_after = archive
    changed.title = "แก้ไขชื่อข่าว"
    changed.save()
    # near shows it as related and is its older neighbour; far_after is its newer neighbour.
    # far_before's neighbours are near and nothing older: it stays.
    assert kept() == {far_before.pk}


def test_an_edit_leaves_pages_that_do_not_show_it(client):
    changed, neighbour, untouched = release_on(0), release_on(-300), release_on(-700)
    store(client, changed, neighbour, untouched)
    changed.title = "แก้ไขชื่อข่าว"
    changed.save()
    assert kept() == {untouched.pk}


def test_a_new_date_removes_the_pages_near_the_old_one(client):
    moved, near_old, between, far = release_on(0), release_on(-20), release_on(-500), release_on(-1000)
    store(client, moved, near_old, between, far)
    moved = Release.objects.get(pk=moved.pk)
    moved.release_date = TODAY + datetime.timedelta(days=-1500)
    moved.save()
    # near_old showed it as related (and as its neighbour); far is its new neighbour; between
    # neither linked to it nor does now.
    assert kept() == {between.pk}


def test_publishing_a_translation_removes_the_other_languages_page(client):
    thai, elsewhere = release_on(0), release_on(-2000)
    store(client, thai, elsewhere)
    StoredPage.objects.exclude(release=thai).delete()
    english = ReleaseFactory(language="en", release_date=TODAY - datetime.timedelta(days=3000), status=Release.Status.DRAFT)
    store(client, elsewhere)
    english.status = Release.Status.PUBLISHED
    english.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    english.save()
    thai.translation = english
    thai.save()
    assert thai.pk not in kept()


@pytest.mark.parametrize("make_row", [
    lambda release: ReleaseImageFactory(release=release),
    lambda release: ReleaseAttachmentFactory(release=release),
    lambda release: ReleaseVideo.objects.create(release=release, url="https://youtu.be/dQw4w9WgXcQ", title="แถลงข่าว"),
])
def test_a_photo_document_or_video_removes_only_its_releases_pages(archive, make_row):
    near, changed, far_before, far_after = archive
    make_row(changed)
    assert kept() == {near.pk, far_before.pk, far_after.pk}


def test_a_correction_note_removes_its_releases_pages(archive):
    near, changed, *_ = archive
    changed.events.create(action="corrected", comment="แก้ไขวันที่")
    assert changed.pk not in kept() and near.pk in kept()


def test_officials_and_subjects_of_a_release_count_as_an_edit_of_it(archive):
    near, changed, far_before, far_after = archive
    changed.officials.add(OfficialFactory())
    assert kept() == set()


@pytest.mark.parametrize("rename", [
    lambda: OfficialFactory(),
    lambda: PositionFactory(),
    lambda: CategoryFactory(slug="new-category"),
    lambda: TopicFactory(),
    lambda: Topic.objects.first().delete() if Topic.objects.exists() else TopicFactory().delete(),
])
def test_a_name_that_may_be_on_any_page_removes_them_all(archive, rename):
    rename()
    assert kept() == set()


def test_an_official_adding_releases_from_its_side_removes_them_all(client, archive):
    near, *_ = archive
    official = OfficialFactory()
    store(client, near)
    assert kept() == {near.pk}
    official.releases.add(near)
    assert kept() == set()


def test_a_deleted_release_takes_its_page_and_its_neighbours_links(archive):
    near, changed, far_before, far_after = archive
    Release.objects.get(pk=changed.pk).delete()
    assert kept() == {far_before.pk}


def test_a_deferred_bulk_write_removes_everything_once_at_its_end(archive):
    near, changed, *_ = archive
    with caching.deferred():
        changed.title = "นำเข้าใหม่"
        changed.save()
        assert len(kept()) == 4  # not per row
    assert kept() == set()


def test_removed_again_when_the_edit_commits(archive, django_capture_on_commit_callbacks):
    near, changed, *_ = archive
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        changed.title = "แก้ไข"
        changed.save()
    StoredPage.objects.create(
        release=changed, address="http://testserver/x", language="th", version="v", release_date=changed.release_date,
        html=b"", stored_at=timezone.now(),
    )  # stored in between by a reader of the old rows
    for callback in callbacks:
        callback()
    assert changed.pk not in kept()


def test_forget_all_empties_the_store(archive):
    invalidation.forget_all()
    assert not StoredPage.objects.exists()
