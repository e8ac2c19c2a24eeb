from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def heading(level: int, text: str) -> str:
    """<h2>…<h6>: a part's heading one level below the part it belongs to."""
    level = min(max(int(level), 1), 6)
    return format_html("<h{}>{}</h{}>", level, text, level)
