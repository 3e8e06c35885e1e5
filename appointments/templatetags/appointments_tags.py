"""Small display helpers for appointment templates."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from appointments.enums import AppointmentStatus

register = template.Library()

STATUS_CLASSES = {
    AppointmentStatus.REQUESTED: "text-bg-warning",
    AppointmentStatus.CONFIRMED: "text-bg-success",
    AppointmentStatus.DECLINED: "text-bg-secondary",
    AppointmentStatus.CANCELLED: "text-bg-secondary",
    AppointmentStatus.ATTENDED: "text-bg-primary",
    AppointmentStatus.NO_SHOW: "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    """The Bootstrap badge class for an appointment status."""
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.simple_tag
def status_badge(appointment) -> str:
    """The status as a coloured badge (a tag, not a template: it is drawn once per row of the agenda)."""
    return format_html(
        '<span class="badge {}" data-testid="status">{}</span>',
        status_class(appointment.status),
        appointment.get_status_display(),
    )
