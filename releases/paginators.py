"""Paginators for release lists: search results counted up to a cap; deep pages without reading every skipped row."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property


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
    fetches the 10,000 rows before it just to check their status (docs/performance.md)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)
