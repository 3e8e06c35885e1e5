"""The school-year app's part of a student's data export: the guardian's consent history."""

from __future__ import annotations

from django.utils import timezone

from counseling.export import csv_text
from counseling.models import User
from counseling.models.consent import ConsentRecord


def export_student(student: User) -> dict[str, str]:
    rows = [
        [
            record.get_purpose_display(),
            record.get_state_display(),
            record.dated.isoformat(),
            record.get_method_display(),
            record.reference,
            record.recorded_by.get_full_name() if record.recorded_by else "",
            timezone.localtime(record.recorded_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for record in ConsentRecord.objects.filter(student=student)
        .select_related("recorded_by")
        .order_by("dated", "recorded_at", "id")
    ]
    return {"consent.csv": csv_text(["purpose", "state", "date", "how", "reference", "recorded by", "recorded"], rows)}
