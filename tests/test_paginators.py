"""CappedPaginator (releases/paginators.py): counts at most cap + 1 rows."""

import pytest

from releases.models import Release
from releases.paginators import CappedPaginator
from tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five():
    return ReleaseFactory.create_batch(5)


def test_count_stops_at_the_cap_and_says_so(five, django_assert_num_queries):
    paginator = CappedPaginator(Release.objects.order_by("pk"), 2, cap=3)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 3
    assert paginator.capped
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]
    assert paginator.num_pages == 2
    assert len(paginator.page(2).object_list) == 1


def test_count_is_exact_under_the_cap(five):
    paginator = CappedPaginator(Release.objects.order_by("pk"), 2, cap=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)
