"""Home-page panels of the appointments app (see counseling.hooks). Few queries: they run on every home view."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, MailboxItem, WaitlistOffer
from appointments.services.mailbox import OVERDUE_AFTER, duty_counselor
from appointments.services.slots import day_bounds
from appointments.templatetags.appointments_tags import status_badge
from counseling import prepared
from counseling.hooks import Panel
from counseling.rows import Address

# What the student's panel shows of a counselor: their name, else their username (as User.__str__).
COUNSELOR_NAME = ("counselor__name", "counselor__username")


def _student_panel(user) -> Panel:
    """The client's next three appointments and a live waitlist offer (two narrow queries).

    Each row's link, day, time and badge are worked out here rather than in the template: the
    panel is on every student's home page. Rows are read as values, not as appointments.
    """
    now = timezone.now()
    upcoming = prepared.rows(
        "appointments.home.upcoming",
        lambda user, now: Appointment.objects.visible_to(user)
        .upcoming(now)
        .order_by("starts_at")
        .values_list("pk", "starts_at", "status", *COUNSELOR_NAME)[:3],
        shape=(Appointment.objects.scope_of(user),),
        user=user,
        now=now,
    )
    offers = prepared.rows(
        "appointments.home.offer",
        lambda user, now: WaitlistOffer.objects.live(now)
        .filter(entry__student=user)
        .order_by("created_at", "id")
        .values_list("starts_at", "expires_at", *COUNSELOR_NAME)[:1],
        user=user,
        now=now,
    )
    offer = None
    if offers:
        starts_at, expires_at, name, username = offers[0]
        offer = {"starts_at": starts_at, "expires_at": expires_at, "counselor": name or username}
    rows = []
    detail_url = Address("appointments:detail")  # one reverse() for the rows
    for pk, starts_at, status, name, username in upcoming:
        local = timezone.localtime(starts_at)
        rows.append(
            {
                "url": detail_url(pk),
                "day": date_format(local, "l"),
                "when": date_format(local, "SHORT_DATETIME_FORMAT"),
                "counselor": name or username,
                "badge": status_badge(Appointment(starts_at=starts_at, status=status)),
            }
        )
    context = {"upcoming": rows, "offer": offer, "mine_url": reverse("appointments:mine")}
    if not user.is_student:
        # A teacher or a guardian: the same rows, said to an adult, with the way to write to the office.
        return Panel("appointments/panels/consultation.html", context, order=20)
    return Panel("appointments/panels/student.html", context, order=20)


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result: list[Panel] = []
    if user.has_perm("appointments.book"):
        result.append(_student_panel(user))
    if user.has_perm("appointments.view_agenda"):
        lo, hi = day_bounds(timezone.localdate(), timezone.localdate())
        today = list(
            Appointment.objects.filter(counselor=user, starts_at__gte=lo, starts_at__lt=hi)
            .exclude(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.DECLINED])
            .select_related("student")
            .order_by("starts_at")
        )
        requests = Appointment.objects.visible_to(user).upcoming().filter(status=AppointmentStatus.REQUESTED).count()
        context = {"today": today, "requests": requests}
        if user.has_perm("appointments.work_mailbox"):
            context["mailbox"] = MailboxItem.objects.unhandled().aggregate(
                waiting=Count("id"), overdue=Count("id", filter=Q(created_at__lt=timezone.now() - OVERDUE_AFTER))
            )
            context["duty"] = duty_counselor(timezone.localdate())
        result.append(Panel("appointments/panels/counselor.html", context, order=20))
    return result
