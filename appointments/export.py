"""The appointments app's part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry):
the student's appointments, group sessions, waiting-list entries and the letters they sent."""

from __future__ import annotations

from django.utils import timezone

from appointments.models import Appointment, GroupParticipant, MailboxItem, WaitlistEntry
from counseling.export import csv_text, person_label, withhold


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_student(student) -> dict[str, str]:
    appointments = [
        [
            _when(a.starts_at),
            _when(a.ends_at),
            a.counselor.get_full_name(),
            a.get_channel_display(),
            a.get_status_display(),
            str(a.topic or ""),
            a.room,
            "yes" if a.is_first_visit else "",
        ]
        for a in Appointment.objects.filter(student=student).select_related("counselor", "topic").order_by("starts_at")
    ]
    groups = [
        [_when(p.session.starts_at), p.session.title, p.session.room, _when(p.joined_at)]
        for p in GroupParticipant.objects.filter(student=student).select_related("session").order_by("joined_at")
    ]
    waitlist = [
        [_when(w.created_at), w.get_time_of_day_display(), w.get_channel_display(), w.get_status_display()]
        for w in WaitlistEntry.objects.filter(student=student).order_by("created_at")
    ]
    # Letters the student wrote, anonymous ones included (they are the student's own words).
    letters = [
        [_when(m.created_at), m.get_kind_display(), m.body, m.get_status_display(), m.reply, _when(m.redacted_at)]
        for m in MailboxItem.objects.filter(sender=student).order_by("created_at")
    ]
    return {
        "appointments.csv": csv_text(
            ["starts", "ends", "counselor", "how", "status", "topic", "room", "first visit"], appointments
        ),
        "group_sessions.csv": csv_text(["starts", "title", "room", "joined"], groups),
        "waiting_list.csv": csv_text(["joined", "time of day", "how", "status"], waitlist),
        "letters.csv": csv_text(["sent", "kind", "message", "status", "reply", "text removed"], letters),
    }


def export_confidential(student) -> dict[str, str]:
    """Letters others (class teachers, committee members) wrote about the student: only with the
    head counselor's second confirmation, like the case records.

    The writer is a third party: named only as "a classmate" / "a staff member", and their name,
    number, e-mail and phone are withheld from the letter and the office's reply to them."""
    letters = list(
        MailboxItem.objects.filter(about_student=student)
        .select_related("sender__student_profile", "handled_by")
        .order_by("created_at")
    )
    writers = {m.sender for m in letters}
    keep = [student.get_full_name(), *(m.handled_by.get_full_name() for m in letters if m.handled_by)]
    rows = [
        [
            _when(m.created_at),
            person_label(m.sender, student=student),
            m.get_kind_display(),
            withhold(m.body, writers, keep=keep),
            m.get_status_display(),
            withhold(m.reply, writers, keep=keep),
        ]
        for m in letters
    ]
    return (
        {"letters_about_the_student.csv": csv_text(["sent", "from", "kind", "message", "status", "reply"], rows)}
        if rows
        else {}
    )
