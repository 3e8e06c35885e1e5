"""A school-sized dataset for the performance suite: 3,000 students and a school year of records.

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=... python -m benchmarks.dataset [--counts]

The demo school of ``seed_demo`` at five times its size (six grades of 20 classes of 25, so
3,000 students and 120 class teachers) with every app's demo data, then a year of work added in
bulk: about 16 appointments a school day over the last 365 days and the next two weeks, and a
case for about one student in ten with a signed session note for their attended visits. The
screenings (about half of the lower grades answered), warnings and campaigns are the apps' own
demo data at the bigger size. Deterministic (seeded); run it on an empty,
migrated database. ``--counts`` prints what the database holds.
"""

from __future__ import annotations

import datetime
import os
import random
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

STUDENTS_PER_CLASS = 25
CLASSES_PER_GRADE = 20  # 6 grades x 20 classes x 25 = 3,000 students
DAYS_BACK = 365
DAYS_AHEAD = 14
SLOTS_PER_DAY = 16  # 8:00 to 16:00 every 30 min, spread over the four counselors
BATCH = 2000


def school_days(today: datetime.date) -> list[datetime.date]:
    days = [today + datetime.timedelta(days=offset) for offset in range(-DAYS_BACK, DAYS_AHEAD + 1)]
    return [day for day in days if day.weekday() < 5]


def seed_school() -> None:
    """seed_demo with the bigger school: every app's demo data comes along."""
    from django.core.management import call_command

    from counseling import demo

    demo.CLASSES_PER_GRADE = CLASSES_PER_GRADE
    demo.STUDENTS_PER_CLASS = STUDENTS_PER_CLASS
    call_command("seed_demo", force=True)


def add_appointments(rng: random.Random) -> int:
    """A year of one-to-one appointments, none overlapping for a counselor or a student."""
    from django.utils import timezone

    from appointments.enums import AppointmentSource, AppointmentStatus
    from appointments.models import Appointment
    from counseling.enums import Channel, Role
    from counseling.models import ConcernCategory, User

    counselors = list(User.objects.filter(role=Role.COUNSELOR).order_by("username"))
    students = list(User.objects.filter(role=Role.STUDENT).values_list("pk", flat=True))
    topics = list(ConcernCategory.objects.values_list("pk", flat=True))
    channels = [Channel.FACE_TO_FACE] * 6 + [Channel.PHONE, Channel.ONLINE]
    past = [AppointmentStatus.ATTENDED] * 8 + [AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED]
    ahead = [AppointmentStatus.CONFIRMED] * 4 + [AppointmentStatus.REQUESTED]
    taken = set(Appointment.objects.values_list("counselor_id", "starts_at"))
    taken_students = set(Appointment.objects.values_list("student_id", "starts_at"))
    today = timezone.localdate()
    rows = []
    for day in school_days(today):
        for slot in range(SLOTS_PER_DAY):
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0))) + datetime.timedelta(
                minutes=30 * slot
            )
            counselor = counselors[slot % len(counselors)]
            student_id = rng.choice(students)
            if (counselor.pk, starts) in taken or (student_id, starts) in taken_students:
                continue
            rows.append(
                Appointment(
                    student_id=student_id,
                    counselor=counselor,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=30),
                    status=rng.choice(past if day < today else ahead),
                    channel=rng.choice(channels),
                    topic_id=rng.choice(topics),
                    is_first_visit=rng.random() < 0.3,
                    room=f"心理辅导室 30{slot % len(counselors) + 1}",
                    source=AppointmentSource.ONLINE,
                    created_by=counselor,
                )
            )
    Appointment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def add_cases(rng: random.Random) -> int:
    """A case for about one student in ten (with the counselor they saw), notes for attended visits."""
    from django.utils import timezone

    from appointments.enums import AppointmentStatus
    from appointments.models import Appointment
    from counseling.cases.enums import CaseSource, CaseStatus, RiskLevel
    from counseling.cases.models import Case, SessionNote
    from counseling.cases.tests.factories import NOTE_WORDS

    first_visit: dict[int, Appointment] = {}
    attended = list(Appointment.objects.filter(status=AppointmentStatus.ATTENDED).order_by("starts_at"))
    for appointment in attended:
        first_visit.setdefault(appointment.student_id, appointment)
    have_case = set(Case.objects.values_list("student_id", flat=True))
    chosen = [a for sid, a in first_visit.items() if sid not in have_case and rng.random() < 0.3][:300]
    cases = []
    for a in chosen:
        status = rng.choice([CaseStatus.OPEN, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED, CaseStatus.CLOSED])
        closed = min(a.starts_at + datetime.timedelta(days=rng.randint(14, 90)), timezone.now())
        cases.append(
            Case(
                student_id=a.student_id,
                counselor_id=a.counselor_id,
                opened_by_id=a.counselor_id,
                source=rng.choice([CaseSource.SELF_BOOKED] * 6 + [CaseSource.TEACHER_REFERRAL, CaseSource.MAILBOX]),
                risk_level=rng.choice([RiskLevel.NONE, RiskLevel.LOW, RiskLevel.LOW, RiskLevel.MEDIUM]),
                status=status,
                opened_at=a.starts_at,
                closed_at=closed if status == CaseStatus.CLOSED else None,
            )
        )
    Case.objects.bulk_create(cases, batch_size=BATCH)
    by_student = {case.student_id: case for case in Case.objects.filter(student_id__in=[a.student_id for a in chosen])}
    now = timezone.now()
    notes = [
        SessionNote(
            case=by_student[a.student_id],
            appointment=a,
            author_id=a.counselor_id,
            held_on=timezone.localdate(a.starts_at),
            channel=a.channel,
            duration_minutes=45,
            content=NOTE_WORDS,
            signed_at=a.ends_at if a.ends_at < now else None,
            signed_by_id=a.counselor_id if a.ends_at < now else None,
        )
        for a in attended
        if a.student_id in by_student
    ]
    SessionNote.objects.bulk_create(notes, batch_size=BATCH)
    return len(cases)


def counts() -> str:
    from django.apps import apps

    wanted = [
        ("students", "counseling.StudentProfile"),
        ("appointments", "appointments.Appointment"),
        ("cases", "cases.Case"),
        ("session notes", "cases.SessionNote"),
        ("screenings", "archives.Screening"),
        ("survey submissions", "archives.Submission"),
        ("warnings", "archives.ScreeningWarning"),
        ("campaigns", "campaigns.Campaign"),
    ]
    parts = []
    for label, model_name in wanted:
        try:
            model = apps.get_model(model_name)
        except LookupError:
            continue
        parts.append(f"{model.objects.count():,} {label}")
    return ", ".join(parts)


def mark_complete() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('dataset', 'complete') ON CONFLICT (key) DO UPDATE SET value = 'complete'"
        )


def main() -> None:
    django.setup()
    if "--counts" in sys.argv:
        print(counts())
        return
    from django.db import connection, transaction

    rng = random.Random(2026)
    seed_school()
    with transaction.atomic():
        print(f"appointments: {add_appointments(rng)}", flush=True)
        print(f"cases: {add_cases(rng)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    mark_complete()
    print(counts())


if __name__ == "__main__":
    main()
