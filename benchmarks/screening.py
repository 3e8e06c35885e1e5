"""Benchmark: submit and score 3,000 PHQ-9 answers, then render the screening's results page.

    .venv/bin/python benchmarks/screening.py [--students 3000]

Runs against its own throw-away test database (like the test suite: an in-memory SQLite
database by default, or ``test_<name>`` on the server named by DATABASE_URL, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/archives_dev``) and prints a table of
timings. It also renders the results page of a 30-answer screening to show that the page's
query count does not depend on the number of answers.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings_test")

import logging
import warnings

import django

django.setup()
# Keep the table readable: no per-task log lines, no warning about the missing static root.
logging.disable(logging.INFO)
warnings.filterwarnings("ignore", message="No directory at")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

BAND_WEIGHTS = [(0, 4, 55), (5, 9, 25), (10, 14, 11), (15, 19, 6), (20, 27, 3)]


def build_school(students: int):
    """One grade of classes of 50 students, a counselor for it, a head counselor and a leader.

    The students are 13, as in a junior school's first year, so a named screening keeps their
    answers only with a guardian's consent (CONSENT_REQUIRED_UNDER_AGE, 14): it is recorded for
    every one of them, on paper at the start of term, as the office does.
    """
    from archives.models import GradeCounselor
    from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState, Gender, Role
    from counseling.models import ConsentRecord, Grade, SchoolClass, StudentProfile, Term, User

    today = timezone.localdate()
    Term.objects.create(
        name="bench", school_year=today.year, semester=1, start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=120), is_current=True,
    )  # fmt: skip
    grade = Grade.objects.create(level=1, name="初一")
    counselor = User.objects.create(username="counselor", name="张老师", role=Role.COUNSELOR, email="c@school.example")
    User.objects.create(username="head", name="陈主任", role=Role.HEAD_COUNSELOR, email="h@school.example")
    leader = User.objects.create(username="leader", name="刘校长", role=Role.LEADER, email="l@school.example")
    GradeCounselor.objects.create(grade=grade, counselor=counselor)
    classes = [
        SchoolClass.objects.create(grade=grade, number=n, entry_year=today.year) for n in range(1, students // 50 + 2)
    ]
    User.objects.bulk_create(
        [User(username=f"s{n:05d}", name=f"学生{n}", role=Role.STUDENT) for n in range(students)], batch_size=1000
    )
    users = list(User.objects.filter(role=Role.STUDENT).order_by("username"))
    StudentProfile.objects.bulk_create(
        [
            StudentProfile(
                user=user,
                student_number=f"2026{n:05d}",
                school_class=classes[n // 50],
                gender=Gender.FEMALE if n % 2 else Gender.MALE,
                date_of_birth=datetime.date(today.year - 13, 3, 1),
            )
            for n, user in enumerate(users)
        ],
        batch_size=1000,
    )
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                student=user,
                purpose=ConsentPurpose.SCREENING,
                state=ConsentState.GIVEN,
                dated=today - datetime.timedelta(days=20),
                method=ConsentMethod.PAPER,
                recorded_by=counselor,
                is_current=True,
            )
            for user in users
        ],
        batch_size=1000,
    )
    return classes, counselor, leader


def answers_for(rng: random.Random) -> dict[str, int]:
    low, high, _w = rng.choices(BAND_WEIGHTS, weights=[w for *_r, w in BAND_WEIGHTS])[0]
    total = rng.randint(low, high)
    critical = rng.choice([1, 2]) if total >= 15 and rng.random() < 0.3 else 0
    critical = max(critical, total - 24)  # eight items give at most 24
    answers = dict.fromkeys("12345678", 0)
    answers["9"] = critical
    left = max(total - critical, 0)
    while left > 0:
        item = rng.choice([i for i in answers if i != "9" and answers[i] < 3])
        answers[item] += 1
        left -= 1
    return answers


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def render(client: Client, url: str) -> tuple[float, int, int]:
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as queries:
        seconds, response = timed(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    return seconds, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.students)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def run(students: int) -> None:
    from archives.models import Instrument, Invitation, Result, ScreeningWarning
    from archives.services import library, scoring, screenings
    from archives.tests.factories import published

    rows: list[tuple[str, str]] = []
    library.install_builtin()
    phq9 = Instrument.objects.get(code="phq9")
    seconds, (classes, counselor, leader) = timed(lambda: build_school(students))
    rows.append((f"build {students} students in {len(classes)} classes", f"{seconds:8.2f} s"))

    small = published([phq9], classes[:1], by=counselor, title="30 answers")
    seconds, screening = timed(lambda: published([phq9], classes, by=counselor, title="3,000 answers"))
    rows.append((f"publish (invite {students})", f"{seconds:8.2f} s"))

    rng = random.Random(2026)
    invitations = list(Invitation.objects.filter(screening=screening).select_related("screening").order_by("id"))
    answers = [answers_for(rng) for _ in invitations]

    seconds, _ = timed(lambda: [scoring.score(phq9.definition, a) for a in answers])
    rows.append((f"score {len(answers)} answers (pure scoring)", f"{seconds * 1000:8.1f} ms"))

    plain: list[float] = []
    warned: list[float] = []

    def submit_all():
        for invitation, given in zip(invitations, answers, strict=True):
            took, outcome = timed(
                lambda invitation=invitation, given=given: screenings.submit(invitation, {"phq9": given})
            )
            (warned if outcome.warning else plain).append(took)

    seconds, _ = timed(submit_all)
    rows.append(
        (
            f"submit + score + warn {len(answers)} answers",
            f"{seconds:8.2f} s  ({seconds / len(answers) * 1000:.1f} ms each)",
        )
    )
    rows.append(("  one without a warning (median)", f"{sorted(plain)[len(plain) // 2] * 1000:8.1f} ms"))
    rows.append(
        (
            "  one raising a warning (median)",
            f"{sorted(warned)[len(warned) // 2] * 1000:8.1f} ms  (notice, audit, outbox)",
        )
    )
    rows.append(
        (
            "  results stored / warnings raised",
            f"{Result.objects.filter(screening=screening).count()} / {ScreeningWarning.objects.filter(screening=screening).count()}",
        )
    )

    for invitation in Invitation.objects.filter(screening=small).select_related("screening")[:30]:
        screenings.submit(invitation, {"phq9": answers_for(rng)})

    counselor_client, leader_client = Client(), Client()
    counselor_client.force_login(counselor)
    leader_client.force_login(leader)
    for label, client in (("counselor", counselor_client), ("leader", leader_client)):
        for name, target in (("30 answers", small), (f"{students} answers", screening)):
            seconds, queries, size = render(client, reverse("archives:screening_results", args=[target.pk]))
            rows.append(
                (f"results page, {name}, as {label}", f"{seconds * 1000:8.1f} ms  {queries} queries  {size // 1024} KB")
            )

    width = max(len(label) for label, _v in rows)
    print(f"\nScreening benchmark on {connection.vendor} ({connection.settings_dict['NAME']})\n")
    print(f"{'step':<{width}}  result")
    print(f"{'-' * width}  {'-' * 34}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
