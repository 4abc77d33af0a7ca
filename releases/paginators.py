"""A paginator that counts at most `cap` rows: search results say "more than N" instead of counting every match."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most cap + 1 rows (no ordering, no annotations: `SELECT count(*) FROM (… LIMIT
    cap + 1)`); `capped` tells the template there are more, and pages stop at the cap."""

    def __init__(self, object_list, per_page, cap, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        found = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)
