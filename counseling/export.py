"""The counseling core's part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry):
the directory profile and the notifications sent to the student."""

from __future__ import annotations

import csv
import io
import json

from django.utils import timezone

from counseling.models import User


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run text starting with these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_text(header: list[str], rows: list[list]) -> str:
    """A CSV file as text, safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    # A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    return "\ufeff" + buffer.getvalue()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_student(student: User) -> dict[str, str]:
    profile = student.student_profile
    school_class = profile.school_class
    data = {
        "name": student.get_full_name(),
        "username": student.get_username(),
        "email": student.email,
        "phone": student.phone,
        "student_number": profile.student_number,
        "grade": school_class.grade.name,
        "class": school_class.number,
        "year_of_entry": school_class.entry_year,
        "gender": profile.get_gender_display(),
        "date_of_birth": profile.date_of_birth.isoformat(),
        "guardian_name": profile.guardian_name,
        "guardian_phone": profile.guardian_phone,
        "psychology_committee_member": profile.is_committee_member,
        "graduated_or_left": profile.is_archived,
        "account_active": student.is_active,
        "account_created": _local(student.date_joined),
        "last_sign_in": _local(student.last_login),
    }
    notifications = [
        [_local(note.created_at), note.title, note.body, _local(note.read_at)]
        for note in student.notifications.order_by("created_at", "id")
    ]
    return {
        "profile.json": json.dumps(data, ensure_ascii=False, indent=2, default=str),
        "notifications.csv": csv_text(["time", "title", "message", "read"], notifications),
    }
