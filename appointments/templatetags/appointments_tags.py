"""Small display helpers for appointment templates."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from appointments.enums import AppointmentStatus
from counseling.templatetags.counseling_tags import client_kind_badge

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


# Before its time an appointment that is on is simply "upcoming": no outcome can be known yet, and
# a red "no-show" (or a mark recorded too early) would read as a fact about the student.
NOT_YET = (AppointmentStatus.CONFIRMED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


@register.simple_tag
def status_badge(appointment) -> str:
    """The status as a coloured badge (a tag, not a template: it is drawn once per row of the agenda)."""
    if appointment.status in NOT_YET and not appointment.has_started:
        return format_html(
            '<span class="badge text-bg-light border" data-testid="status">{}</span>',
            pgettext("appointment status", "Upcoming"),
        )
    return format_html(
        '<span class="badge {}" data-testid="status">{}</span>',
        status_class(appointment.status),
        appointment.get_status_display(),
    )


@register.simple_tag
def risk_badge(topic=None) -> str:
    """The "needs attention" badge (with the topic when given) of an appointment whose topic signals risk.

    Said in words and marked with a sign, not only in red. For staff pages only: a student never
    sees it.
    """
    text = _("Needs attention") if topic is None else _("Needs attention: %(topic)s") % {"topic": topic}
    return format_html(
        '<span class="badge text-bg-danger badge-risk" data-testid="risk-topic"><span aria-hidden="true">⚠ </span>{}</span>',
        text,
    )


# Who comes, when it is not a student (the ground's tag, offered with the appointment tags).
register.simple_tag(client_kind_badge)
