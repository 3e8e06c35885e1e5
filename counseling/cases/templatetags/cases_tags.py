"""Small display helpers for case templates."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from counseling.cases.enums import RiskLevel

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


SEVERITY_CLASSES = {"crisis": "text-bg-danger", "urgent": "text-bg-warning", "watch": "text-bg-info"}


@register.simple_tag
def severity_badge(severity: str, label: str) -> str:
    """A risk signal's severity as a coloured badge (the triage list draws one per signal)."""
    return format_html(
        '<span class="badge {}" data-testid="severity">{}</span>',
        SEVERITY_CLASSES.get(severity, "text-bg-secondary"),
        label,
    )


@register.filter
def risk_label(level: str) -> str:
    """The translated label of a risk level given by its value."""
    return RiskLevel(level).label if level in RiskLevel.values else level
