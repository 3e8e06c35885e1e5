from __future__ import annotations

from django import template
from django.utils.html import format_html

from counseling.enums import ClientKind

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """``{{ mapping|get_item:key }}``: a dictionary lookup with a key from a variable."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.simple_tag
def client_kind_badge(kind: str) -> str:
    """A badge saying that a teacher or a guardian is the client (nothing for a student, the usual
    one), so the counselor knows who comes: on the agenda, a request, an appointment, a letter, a case."""
    if not kind or kind == ClientKind.STUDENT:
        return ""
    return format_html(
        '<span class="badge text-bg-secondary" data-testid="client-kind">{}</span>', ClientKind(kind).label
    )
