"""Two people at the same moment: PostgreSQL only (SQLite serialises every writer anyway)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import Grade, Term
from counseling.models.consent import ConsentRecord
from counseling.schoolyear.models import YearRollover
from counseling.schoolyear.services.rollover import RolloverRefusedError, apply_rollover, plan_rollover
from counseling.services.consent import record_consent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def together(*calls) -> list:
    """Run the calls in threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_administrators_applying_at_once_start_the_year_once(administrator, student, other_student, term) -> None:
    year = term.school_year + 1
    Grade.objects.create(level=2, name="八年级")
    Term.objects.create(
        name="next", school_year=year, semester=1, start=datetime.date(year, 9, 1), end=datetime.date(year + 1, 1, 20)
    )
    plan = plan_rollover()
    ids = {move.school_class.pk for move in plan.moves}

    def apply():
        return apply_rollover(to_year=year, class_ids=ids, teachers={}, by=administrator)

    results = together(apply, apply)
    assert sum(isinstance(result, YearRollover) for result in results) == 1
    assert sum(isinstance(result, RolloverRefusedError) for result in results) == 1
    assert YearRollover.objects.filter(school_year=year).count() == 1
    assert Term.objects.current().school_year == year


def test_two_answers_for_one_student_at_once_leave_one_current(student, class_teacher, counselor) -> None:
    def answer(state: str, by):
        return lambda: record_consent(
            student=student,
            purpose=ConsentPurpose.SCREENING,
            state=state,
            dated=datetime.date(2026, 9, 10),
            method=ConsentMethod.PAPER,
            by=by,
        )

    results = together(answer(ConsentState.GIVEN, class_teacher), answer(ConsentState.REFUSED, counselor))
    assert all(isinstance(result, ConsentRecord) for result in results)
    assert ConsentRecord.objects.filter(student=student).count() == 2
    current = ConsentRecord.objects.current().get(student=student)
    # The later entry of the same day wins.
    assert current.pk == max(result.pk for result in results)
