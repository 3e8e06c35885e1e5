"""Issue 16, item 3: sessions are counted under the grade the student was in at the time.

After the new-year rollover moves a class up, the previous term's column counted a March session
of a student then in 初一 under 初二 (the class's grade now).
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone, translation

from appointments.models import Appointment, AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from counseling.models import Term
from counseling.reports import services
from counseling.reports.layout import find_table
from counseling.schoolyear.models import RolloverClass, YearRollover
from counseling.tests.factories import GradeFactory


def _march_session(student, counselor, previous: Term) -> Appointment:
    starts = timezone.make_aware(
        datetime.datetime.combine(previous.start + datetime.timedelta(days=20), datetime.time(10))
    )
    return AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=45),
        status=AppointmentStatus.ATTENDED,
    )


@pytest.fixture
def previous(term) -> Term:
    """The second term of the school year before ``term``."""
    return Term.objects.create(
        name="上学年第二学期",
        school_year=term.school_year - 1,
        semester=2,
        start=datetime.date(term.school_year, 2, 20),
        end=datetime.date(term.school_year, 7, 10),
    )


@pytest.mark.django_db
def test_a_session_before_the_rollover_stays_under_the_grade_of_the_time(
    term, previous, grade, school_class, student, counselor, head
) -> None:
    second = GradeFactory(level=2, name="八年级")
    appointment = _march_session(student, counselor, previous)
    assert appointment.grade == grade
    # The new-year rollover moves the class up.
    school_class.grade = second
    school_class.save(update_fields=["grade"])

    report = services.request_report(term, head)
    services.build_report(report.pk)
    report.refresh_from_db()
    with translation.override("en"):
        table = find_table(report.data, "appointments.sessions_by_grade")
    stored = report.data["previous"]["appointments"]["sessions_by_grade"]
    assert [(row["grade"], row["sessions"]) for row in stored] == [("七年级", 1)]
    # The table lists every grade: the one session (hidden, under five) is in 七年级's row, and 八年级
    # has none. The column adds up to the sessions held, so the stored count is what is checked.
    assert [row[0] for row in table.rows] == ["七年级", "八年级", "Not given"]


@pytest.mark.django_db
def test_the_backfill_gives_sessions_before_a_rollover_the_grade_the_class_left(
    term, previous, grade, school_class, student, counselor, head
) -> None:
    second = GradeFactory(level=2, name="八年级")
    before = _march_session(student, counselor, previous)
    school_class.grade = second
    school_class.save(update_fields=["grade"])
    rollover = YearRollover.objects.create(school_year=term.school_year, term=term, applied_by=head)
    RolloverClass.objects.create(rollover=rollover, school_class=school_class, from_grade=grade, to_grade=second)
    after_start = timezone.make_aware(
        datetime.datetime.combine(term.start + datetime.timedelta(days=3), datetime.time(9))
    )
    after = AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=after_start,
        ends_at=after_start + datetime.timedelta(minutes=30),
    )
    # As a database migrated from the old tree has them: no grade yet.
    Appointment.objects.update(grade=None)
    new_field = importlib.import_module("appointments.migrations.0006_appointment_grade_at_the_time")
    history = importlib.import_module("counseling.schoolyear.migrations.0002_appointment_grades_before_rollovers")
    # Neither step alters a table: they need no schema editor.
    new_field.grade_of_the_class_now(apps, None)
    history.grades_before_rollovers(apps, None)
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.grade, after.grade) == (grade, second)
