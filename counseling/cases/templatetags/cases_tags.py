"""Small display helpers for case templates."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

RISK_CLASSES = {"imminent": "text-bg-danger", "high": "text-bg-warning", "medium": "text-bg-info"}


@register.simple_tag
def risk_badge(level: str, label: str) -> str:
    """The risk level as a coloured badge (a tag, not an include: the case list draws one per row)."""
    return format_html(
        '<span class="badge {}" data-testid="risk">{}: {}</span>',
        RISK_CLASSES.get(level, "text-bg-secondary"),
        _("Risk"),
        label,
    )
