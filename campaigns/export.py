"""The campaigns app's part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry): the
events the student registered for. Contest entries and reports belong to classes, not students."""

from __future__ import annotations

from django.utils import timezone

from campaigns.models import FamilyRegistration, Registration
from counseling.export import csv_text


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_student(student) -> dict[str, str]:
    rows = [
        [r.event.campaign.title, r.event.title, _when(r.event.starts_at), _when(r.created_at)]
        for r in Registration.objects.filter(student=student).select_related("event__campaign").order_by("created_at")
    ]
    family = [
        [r.event.campaign.title, r.event.title, _when(r.event.starts_at), _when(r.created_at), _when(r.attended_at)]
        for r in FamilyRegistration.objects.filter(student=student)
        .select_related("event__campaign")
        .order_by("created_at", "pk")
    ]
    return {
        "event_registrations.csv": csv_text(["campaign", "event", "starts", "registered"], rows),
        "family_event_registrations.csv": csv_text(["campaign", "event", "starts", "registered", "attended"], family),
    }
