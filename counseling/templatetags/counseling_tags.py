from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """``{{ mapping|get_item:key }}``: a dictionary lookup with a key from a variable."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
