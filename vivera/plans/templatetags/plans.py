"""Small filters for the overview's templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def index(items: Sequence[Any], position: int) -> Any:
    return items[position]
