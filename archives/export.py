"""The archives' part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry): the
screening results and answers, the focus list, the warnings and the home visits (when, how, whom
the teacher met, the topics). The notes counselors and class teachers wrote about the student go
in only with the case records (``export_confidential``)."""

from __future__ import annotations

import json

from django.utils import timezone

from archives.models import ClassLogEntry, FocusEntry, HomeVisit, Result, ScreeningWarning, Submission
from counseling.export import csv_text, person_label, withhold


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_student(student) -> dict[str, str]:
    results = [
        [_when(r.submitted_at), r.screening.title, r.instrument.name, "" if r.total is None else r.total, r.band_label]
        for r in Result.objects.filter(student=student)
        .select_related("screening", "instrument")
        .order_by("submitted_at", "id")
    ]
    answers = [
        {
            "screening": s.screening.title,
            "submitted": _when(s.submitted_at),
            "source": s.get_source_display(),
            "answers": s.answer_data(),
            "answers_removed": _when(s.redacted_at),
        }
        for s in Submission.objects.filter(student=student).select_related("screening").order_by("submitted_at", "id")
    ]
    focus = [
        [f.get_level_display(), str(f.category), f.teacher_request, _when(f.started_at), _when(f.ended_at)]
        for f in FocusEntry.objects.filter(student=student).select_related("category").order_by("started_at", "id")
    ]
    warnings = [
        [_when(w.created_at), w.screening.title, w.get_status_display(), _when(w.handled_at)]
        for w in ScreeningWarning.objects.filter(student=student)
        .select_related("screening")
        .order_by("created_at", "id")
    ]
    home_visits = [
        [
            f"{v.planned_for:%Y-%m-%d}",
            f"{v.visited_on:%Y-%m-%d}" if v.visited_on else "",
            v.get_channel_display(),
            v.met_label() if v.visited_on else "",
            ", ".join(v.topic_labels()),
        ]
        for v in HomeVisit.objects.filter(student=student).order_by("planned_for", "id")
    ]
    return {
        "home_visits.csv": csv_text(["planned for", "visited on", "how", "who was met", "topics"], home_visits),
        "screening_results.csv": csv_text(["submitted", "screening", "instrument", "total", "band"], results),
        "screening_answers.json": json.dumps(answers, ensure_ascii=False, indent=2),
        "focus_list.csv": csv_text(["level", "reason", "asked of the class teacher", "added", "removed"], focus),
        "warnings.csv": csv_text(["raised", "screening", "status", "handled"], warnings),
    }


def export_confidential(student) -> dict[str, str]:
    """Staff notes about the student: only with the second confirmation, like the case records."""
    lines = []
    for entry in FocusEntry.objects.filter(student=student).prefetch_related("reviews").order_by("started_at", "id"):
        if entry.note:
            lines.append(f"[focus list {_when(entry.started_at)}] {entry.note}")
        lines.extend(f"[focus review {_when(r.reviewed_at)}] {r.note}" for r in entry.reviews.all() if r.note)
    for warning in ScreeningWarning.objects.filter(student=student).order_by("created_at", "id"):
        if warning.note:
            lines.append(f"[warning {_when(warning.created_at)}] {warning.note}")
    logs = list(
        ClassLogEntry.objects.filter(student=student).select_related("teacher__student_profile").order_by("date", "id")
    )
    # A teacher who wrote about the student (and may have raised a concern from it) is a third
    # party: named only as "a staff member", and withheld from the words they wrote.
    teachers = {log.teacher for log in logs}
    for log in logs:
        concern = ", marked as a concern" if log.is_concern else ""
        who = person_label(log.teacher, student=student)
        lines.append(f"[staff log {log.date:%Y-%m-%d}, {who}{concern}] {log.text}")
    visits = list(
        HomeVisit.objects.filter(student=student, visited_on__isnull=False)
        .select_related("visited_by__student_profile")
        .order_by("visited_on", "id")
    )
    for visit in visits:
        if visit.note:
            who = person_label(visit.visited_by, student=student) if visit.visited_by else "a staff member"
            lines.append(f"[home visit {visit.visited_on:%Y-%m-%d}, {who}] {visit.note}")
    teachers |= {visit.visited_by for visit in visits if visit.visited_by}
    text = withhold("\n".join(lines), teachers, keep=[student.get_full_name()])
    return {"staff_notes.txt": text + "\n"} if lines else {}
