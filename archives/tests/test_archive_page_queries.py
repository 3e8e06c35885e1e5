"""The archive page's query count, pinned (issue 17): a change that adds a query to the page fails here.

The tests run with the signed-in cache in the process's memory (counseling/settings_test.py), so
after the first request the session, the user and the unread count cost no query, as on a server
with CACHE_URL. What the archive itself reads, each through its door:

- the student (``archives.access.get_student_for``, with profile, class, grade, class teacher);
- the audit entry, written before anything is read;
- the results (with instrument and screening), the focus entries (and their reviews, only when
  there is an entry), the class teacher's log, the warnings, each as plain values;
- the contact facts (``counseling.cases.contract.archive_facts``): the reader's cases of the
  student with their session days, then the referrals of those cases (skipped when the reader
  holds none); the student's open case is read apart only when it is not the reader's (a student
  has at most one).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archives.models import FocusReview, Invitation, ScreeningWarning
from archives.services import focus, screenings
from archives.tests.factories import ClassLogEntryFactory, FocusEntryFactory, gad7_answers, phq9_answers, published
from counseling.cases.enums import CaseStatus
from counseling.cases.tests.factories import CaseFactory, NoteFactory, ReferralFactory
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db

STUDENT = 1
# The audit entry: the last hash (on PostgreSQL with the chain's lock, in the same round trip) and
# the insert; no savepoint, though the test runs in a transaction (counseling.services.audit.record).
AUDIT = 2
# Results, focus entries, their reviews, the log, the warnings.
LISTS = 5
# The reader's cases with their session days; their referrals.
FACTS = 2


@pytest.fixture
def story(phq9, gad7, school_class, student, counselor, class_teacher, grade_counselor):
    """Two screenings (each raises a warning for ``counselor``), a reviewed focus entry, a
    class teacher's log entry, and ``counselor``'s open case with two sessions and a referral."""
    first = published([phq9, gad7], [school_class], by=counselor, title="秋季普查")
    screenings.submit(
        Invitation.objects.get(screening=first, student=student), {"phq9": phq9_answers(20), "gad7": gad7_answers(4)}
    )
    second = published([phq9], [school_class], by=counselor, title="春季普查")
    screenings.submit(Invitation.objects.get(screening=second, student=student), {"phq9": phq9_answers(12)})
    entry = FocusEntryFactory(student=student, started_by=counselor, note="需要持续关注")
    focus.review(entry, by=counselor, level=entry.level, note="继续观察")
    ClassLogEntryFactory(
        student=student,
        school_class=school_class,
        teacher=class_teacher,
        date=timezone.localdate() - datetime.timedelta(days=1),
    )
    case = CaseFactory(student=student, counselor=counselor)
    NoteFactory(case=case, held_on=datetime.date(2026, 9, 14))
    NoteFactory(case=case, held_on=datetime.date(2026, 9, 21))
    ReferralFactory(case=case, referred_on=datetime.date(2026, 9, 25))
    return case


def _queries(client, student) -> tuple[int, str]:
    url = reverse("archives:archive_detail", args=[student.pk])
    client.get(url)  # warm: templates, menu
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_case_holders_archive_page_costs_a_fixed_number_of_queries(story, student, counselor, client_for) -> None:
    warnings = list(ScreeningWarning.objects.filter(student=student, counselor=counselor))
    assert len(warnings) == 2
    count, page = _queries(client_for(counselor), student)
    assert count == STUDENT + AUDIT + LISTS + FACTS
    # Everything the queries read is on the page.
    for text in ("秋季普查", "春季普查", "<polyline", "需要持续关注", "继续观察", "课间谈心"):
        assert text in page
    for warning in warnings:
        assert reverse("archives:warning_detail", args=[warning.pk]) in page
    assert AuditEntry.objects.filter(student_id=student.pk, actor=counselor, detail="archive").count() == 2


def test_a_colleague_reads_no_session_days_or_referrals(story, student, other_counselor, client_for) -> None:
    """``other_counselor`` holds none of the student's cases: no referrals are read, the open case
    (a colleague's) is, and the warnings door shows them none (but the query runs)."""
    count, page = _queries(client_for(other_counselor), student)
    assert count == STUDENT + AUDIT + LISTS + FACTS
    assert 'data-testid="colleague-case"' in page


def test_the_printable_archive_reads_the_same(story, student, counselor, client_for) -> None:
    client = client_for(counselor)
    url = reverse("archives:archive_print", args=[student.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == STUDENT + AUDIT + LISTS + FACTS


def test_the_holder_of_a_closed_case_also_reads_who_holds_the_open_one(
    story, student, counselor, other_counselor, client_for
) -> None:
    """When the reader's case is closed, the student's open case (at most one) is read apart: here
    a colleague's, named on the page; the reader's own session days and referral still show."""
    story.status, story.closed_at = CaseStatus.CLOSED, timezone.now()
    story.save(update_fields=["status", "closed_at"])
    colleague = CaseFactory(student=student, counselor=other_counselor)
    count, page = _queries(client_for(counselor), student)
    assert count == STUDENT + AUDIT + LISTS + FACTS + 1
    assert 'data-testid="colleague-case"' in page
    assert colleague.counselor.get_full_name() in page
    assert "市精神卫生中心" in page


def test_the_rows_made_in_python_escape_what_they_print(story, student, counselor, class_teacher, client_for) -> None:
    """The lists are printed by Python (archives.views.archive), not by template loops: every
    value is escaped as the template did, and the words are translated."""
    entry = FocusEntryFactory(
        student=student,
        started_by=counselor,
        note="<b>旧</b> & 'x'",
        teacher_request="",
        started_at=timezone.now() - datetime.timedelta(days=400),
        ended_at=timezone.now() - datetime.timedelta(days=300),
    )
    FocusReview.objects.create(entry=entry, reviewed_by=None, level_before=entry.level, ended=True, note="<i>n</i>")
    ClassLogEntryFactory(
        student=student,
        school_class=student.student_profile.school_class,
        teacher=class_teacher,
        text="<script>",
        is_concern=True,
    )
    url = reverse("archives:archive_detail", args=[student.pk])
    page = client_for(counselor).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;b&gt;旧&lt;/b&gt; &amp; &#x27;x&#x27;" in page
    assert ": removed from the list — &lt;i&gt;n&lt;/i&gt;</li>" in page
    assert '<div class="text-pre">&lt;script&gt;</div>' in page
    assert '<span class="badge text-bg-danger">Marked as a concern</span>' in page
    page = client_for(counselor).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Marked as a concern" not in page and "removed from the list" not in page
