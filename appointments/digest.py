"""Lines for a person's daily digest: today's appointments and the mailbox. Names and times only.

Lines are messages (counseling.services.messages), shown in the reader's language."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
from django.utils.translation import gettext_lazy, gettext_noop

from appointments.enums import OPEN_STATUSES
from appointments.models import Appointment, MailboxItem
from appointments.reporting import summary
from appointments.services.mailbox import duty_counselor
from appointments.services.slots import day_bounds
from counseling.enums import Channel
from counseling.services.messages import Formatted, Msg, choice_label


def _time(moment: datetime.datetime) -> Formatted:
    return Formatted(moment, "TIME_FORMAT")


def items_for(user, day: datetime.date) -> list[Msg]:
    lines: list[Msg] = []
    lo, hi = day_bounds(day, day)
    today = Appointment.objects.filter(starts_at__gte=lo, starts_at__lt=hi, status__in=OPEN_STATUSES).order_by(
        "starts_at"
    )
    if user.has_perm("appointments.view_agenda"):
        for appointment in today.filter(counselor=user).select_related("student"):
            lines.append(
                Msg(
                    gettext_noop("%(time)s appointment with %(student)s (%(channel)s)"),
                    time=_time(appointment.starts_at),
                    student=appointment.student,
                    channel=choice_label(Channel, appointment.channel),
                )
            )
    elif user.has_perm("appointments.book"):
        for appointment in today.filter(student=user).select_related("counselor"):
            lines.append(
                Msg(
                    gettext_noop("%(time)s counseling appointment with %(counselor)s"),
                    time=_time(appointment.starts_at),
                    counselor=appointment.counselor,
                )
            )
    if user.has_perm("appointments.work_mailbox"):
        waiting = MailboxItem.objects.unhandled().aggregate(count=Count("id"), oldest=Min("created_at"))
        if waiting["count"]:
            lines.append(
                Msg.ngettext(
                    "%(count)d mailbox item waiting, the oldest from %(when)s",
                    "%(count)d mailbox items waiting, the oldest from %(when)s",
                    count=waiting["count"],
                    when=waiting["oldest"],
                )
            )
        duty = duty_counselor(day)
        if duty is not None and duty.pk == user.pk:
            lines.append(Msg(gettext_noop("You are on mailbox duty today.")))
    return lines


def week_numbers(start: datetime.date, end: datetime.date) -> dict:
    """Counts for the head counselor's weekly note (aggregates only), by lazy label."""
    numbers = summary(start, end)
    return {
        gettext_lazy("Sessions held"): numbers["sessions"],
        gettext_lazy("Students served"): numbers["unique_students"],
        gettext_lazy("No-shows"): numbers["no_shows"],
        gettext_lazy("Mailbox items received"): numbers["mailbox_items"],
    }
