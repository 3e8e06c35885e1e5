"""Shared set-up for the archives tests: the shipped instruments and a published screening."""

from __future__ import annotations

import pytest

from archives.models import GradeCounselor
from archives.tests.factories import answer_all, builtin, published
from counseling.tests.factories import make_student


@pytest.fixture
def phq9(db):
    return builtin("phq9")


@pytest.fixture
def gad7(db):
    return builtin("gad7")


@pytest.fixture
def screening(phq9, gad7, school_class, other_class, student, other_student, counselor):
    """PHQ-9 and GAD-7 for the student's class and the other class; open for a week."""
    return published([phq9, gad7], [school_class, other_class], by=counselor, title="初一心理普查")


@pytest.fixture
def screening_students(school_class):
    """Twelve more students in the student's class (a class of 13: big enough to be shown to leaders)."""
    return [make_student(f"pupil{n}", school_class, student_number=f"2026{n:04d}") for n in range(12)]


@pytest.fixture
def results_screening(phq9, gad7, school_class, other_class, student, other_student, screening_students, counselor):
    """A published PHQ-9 and GAD-7 screening the two classes have answered."""
    screening = published([phq9, gad7], [school_class, other_class], by=counselor, title="期中普查")
    # 13 students in the first class answer: 7 minimal, 5 mild, 1 severe; the other class's one student answers too.
    answer_all(screening, [0, 1, 2, 3, 4, 0, 1, 5, 6, 7, 8, 9, 25])
    return screening


@pytest.fixture
def grade_counselor(grade, counselor):
    """``counselor`` answers for the grade of both classes."""
    return GradeCounselor.objects.create(grade=grade, counselor=counselor)


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run a block, then deliver every due outbox message, as the beat task would."""
    from counseling.services.notify import deliver_due

    class Runner:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            self.capture.__exit__(*exc)
            if exc[0] is None:
                deliver_due()
            return False

    return Runner
