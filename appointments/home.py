"""Home-page panels of the appointments app (see counseling.hooks). Few queries: they run on every home view."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, MailboxItem, WaitlistOffer
from appointments.services.mailbox import OVERDUE_AFTER, duty_counselor
from appointments.services.slots import day_bounds
from counseling.hooks import Panel


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result: list[Panel] = []
    if user.has_perm("appointments.book"):
        upcoming = list(
            Appointment.objects.visible_to(user).upcoming().select_related("counselor").order_by("starts_at")[:3]
        )
        offer = WaitlistOffer.objects.live().filter(entry__student=user).select_related("counselor").first()
        result.append(Panel("appointments/panels/student.html", {"upcoming": upcoming, "offer": offer}, order=20))
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
