"""releases/paginators.py: CappedPaginator counts at most cap + 1 rows; LateRowPaginator finds a page by its ids."""

import pytest
from django.core.paginator import EmptyPage, Paginator

from releases import search
from releases.models import Release
from releases.paginators import CappedPaginator, LateRowPaginator
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


@pytest.fixture
def fishery():
    return ReleaseFactory.create_batch(4, title="ข่าวประจำวัน", body="หารือเรื่อง ประมง และการค้า")


def test_search_page_reads_its_count_from_its_rows(fishery, monkeypatch, django_assert_num_queries):
    """Bounded search rows carry search_total: the first page costs one query, count included."""
    monkeypatch.setattr(search, "RANK_CANDIDATES", 2)
    paginator = CappedPaginator(search.search_releases(Release.objects.all(), "ประมง"), 1, cap=2)
    with django_assert_num_queries(1):
        page = paginator.page(1)
        assert (paginator.count, paginator.capped, paginator.num_pages) == (2, True, 2)
    assert len(page.object_list) == 1
    with pytest.raises(EmptyPage):
        CappedPaginator(search.search_releases(Release.objects.all(), "ประมง"), 1, cap=2).page(3)


def test_search_page_under_the_cap_is_exact(fishery):
    paginator = CappedPaginator(search.search_releases(Release.objects.all(), "ประมง"), 20, cap=10)
    assert len(paginator.page(1).object_list) == 4
    assert (paginator.count, paginator.capped) == (4, False)


@pytest.mark.parametrize("orphans", [0, 2])
def test_late_row_pages_hold_what_slicing_would(orphans, django_assert_num_queries):
    ReleaseFactory.create_batch(11)
    public = Release.objects.published().newest_first()
    plain = Paginator(public, 4, orphans=orphans)
    late = LateRowPaginator(public, 4, orphans=orphans)
    assert late.num_pages == plain.num_pages
    for number in plain.page_range:
        with django_assert_num_queries(1) as captured:  # the count is known already: one query a page
            rows = list(late.page(number).object_list)
        assert rows == list(plain.page(number).object_list)
        sql = captured.captured_queries[0]["sql"]
        # The page's ids in a subquery with the offset; the rows fetched by id.
        assert "IN (SELECT" in sql and "LIMIT" in sql
    with pytest.raises(EmptyPage):
        late.page(plain.num_pages + 1)


def test_public_lists_use_the_late_row_paginator(client):
    from django.urls import reverse

    ReleaseFactory.create_batch(3)
    response = client.get(reverse("releases:list"), {"page": 1})
    assert isinstance(response.context["paginator"], LateRowPaginator)
