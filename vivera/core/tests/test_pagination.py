from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from vivera.core.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


def test_counts_up_to_the_cap_and_says_there_are_more() -> None:
    Group.objects.bulk_create(Group(name=f"g{n}") for n in range(7))
    groups = Group.objects.order_by("name")
    capped = CappedPaginator(groups, 2, cap=5)
    assert (capped.count, capped.more, capped.num_pages) == (5, True, 3)
    assert [g.name for g in capped.get_page(3)] == ["g4"]
    whole = CappedPaginator(groups, 2, cap=7)
    assert (whole.count, whole.more, whole.num_pages) == (7, False, 4)
