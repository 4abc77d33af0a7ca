"""Version history: the manager class is built once, and history still works through it."""

import pytest

from releases.models import Official, Release, ReleaseImage

from .factories import OfficialFactory, ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Release, Official, ReleaseImage])
def test_the_history_manager_class_is_built_once(model):
    # simple_history's own descriptor makes a new class on every access (~0.5 ms each save).
    assert type(model.history) is type(model.history)


def test_each_save_records_a_version_of_that_release_only():
    release = ReleaseFactory(title="ฉบับแรก")
    other = ReleaseFactory()
    release.title = "ฉบับแก้ไข"
    release.save()

    versions = list(release.history.values_list("title", "history_type"))
    assert versions == [("ฉบับแก้ไข", "~"), ("ฉบับแรก", "+")]
    assert other.history.count() == 1
    assert Release.history.count() == 3
    assert release.history.first().instance == release


def test_an_officials_history_records_changes():
    official = OfficialFactory(name_th="สมชาย ใจดี")
    official.name_th = "สมชาย ใจงาม"
    official.save()
    assert [row.name_th for row in official.history.all()] == ["สมชาย ใจงาม", "สมชาย ใจดี"]
