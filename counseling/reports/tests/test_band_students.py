"""Issue 16, item 2: the band tables count students, each once by their latest result, and say so.

Before, a student who answered two PHQ-9 screenings in a term counted twice (270 answer sheets
from 140 students), and the table called them nothing.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from archives.models import Invitation, Result
from archives.services import screenings
from archives.tests.factories import builtin, gad7_answers, phq9_answers, published
from counseling.reports import services


@pytest.fixture
def two_screenings(term, school_class, other_class, student, other_student, counselor):
    """Autumn: the student severe (PHQ-9 22), the other student minimal. Later: the student minimal again."""
    phq9, gad7 = builtin("phq9"), builtin("gad7")
    first = published([phq9, gad7], [school_class, other_class], by=counselor, title="第一次普查")
    second = published([phq9, gad7], [school_class], by=counselor, title="复查")
    for screening, who, total in ((first, student, 22), (first, other_student, 2), (second, student, 3)):
        screenings.submit(
            Invitation.objects.get(screening=screening, student=who),
            {"phq9": phq9_answers(total), "gad7": gad7_answers(0)},
        )
    # The retest came a week after the first screening.
    Result.objects.filter(screening=second).update(
        submitted_at=Result.objects.get(screening=first, student=student, instrument=phq9).submitted_at
        + datetime.timedelta(days=7)
    )
    return first, second


@pytest.mark.django_db
def test_a_student_who_answered_twice_is_one_student_in_the_band_of_the_later_answer(
    two_screenings, term, head, client_for
) -> None:
    assert Result.objects.filter(instrument__code="phq9").count() == 3
    report = services.request_report(term, head)
    services.build_report(report.pk)
    report.refresh_from_db()
    phq9 = report.data["current"]["archives"]["students_by_band"]["phq9"]
    # Two students, both minimal now: the severe answer was superseded by the retest.
    assert {band: n for band, n in phq9.items() if band != services.ORDER_KEY} == {"minimal": 2}
    assert "bands" not in report.data["current"]["archives"]

    page = client_for(head).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "按最近一次结果统计的学生人数：PHQ-9" in page
    assert "每名学生只计一次，按其本学期最近一次实名结果；匿名作答不计入。" in page
