"""LegacyURL: stored normalised, one target, the import's record(); the answering lookup."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from releases.redirects.models import LegacyURL
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


def test_record_stores_the_normalised_form_and_the_last_one_wins():
    first, second = ReleaseFactory(), ReleaseFactory()
    LegacyURL.objects.record("https://www.mfa.go.th/TH/content/x/?cate=1", first)
    LegacyURL.objects.record("/th/content/x", second)
    assert list(LegacyURL.objects.values_list("path", "release")) == [("/th/content/x", second.pk)]


@pytest.mark.parametrize("url", ["https://www.mfa.go.th/", "/th/content/" + "ก" * 600])
def test_record_refuses_unusable_addresses(url):
    with pytest.raises(ValidationError):
        LegacyURL.objects.record(url, ReleaseFactory())


def test_the_full_form_wins_over_the_path_alone():
    by_query, by_path = ReleaseFactory(), ReleaseFactory()
    LegacyURL.objects.record("/main/index.php?id=1", by_query)
    LegacyURL.objects.record("/main/index.php", by_path)
    assert LegacyURL.objects.answering("/main/index.php?id=1").release == by_query
    assert LegacyURL.objects.answering("/main/index.php?id=2").release == by_path


@pytest.mark.parametrize("values", [{"target_url": ""}, {"target_url": "/x", "with_release": True}])
def test_exactly_one_target_is_enforced_by_the_database(values):
    release = ReleaseFactory() if values.pop("with_release", False) else None
    with pytest.raises(IntegrityError):
        LegacyURL.objects.create(path="/th/content/x", release=release, **values)


@pytest.mark.parametrize("values, field", [
    ({"path": "/", "target_url": "/x"}, "path"),
    ({"path": "/a", "target_url": "https://elsewhere.example/"}, "target_url"),
    ({"path": "/a", "target_url": ""}, "__all__"),
    ({"path": "/a", "target_url": "//elsewhere.example/"}, "target_url"),
    ({"path": "/a", "target_url": "/\\elsewhere.example/"}, "target_url"),
])
def test_clean(values, field):
    with pytest.raises(ValidationError) as caught:
        LegacyURL(**values).full_clean()
    assert field in caught.value.message_dict
