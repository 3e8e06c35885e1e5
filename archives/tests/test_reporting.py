"""The aggregates for the term reports and the lines of the daily digest."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from archives import digest, reporting
from archives.models import Invitation
from archives.services import focus, screenings, warnings
from archives.tests.factories import FocusEntryFactory, ReportingWindowFactory, gad7_answers, phq9_answers
from counseling.tests import notices

pytestmark = pytest.mark.django_db


def test_summary_counts_coverage_bands_warnings_and_focus(
    screening, student, other_student, counselor, grade_counselor
) -> None:
    screenings.submit(
        Invitation.objects.get(screening=screening, student=student),
        {"phq9": phq9_answers(16), "gad7": gad7_answers(2)},
    )
    outcome = screenings.submit(
        Invitation.objects.get(screening=screening, student=other_student),
        {"phq9": phq9_answers(3, item9=1), "gad7": gad7_answers(12)},
    )
    warnings.dismiss(outcome.warning, by=counselor, reason="复测正常")
    entry = FocusEntryFactory(student=student, started_by=counselor)
    focus.review(entry, by=counselor, level=None)
    today = timezone.localdate()
    data = reporting.summary(today - datetime.timedelta(days=7), today)
    assert data["coverage"] == {"invited": 2, "answered": 2, "students_invited": 2, "students_answered": 2}
    assert data["screenings"][0]["invited"] == 2 and data["screenings"][0]["answered"] == 2
    assert data["students_by_band"] == {
        "gad7": {"minimal": 1, "moderate": 1},
        "phq9": {"minimal": 1, "moderately_severe": 1},
    }
    assert data["warnings"] == {"raised": 2, "critical": 1, "open": 1, "contacted": 0, "case_opened": 0, "dismissed": 1}
    assert data["focus"] == {"added": 1, "removed": 1, "active_at_end": 0}
    # A period before anything happened counts nothing.
    empty = reporting.summary(today - datetime.timedelta(days=400), today - datetime.timedelta(days=300))
    assert empty["coverage"]["invited"] == 0 and empty["students_by_band"] == {} and empty["warnings"]["raised"] == 0


def test_summary_is_a_fixed_number_of_queries(django_assert_max_num_queries, screening, student) -> None:
    today = timezone.localdate()
    # 7 for screenings, warnings and the focus list; 5 for home visits (the school year: 2, the
    # classes and their two counts: 3).
    with django_assert_max_num_queries(12):
        reporting.summary(today - datetime.timedelta(days=7), today)


def test_digest_lists_open_warnings_with_names_and_times_only(
    screening, student, counselor, head, grade_counselor, other_counselor
) -> None:
    screenings.submit(
        Invitation.objects.get(screening=screening, student=student),
        {"phq9": phq9_answers(20), "gad7": gad7_answers(3)},
    )
    lines = notices.lines(digest.items_for(counselor, timezone.localdate()), "zh-hans")
    warning = screening.warnings.get()
    raised = notices.when(warning.created_at, "zh-hans")
    assert lines == [f"未处理的普查预警：{student.get_full_name()}，{raised} 发出"]
    assert notices.lines(digest.items_for(head, timezone.localdate()), "zh-hans") == lines
    assert digest.items_for(other_counselor, timezone.localdate()) == []


def test_digest_reminds_class_teachers_of_unfiled_zero_reports(school_class, class_teacher, head) -> None:
    window = ReportingWindowFactory(created_by=head, title="期中零报告")
    lines = notices.lines(digest.items_for(class_teacher, timezone.localdate()))
    assert len(lines) == 1 and "期中零报告" in lines[0]
    from archives.services import zero

    zero.file_report(window, school_class, by=class_teacher, nothing_to_report=True, incident_count=0, incidents="")
    assert digest.items_for(class_teacher, timezone.localdate()) == []
