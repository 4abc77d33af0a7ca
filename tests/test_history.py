"""Version history: the manager class is built once, and history still works through it."""

import pytest

from releases.models import Country, Official, Release, ReleaseImage

from .factories import CountryFactory, OfficialFactory, ReleaseFactory, TopicFactory

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


def countries_of(version):
    return sorted(row.country.code for row in version.countries.all())


def test_adding_countries_to_a_stored_release_is_a_version_of_its_own():
    release = ReleaseFactory()
    fresh = Release.objects.get(pk=release.pk)
    fresh.countries.add(CountryFactory(code="MM"), CountryFactory(code="KH", name_th="กัมพูชา", name_en="Cambodia"))
    latest, first = release.history.all()
    assert (latest.history_type, countries_of(latest), countries_of(first)) == ("~", ["KH", "MM"], [])


def test_removing_a_topic_is_recorded_with_the_topic_gone():
    release = ReleaseFactory()
    topic = TopicFactory()
    release.topics.add(topic)
    Release.objects.get(pk=release.pk).topics.remove(topic)
    assert [list(version.topics.values_list("topic_id", flat=True)) for version in release.history.all()] == [[], [topic.pk]]


def test_a_change_right_after_a_save_amends_that_saves_version():
    # The admin saves the row and then its relations; the importer saves and then applies suggestions.
    release = ReleaseFactory.build(category=ReleaseFactory().category)
    release.save()
    release.countries.add(CountryFactory())
    release.topics.set([TopicFactory()])
    (version,) = release.history.all()
    assert version.history_type == "+" and countries_of(version) == ["MM"] and version.topics.count() == 1


def test_a_change_from_the_countrys_side_is_recorded_on_the_release():
    release = ReleaseFactory()
    CountryFactory().releases.add(Release.objects.get(pk=release.pk))
    assert countries_of(release.history.first()) == ["MM"] and release.history.count() == 2


def test_versions_compare_their_countries():
    release = ReleaseFactory()
    Release.objects.get(pk=release.pk).countries.add(CountryFactory())
    new, old = release.history.all()
    (change,) = new.diff_against(old).changes
    assert change.field == "countries" and [row["country"] for row in change.new] == [Country.objects.get().pk] and change.old == []
