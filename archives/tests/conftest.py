"""Shared set-up for the archives tests: the shipped instruments and a published screening."""

from __future__ import annotations

import pytest

from archives.models import GradeCounselor
from archives.tests.factories import builtin, published


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
