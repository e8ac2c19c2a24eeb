"""Pages of a long list whose full count would cost more than the page itself."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most `cap` results: a search that finds a quarter of 100,000 listings shows its
    first page without counting them all. `more` says there are more than `cap`; the pages stop
    at the cap (refining the search finds the rest)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, cap: int = 1000) -> None:
        super().__init__(object_list, per_page)
        self.queryset, self.cap = object_list, cap

    @cached_property
    def _counted(self) -> int:
        # Without the order: the database may stop at the cap in whatever order is cheapest.
        return self.queryset.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def more(self) -> bool:
        return self._counted > self.cap
