"""Related releases: the ORM query and its prepared twin give the same links (releases/taxonomy/related.py)."""

import datetime

import pytest

from releases.models import Release
from releases.taxonomy import related
from releases.taxonomy.related import related_links, related_to, subjects_of

from ..factories import CategoryFactory, CountryFactory, OfficialFactory, ReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db
FIELDS = ("pk", "title", "slug", "language", "release_date")


@pytest.fixture
def archive():
    """Releases over a year sharing officials, countries and topics in varied amounts, two categories."""
    officials = [OfficialFactory() for _ in range(3)]
    countries = [CountryFactory(code=code, name_th=name) for code, name in (("JP", "ญี่ปุ่น"), ("KH", "กัมพูชา"))]
    topics = [TopicFactory() for _ in range(2)]
    categories = [CategoryFactory(), CategoryFactory(slug="statement", name_th="แถลงการณ์", name_en="Statement")]
    releases = []
    for n in range(24):
        release = ReleaseFactory(release_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=17 * n), category=categories[n % 2])
        release.officials.add(*officials[: n % 4])
        release.countries.add(*countries[: n % 3])
        release.topics.add(*topics[: n % 2 + (n % 5 == 0)])
        releases.append(release)
    ReleaseFactory(release_date=datetime.date(2024, 6, 1), category=categories[0], draft=True).officials.add(*officials)
    return releases


def as_links(found):
    return [{field: getattr(item, field) for field in FIELDS} for item in found]


def test_prepared_links_equal_the_orms_for_every_shape(archive):
    for release in archive:
        release = Release.objects.prefetch_related("officials").get(pk=release.pk)
        countries, topics = subjects_of(release)
        expected = as_links(related_to(release, Release.objects.only(*FIELDS), countries, topics))
        assert related_links(release, countries, topics, fields=FIELDS) == expected, release.pk
        assert expected  # every release here has something related
    # Shapes: officials 0-3 x countries 0-2 x topics 0-2 shared, and the category fills of 0-3 kept.
    assert 4 < len(related._PREPARED) <= 4 * 3 * 3 + 4


def test_compiled_once_per_shape(archive, django_assert_num_queries):
    related._PREPARED.clear()
    by_shape = {}
    for release in archive:
        release = Release.objects.prefetch_related("officials").get(pk=release.pk)
        by_shape.setdefault(tuple(len(ids) for ids in related._shares(release, *subjects_of(release))), []).append(release)
    first, second = next(group for shape, group in by_shape.items() if len(group) > 1 and any(shape))[:2]
    related_links(first, *subjects_of(first))
    shapes = dict(related._PREPARED)
    related_links(second, *subjects_of(second))
    assert related._PREPARED == shapes  # nothing new compiled


def test_drafts_and_the_release_itself_are_never_related(archive):
    for release in archive[8:12]:
        release = Release.objects.prefetch_related("officials").get(pk=release.pk)
        pks = [link["pk"] for link in related_links(release, *subjects_of(release))]
        assert release.pk not in pks
        assert set(pks) <= set(Release.objects.published().values_list("pk", flat=True))
