"""Small display helpers for appointment templates."""

from __future__ import annotations

from django import template

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


@register.inclusion_tag("appointments/partials/status.html")
def status_badge(appointment) -> dict:
    return {"status": appointment.status, "label": appointment.get_status_display()}
