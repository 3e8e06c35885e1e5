"""Benchmark: generate the semester summary over a large school year.

    .venv/bin/python benchmarks/report.py [--students 3000 --appointments 20000 --notes 15000 --campaigns 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/report.py

Builds, in its own throw-away test database (an in-memory SQLite database by default, or
``test_<name>`` on the server named by DATABASE_URL, from the environment or .env), 3,000
students, 20,000 appointments, 15,000 session notes, 6,000 screening results and 20 campaigns
with events, then times the report's steps and counts their queries: the aggregation runs in
SQL, so the query count is a small constant whatever the size of the data. Prints a table.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings_test")

import argparse

import django
from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.utils import timezone

STUDENTS, APPOINTMENTS, NOTES, CAMPAIGNS = 3000, 20000, 15000, 20
BATCH = 2000


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The sizes; read before Django starts, so ``--help`` prints and touches no database."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].strip(), epilog=__doc__.split("\n\n", 2)[2].strip()
    )
    parser.add_argument("--students", type=int, default=STUDENTS, help="students (default %(default)s)")
    parser.add_argument("--appointments", type=int, default=APPOINTMENTS, help="appointments (default %(default)s)")
    parser.add_argument("--notes", type=int, default=NOTES, help="session notes (default %(default)s)")
    parser.add_argument("--campaigns", type=int, default=CAMPAIGNS, help="campaigns (default %(default)s)")
    args = parser.parse_args(argv)
    if args.students < 4 or args.appointments < 4 or args.notes < 10 or args.campaigns < 0:
        parser.error("at least 4 students, 4 appointments and 10 notes")
    return args


def build(rng: random.Random, sizes: argparse.Namespace) -> dict:
    """The large dataset, written with bulk inserts."""
    from appointments.enums import AppointmentStatus
    from appointments.models import Appointment
    from archives.models import Instrument, Result, Screening, Submission
    from campaigns.enums import CampaignKind, CampaignStatus, EventKind
    from campaigns.models import Campaign, Event, Venue
    from counseling.cases.enums import CaseStatus
    from counseling.cases.models import Case, SessionNote
    from counseling.enums import Channel, Gender, Role
    from counseling.models import ConcernCategory, Grade, SchoolClass, StudentProfile, Term, User

    today = timezone.localdate()
    term = Term.objects.create(
        name="bench", school_year=today.year - 1, semester=1, start=today - datetime.timedelta(days=365), end=today,
        is_current=True,
    )  # fmt: skip
    head = User.objects.create(username="head", name="陈主任", role=Role.HEAD_COUNSELOR)
    counselors = [User.objects.create(username=f"c{n}", name=f"老师{n}", role=Role.COUNSELOR) for n in range(4)]
    classes = []
    for level in range(1, 7):
        grade = Grade.objects.create(level=level, name=f"{level}年级")
        classes += [
            SchoolClass.objects.create(grade=grade, number=n, entry_year=today.year - level) for n in range(1, 21)
        ]
    User.objects.bulk_create(
        [User(username=f"s{n:05d}", name=f"学生{n}", role=Role.STUDENT) for n in range(sizes.students)],
        batch_size=BATCH,
    )
    students = list(User.objects.filter(role=Role.STUDENT).order_by("username"))
    StudentProfile.objects.bulk_create(
        [
            StudentProfile(user=user, student_number=f"{n:07d}", school_class=classes[n % len(classes)], gender=Gender.FEMALE,
                           date_of_birth=datetime.date(2012, 1, 1))
            for n, user in enumerate(students)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    topics = list(ConcernCategory.objects.all())
    start = timezone.make_aware(datetime.datetime.combine(term.start, datetime.time(8)))
    statuses = [AppointmentStatus.ATTENDED] * 7 + [AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED]
    appointments = []
    for slot in range(sizes.appointments // 4):
        begins = start + datetime.timedelta(days=slot // 14, minutes=30 * (slot % 14))
        for counselor, student in zip(counselors, rng.sample(students, 4), strict=True):
            appointments.append(
                Appointment(student=student, counselor=counselor, starts_at=begins,
                            ends_at=begins + datetime.timedelta(minutes=30), status=rng.choice(statuses),
                            channel=rng.choice(Channel.values), topic=rng.choice(topics), is_first_visit=rng.random() < 0.2)
            )  # fmt: skip
    Appointment.objects.bulk_create(appointments, batch_size=BATCH)
    case_students = rng.sample(students, min(sizes.notes // 10, len(students)))
    Case.objects.bulk_create(
        [
            Case(student=student, counselor=counselors[n % 4], opened_by=counselors[n % 4],
                 status=CaseStatus.CLOSED if n % 3 else CaseStatus.OPEN,
                 closed_at=timezone.now() if n % 3 else None)
            for n, student in enumerate(case_students)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    notes = []
    for case in Case.objects.all():
        for _n in range(10):
            notes.append(
                SessionNote(case=case, author=case.counselor, channel=Channel.FACE_TO_FACE, duration_minutes=40,
                            held_on=term.start + datetime.timedelta(days=rng.randrange(365)),
                            content="来访学生谈到考试压力", analysis="", next_steps="")
            )  # fmt: skip
    SessionNote.objects.bulk_create(notes, batch_size=BATCH)
    instrument = Instrument.objects.get(code="phq9")
    bands = [("minimal", 1), ("mild", 2), ("moderate", 3), ("moderately_severe", 4), ("severe", 5)]
    # Two whole-school screenings (autumn and spring): 6,000 results.
    for number, days in enumerate((10, 200)):
        opens = start + datetime.timedelta(days=days)
        screening = Screening.objects.create(
            title=f"bench {number}", opens_at=opens, closes_at=opens + datetime.timedelta(days=14),
            created_by=counselors[0], status="published", published_at=opens,
        )  # fmt: skip
        Submission.objects.bulk_create(
            [
                Submission(screening=screening, student=s, school_class_id=classes[0].pk, submitted_at=opens)
                for s in students
            ],
            batch_size=BATCH,
        )
        Result.objects.bulk_create(
            [
                Result(submission=sub, screening=screening, instrument=instrument, school_class_id=sub.school_class_id,
                       student_id=sub.student_id, submitted_at=opens, total=rng.randrange(28),
                       band=(band := rng.choice(bands))[0], band_level=band[1])
                for sub in Submission.objects.filter(screening=screening)
            ],
            batch_size=BATCH,
        )  # fmt: skip
    venue = Venue.objects.create(name="礼堂")
    for n in range(sizes.campaigns):
        day = term.start + datetime.timedelta(days=15 * n)
        campaign = Campaign.objects.create(
            title=f"活动{n}", theme="阳光心态", kind=CampaignKind.WEEK, start_date=day,
            end_date=day + datetime.timedelta(days=6), status=CampaignStatus.FINISHED, created_by=head,
        )  # fmt: skip
        for e in range(5):
            begins = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=e), datetime.time(14)))
            Event.objects.create(
                campaign=campaign, kind=EventKind.LECTURE, title=f"讲座{e}", starts_at=begins,
                ends_at=begins + datetime.timedelta(hours=1), venue=venue,
            )  # fmt: skip
    return {"term": term, "head": head}


def timed(label: str, rows: list, func):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    rows.append((label, f"{elapsed:8.2f} s", f"{len(queries):6d}"))
    return result


def main(argv: list[str] | None = None) -> None:
    sizes = parse_arguments(argv)
    django.setup()
    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")

    from django.test.utils import setup_databases, teardown_databases

    from counseling.reports import render, services
    from counseling.reports.models import SemesterReport

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        rows: list = []
        world = timed("build the dataset", rows, lambda: build(random.Random(2026), sizes))
        timed("aggregate both terms (SQL only)", rows, lambda: services.collect(world["term"]))
        # Without a broker the build task runs in-process as soon as the request commits.
        report = timed(
            "generate a version (request + task)", rows, lambda: services.request_report(world["term"], world["head"])
        )
        report = SemesterReport.objects.select_related("term").get(pk=report.pk)
        assert report.status == "draft", report.status
        timed("render the spreadsheet", rows, lambda: render.xlsx_bytes(report))
        timed("render the PDF", rows, lambda: render.pdf_bytes(report))
        print(f"\nSemester report benchmark on {connection.vendor}")
        print(
            f"{sizes.students} students, {sizes.appointments} appointments, {sizes.notes} notes, "
            f"{2 * sizes.students} results, {sizes.campaigns} campaigns\n"
        )
        print(f"{'step':42} {'time':>10} {'queries':>8}")
        for label, elapsed, queries in rows:
            print(f"{label:42} {elapsed:>10} {queries:>8}")
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
