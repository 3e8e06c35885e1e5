"""Lines for a person's daily digest: today's appointments and the mailbox. Names and times only."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appointments.enums import OPEN_STATUSES
from appointments.models import Appointment, MailboxItem
from appointments.reporting import summary
from appointments.services.mailbox import duty_counselor
from appointments.services.slots import day_bounds


def _time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def items_for(user, day: datetime.date) -> list[str]:
    lines: list[str] = []
    lo, hi = day_bounds(day, day)
    today = Appointment.objects.filter(starts_at__gte=lo, starts_at__lt=hi, status__in=OPEN_STATUSES).order_by(
        "starts_at"
    )
    if user.has_perm("appointments.view_agenda"):
        for appointment in today.filter(counselor=user).select_related("student"):
            lines.append(
                _("%(time)s appointment with %(student)s (%(channel)s)")
                % {
                    "time": _time(appointment.starts_at),
                    "student": appointment.student,
                    "channel": appointment.get_channel_display(),
                }
            )
    elif user.has_perm("appointments.book"):
        for appointment in today.filter(student=user).select_related("counselor"):
            lines.append(
                _("%(time)s counseling appointment with %(counselor)s")
                % {"time": _time(appointment.starts_at), "counselor": appointment.counselor}
            )
    if user.has_perm("appointments.work_mailbox"):
        waiting = MailboxItem.objects.unhandled().aggregate(count=Count("id"), oldest=Min("created_at"))
        if waiting["count"]:
            lines.append(
                ngettext(
                    "%(count)d mailbox item waiting, the oldest from %(when)s",
                    "%(count)d mailbox items waiting, the oldest from %(when)s",
                    waiting["count"],
                )
                % {"count": waiting["count"], "when": timezone.localtime(waiting["oldest"]).strftime("%Y-%m-%d %H:%M")}
            )
        duty = duty_counselor(day)
        if duty is not None and duty.pk == user.pk:
            lines.append(_("You are on mailbox duty today."))
    return lines


def week_numbers(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Counts for the head counselor's weekly note (aggregates only)."""
    numbers = summary(start, end)
    return {
        _("Sessions held"): numbers["sessions"],
        _("Students served"): numbers["unique_students"],
        _("No-shows"): numbers["no_shows"],
        _("Mailbox items received"): numbers["mailbox_items"],
    }
