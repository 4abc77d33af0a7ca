"""Paginators for release lists: search results counted up to a cap; deep pages without reading every skipped row."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

from . import fragments


class CappedPaginator(Paginator):
    """Counts at most cap + 1 rows (`SELECT count(*) FROM (… LIMIT cap + 1)`, no ordering);
    `capped` tells the template there are more, and pages stop at the cap.

    When the rows carry a `search_total` annotation (bounded search: the size of the ranked
    set), `page()` reads the count from the page's own rows: one query instead of two."""

    def __init__(self, object_list, per_page, cap, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        return self._capped(self.object_list.order_by().values("pk")[: self.cap + 1].count())

    def _capped(self, found):
        self.capped = found > self.cap
        return min(found, self.cap)

    def page(self, number):
        if "count" in self.__dict__ or "search_total" not in self.object_list.query.annotations:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : min(bottom + self.per_page, self.cap)]) if bottom < self.cap else []
        if rows:
            self.__dict__["count"] = self._capped(rows[0].search_total)
        elif number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.__dict__["count"] = 0
        return self._get_page(rows, number, self)


class LateRowPaginator(Paginator):
    """A page's rows found by their ids first: `WHERE id IN (SELECT id … ORDER BY … LIMIT n
    OFFSET m)`, still one query. The ids come from the public newest-first index alone
    (`release_published_newest_idx`, partial on published releases), so page 500 no longer
    fetches the 10,000 rows before it just to check their status (docs/performance.md).

    With `fragment` (what the list depends on besides the content generation: its address, filters
    and the reader's language) the count and each page's ids are kept as fragments
    (releases/fragments.py): the language-aware count was most of an uncached list page's time.
    The page's rows are still read through the list's own queryset, so a stale id can never show
    a release that is not public."""

    def __init__(self, object_list, per_page, fragment=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.fragment = fragment

    @cached_property
    def count(self):
        if self.fragment is None:
            return Paginator.count.func(self)
        return fragments.cached("list-count", self.fragment, lambda: Paginator.count.func(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list.filter(pk__in=self.object_list.values("pk")[bottom:top])
        if self.fragment is None:
            return self._get_page(rows, number, self)
        read = []

        def page_ids():  # a miss reads the rows in the same one query and keeps their ids
            read.extend(rows)
            return [row.pk for row in read]

        ids = fragments.cached("list-ids", (*self.fragment, number), page_ids)
        return self._get_page(read or self.object_list.filter(pk__in=ids), number, self)
