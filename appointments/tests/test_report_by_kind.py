"""The semester summary counts the people served by kind: students, teachers and guardians apart.

People are distinct clients with an attended session in the period; sessions are attended
appointments. Both go through the same disclosure rule as every published count.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from appointments import reporting
from appointments.enums import AppointmentStatus
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory
from counseling.enums import ClientKind
from counseling.services.aggregates import HIDDEN
from counseling.services.sections import publish
from counseling.tests.disclosure_check import from_sheet, violations
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db
ATTENDED, NO_SHOW = AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW


@pytest.fixture
def served(school_class, class_teacher, other_teacher, guardian, other_guardian, counselor):
    """Six students (one of them twice), two teachers (one twice, one also missed a time), one
    guardian who came and one who did not; one more session before the period."""
    hour = iter(range(8, 24))

    def visit(person, status=ATTENDED, day=-3):
        return AppointmentFactory(student=person, counselor=counselor, starts_at=at(day, next(hour)), status=status)

    students = [make_student(f"s{n}", school_class, student_number=f"2026{n:04d}") for n in range(6)]
    for student in students:
        visit(student)
    visit(students[0], day=-2)
    visit(class_teacher)
    visit(class_teacher, day=-2)
    visit(other_teacher)
    visit(other_teacher, NO_SHOW, day=-1)
    visit(guardian)
    visit(other_guardian, NO_SHOW)
    visit(guardian, day=-60)
    return students


def test_the_summary_counts_people_and_sessions_by_kind(served) -> None:
    numbers = reporting.summary(at(-10, 0).date(), at(0, 0).date())
    assert numbers["sessions"] == 11
    assert numbers["unique_students"] == 6
    assert numbers["clients_by_kind"] == {ClientKind.STUDENT: 6, ClientKind.TEACHER: 2, ClientKind.GUARDIAN: 1}
    assert numbers["sessions_by_kind"] == {ClientKind.STUDENT: 7, ClientKind.TEACHER: 3, ClientKind.GUARDIAN: 1}
    assert numbers["no_shows"] == 2
    # The adults' sessions have no grade: they are counted under "not given".
    assert {row["grade_id"]: row["sessions"] for row in numbers["sessions_by_grade"]} == {
        served[0].student_profile.school_class.grade_id: 7,
        None: 4,
    }


def _tables(numbers, *, exact: bool):
    with translation.override("en"):
        section = reporting.section(numbers, None)
        shown = publish([section], exact=exact)
    tables = {table.key: {row[0]: row[1] for row in table.rows} for table in section.tables}
    return section, shown, tables


def test_the_head_counselor_reads_the_exact_numbers(served) -> None:
    numbers = reporting.summary(at(-10, 0).date(), at(0, 0).date())
    _section, _shown, tables = _tables(numbers, exact=True)
    assert tables["clients_by_kind"] == {"Student": 6, "Teacher": 2, "Guardian": 1}
    assert tables["sessions_by_kind"] == {"Student": 7, "Teacher": 3, "Guardian": 1}


def test_leaders_read_the_kinds_under_the_disclosure_rule(served) -> None:
    numbers = reporting.summary(at(-10, 0).date(), at(0, 0).date())
    section, shown, tables = _tables(numbers, exact=False)
    # Two teachers and one guardian are small counts: hidden, never printed.
    assert tables["clients_by_kind"]["Teacher"] == HIDDEN
    assert tables["clients_by_kind"]["Guardian"] == HIDDEN
    assert tables["sessions_by_kind"]["Teacher"] == HIDDEN
    assert tables["sessions_by_kind"]["Guardian"] == HIDDEN
    # And nothing shown lets a reader work them out (the figures and the other tables included).
    assert violations(from_sheet(shown, section.sheet)) == []


def test_a_report_stored_before_the_kinds_has_no_kind_tables(served) -> None:
    numbers = reporting.summary(at(-10, 0).date(), at(0, 0).date())
    del numbers["clients_by_kind"], numbers["sessions_by_kind"]
    _section, _shown, tables = _tables(numbers, exact=True)
    assert "clients_by_kind" not in tables and "sessions_by_kind" not in tables
