"""Every road of the archives raises a risk signal, and the student who answers a critical item
is shown where to get help at once.

The roads: a critical item (submitted, saved in a draft, or in a submission refused for missing
items), an anonymous screening's critical item, a total in an instrument's top band, a zero
report with incidents, a class-log entry marked as a concern. For each: the signal row, who is
told (the responsible counselor and the head counselor; for a crisis the leaders too, through
the escalation) and that what is sent names no student and carries no answer or score.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from archives.models import ClassLogEntry, Invitation, ScreeningWarning, Submission, SubmissionSource
from archives.services import screenings
from archives.services.signals import anonymous_key
from archives.tests.factories import (
    FocusEntryFactory,
    ReportingWindowFactory,
    gad7_answers,
    phq9_answers,
    post_data,
    published,
)
from counseling.cases.enums import CaseSource, Severity, SignalReason, SignalSource
from counseling.cases.models import Escalation, RiskSignal
from counseling.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

INCIDENT = "两名学生课间冲突，一人情绪失控"
LOG_TEXT = "今天说不想活了，已陪同到辅导室"


def survey_url(screening) -> str:
    return reverse("archives:survey", args=[screening.pk])


def told(signal: RiskSignal) -> set:
    """Who the signal's own notices went to (the outbox keys name the signal)."""
    return {m.recipient for m in OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:")}


def notified() -> set:
    """Everybody who got any notice in the app, from any road."""
    return {n.user for n in Notification.objects.select_related("user")}


def assert_quiet(signal: RiskSignal, student=None, *words: str) -> None:
    """The signal's notices carry no name, no instrument, no band, no score and none of ``words``."""
    messages = list(OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:"))
    assert messages
    notes = list(Notification.objects.filter(url=reverse("cases:signal_detail", args=[signal.pk])))
    for text in (
        [m.title for m in messages] + [m.body for m in messages] + [n.title for n in notes] + [n.body for n in notes]
    ):
        for word in ("PHQ", "GAD", "抑郁", "焦虑", "depress", "anxiety", "27", "22", *words):
            assert word not in text
        if student is not None:
            assert student.get_full_name() not in text
            assert student.username not in text


# 1. Critical items -------------------------------------------------------------------------


def test_a_critical_item_on_submit_raises_one_crisis_signal_that_escalates(
    screening, student, cast, counselor, head, leader, grade_counselor, delivered, client_for
) -> None:
    with delivered():
        response = client_for(student).post(
            survey_url(screening),
            post_data(screening, {"phq9": phq9_answers(27, item9=3), "gad7": gad7_answers(21)}),
        )
    assert response.status_code == 302
    warning = ScreeningWarning.objects.get()
    signal = RiskSignal.objects.get()  # the top-band total raises nothing more: the critical item said it
    assert (signal.source, signal.severity, signal.reason) == (
        SignalSource.SCREENING_ITEM,
        Severity.CRISIS,
        SignalReason.CRITICAL_ITEM,
    )
    assert (signal.student, signal.counselor, signal.raised_by) == (student, counselor, None)
    assert signal.source_url == reverse("archives:warning_detail", args=[warning.pk])
    # The crisis path started once, from the signal: the head counselor and the leaders are told.
    escalation = Escalation.objects.get()
    assert signal.escalation == escalation
    assert (escalation.student, escalation.source, escalation.raised_by) == (
        student,
        CaseSource.SCREENING_WARNING,
        None,
    )
    assert told(signal) == {counselor, head}
    assert notified() == {counselor, head, leader}
    assert_quiet(signal, student)


def test_a_critical_item_in_a_saved_draft_is_acted_on_before_the_survey_is_submitted(
    screening, student, cast, counselor, head, leader, grade_counselor, delivered, client_for
) -> None:
    client = client_for(student)
    with delivered():
        response = client.post(survey_url(screening), post_data(screening, {"phq9": {"1": 1, "9": 2}}, action="save"))
    assert response.status_code == 302
    invitation = Invitation.objects.get(screening=screening, student=student)
    assert invitation.draft_answers() == {"phq9": {"1": 1, "9": 2}}
    assert not Submission.objects.exists()
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student) == (
        SignalSource.SCREENING_ITEM,
        Severity.CRISIS,
        SignalReason.CRITICAL_ITEM,
        student,
    )
    # No submission, so no warning yet: the link is the student's archive.
    assert signal.source_url == reverse("archives:archive_detail", args=[student.pk])
    assert Escalation.objects.count() == 1
    assert told(signal) == {counselor, head}
    assert notified() == {counselor, head, leader}
    assert_quiet(signal, student)
    # The student is shown where to get help while the draft waits.
    page = client.get(survey_url(screening)).content.decode()
    assert 'data-testid="help-block"' in page and "tel:12356" in page
    # Saving again and then submitting raise nothing twice: one signal, one escalation.
    client.post(survey_url(screening), post_data(screening, {"phq9": {"1": 1, "9": 2}}, action="save"))
    client.post(
        survey_url(screening), post_data(screening, {"phq9": phq9_answers(5, item9=2), "gad7": gad7_answers(2)})
    )
    assert Submission.objects.count() == 1
    assert ScreeningWarning.objects.get().is_critical
    assert RiskSignal.objects.count() == 1
    assert Escalation.objects.count() == 1


def test_a_submission_refused_for_missing_items_still_acts_on_a_critical_answer(
    screening, student, cast, counselor, head, leader, grade_counselor, delivered, client_for
) -> None:
    with delivered():
        response = client_for(student).post(survey_url(screening), post_data(screening, {"phq9": {"2": 1, "9": 1}}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请先回答所有题目再提交" in page
    assert 'data-testid="help-block"' in page
    assert page.index('data-testid="help-block"') < page.index('<form method="post" novalidate')
    # Nothing is submitted, but the critical answer is stored (as the draft) and acted on.
    assert not Submission.objects.exists()
    invitation = Invitation.objects.get(screening=screening, student=student)
    assert not invitation.is_submitted
    assert invitation.draft_answers() == {"phq9": {"2": 1, "9": 1}}
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student) == (
        SignalSource.SCREENING_ITEM,
        Severity.CRISIS,
        SignalReason.CRITICAL_ITEM,
        student,
    )
    assert Escalation.objects.get().student == student
    assert told(signal) == {counselor, head}
    assert notified() == {counselor, head, leader}
    assert_quiet(signal, student)


def test_a_refused_submission_without_a_critical_answer_stores_and_raises_nothing(
    screening, student, client_for
) -> None:
    response = client_for(student).post(survey_url(screening), post_data(screening, {"phq9": {"2": 1, "9": 0}}))
    assert response.status_code == 400
    assert 'data-testid="help-block"' not in response.content.decode()
    assert Invitation.objects.get(screening=screening, student=student).draft == ""
    assert not RiskSignal.objects.exists()


def test_a_paper_sheet_with_a_critical_item_is_raised_by_the_counselor_who_entered_it(
    screening, student, counselor, grade_counselor
) -> None:
    invitation = Invitation.objects.get(screening=screening, student=student)
    screenings.submit(
        invitation,
        {"phq9": phq9_answers(4, item9=1), "gad7": gad7_answers(0)},
        source=SubmissionSource.PAPER,
        entered_by=counselor,
    )
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.student, signal.raised_by) == (
        SignalSource.SCREENING_ITEM,
        Severity.CRISIS,
        student,
        counselor,
    )


# 2. Anonymous screenings -------------------------------------------------------------------


def test_an_anonymous_critical_answer_tells_the_office_without_a_name_and_helps_the_student(
    phq9, school_class, student, cast, counselor, head, grade_counselor, delivered, client_for
) -> None:
    screening = published([phq9], [school_class], is_anonymous=True, show_bands=True)
    client = client_for(student)
    with delivered():
        response = client.post(survey_url(screening), post_data(screening, {"phq9": phq9_answers(2, item9=1)}))
    assert response.status_code == 302
    submission = Submission.objects.get(screening=screening)
    assert submission.student is None
    assert not ScreeningWarning.objects.exists()
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason) == (
        SignalSource.ANONYMOUS_SCREENING,
        Severity.URGENT,
        SignalReason.CRITICAL_ITEM,
    )
    assert (signal.student, signal.school_class, signal.raised_by, signal.case, signal.escalation) == (
        None,
        school_class,
        None,
        None,
        None,
    )
    # The key does not name the invitation (which names the student).
    invitation = Invitation.objects.get(screening=screening, student=student)
    assert signal.source_key == anonymous_key(invitation)
    assert f"invitation:{invitation.pk}" not in signal.source_key
    assert not Escalation.objects.exists()
    # Nobody is named, so the head counselor answers for it; nobody else is told.
    assert told(signal) == {head}
    assert notified() == {head}
    assert_quiet(signal, student)
    # The student sees the help block at once, and no "minimal" band next to the critical answer.
    page = client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert 'data-testid="help-block"' in page
    assert "无或极轻微" not in page


def test_an_anonymous_refused_submit_helps_at_once_and_the_later_submission_raises_nothing_twice(
    phq9, school_class, student, head, client_for
) -> None:
    screening = published([phq9], [school_class], is_anonymous=True)
    client = client_for(student)
    response = client.post(survey_url(screening), post_data(screening, {"phq9": {"9": 3}}))
    assert response.status_code == 400
    assert 'data-testid="help-block"' in response.content.decode()
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.student, signal.school_class) == (
        SignalSource.ANONYMOUS_SCREENING,
        None,
        school_class,
    )
    client.post(survey_url(screening), post_data(screening, {"phq9": phq9_answers(9, item9=3)}))
    assert Submission.objects.get(screening=screening).student is None
    assert RiskSignal.objects.count() == 1


# 3. A total in the top band ----------------------------------------------------------------


def test_a_total_in_the_top_band_raises_an_urgent_signal_for_the_counselor_and_head(
    screening, student, cast, counselor, head, grade_counselor, delivered, client_for
) -> None:
    with delivered():
        client_for(student).post(
            survey_url(screening), post_data(screening, {"phq9": phq9_answers(22), "gad7": gad7_answers(3)})
        )
    warning = ScreeningWarning.objects.get()
    assert not warning.is_critical
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student) == (
        SignalSource.SCREENING_TOTAL,
        Severity.URGENT,
        SignalReason.HIGH_TOTAL,
        student,
    )
    assert signal.source_url == reverse("archives:warning_detail", args=[warning.pk])
    assert signal.escalation is None and not Escalation.objects.exists()
    assert told(signal) == {counselor, head}
    # The counselor also has the warning's own notice; the leaders, the class teacher and the
    # other counselor nothing.
    assert notified() == {counselor, head}
    assert_quiet(signal, student)


def test_a_total_below_the_top_band_raises_no_signal(screening, student, grade_counselor) -> None:
    invitation = Invitation.objects.get(screening=screening, student=student)
    screenings.submit(invitation, {"phq9": phq9_answers(19), "gad7": gad7_answers(14)})
    assert ScreeningWarning.objects.exists()
    assert not RiskSignal.objects.exists()


# 4. Zero report with incidents -------------------------------------------------------------


def test_a_zero_report_with_incidents_raises_an_urgent_signal_about_the_class(
    school_class, class_teacher, cast, head, delivered, client_for
) -> None:
    window = ReportingWindowFactory()
    url = reverse("archives:zero_file", args=[window.pk, school_class.pk])
    client = client_for(class_teacher)
    with delivered():
        response = client.post(url, {"incident_count": 2, "incidents": INCIDENT})
    assert response.status_code == 302
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason) == (
        SignalSource.ZERO_REPORT,
        Severity.URGENT,
        SignalReason.INCIDENT,
    )
    assert (signal.student, signal.school_class, signal.raised_by) == (None, school_class, class_teacher)
    assert signal.source_url == reverse("archives:zero_window_detail", args=[window.pk])
    assert told(signal) == {head}
    assert notified() == {head}
    assert_quiet(signal, None, INCIDENT, "冲突")
    # A correction of the same report raises nothing twice.
    client.post(url, {"incident_count": 3, "incidents": INCIDENT + "，已联系家长"})
    assert RiskSignal.objects.count() == 1


def test_nothing_to_report_raises_no_signal(school_class, class_teacher, head, client_for) -> None:
    window = ReportingWindowFactory()
    client_for(class_teacher).post(
        reverse("archives:zero_file", args=[window.pk, school_class.pk]), {"nothing_to_report": "on"}
    )
    assert not RiskSignal.objects.exists()


# 5. Class-log entry marked as a concern ----------------------------------------------------


def test_a_class_log_entry_marked_as_a_concern_raises_an_urgent_signal_about_the_pupil(
    student, class_teacher, cast, counselor, head, grade_counselor, delivered, client_for
) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    client = client_for(class_teacher)
    assert "需要心理辅导室关注" in client.get(reverse("archives:class_focus")).content.decode()
    with delivered():
        response = client.post(
            reverse("archives:class_log_add"),
            {"entry": entry.pk, "date": "2026-01-05", "channel": "face_to_face", "text": LOG_TEXT, "is_concern": "on"},
            follow=True,
        )
    assert "已通知心理辅导室" in response.content.decode()
    log = ClassLogEntry.objects.get()
    assert log.is_concern
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason) == (
        SignalSource.CLASS_LOG,
        Severity.URGENT,
        SignalReason.TEACHER_CONCERN,
    )
    assert (signal.student, signal.school_class, signal.raised_by) == (student, log.school_class, class_teacher)
    assert signal.source_url == reverse("archives:archive_detail", args=[student.pk])
    assert told(signal) == {counselor, head}
    assert notified() == {counselor, head}
    assert_quiet(signal, student, LOG_TEXT, "不想活")


def test_a_class_log_entry_not_marked_raises_no_signal(student, class_teacher, counselor, client_for) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    client_for(class_teacher).post(
        reverse("archives:class_log_add"),
        {"entry": entry.pk, "date": "2026-01-05", "channel": "face_to_face", "text": "课间谈心，情绪稳定"},
    )
    assert not ClassLogEntry.objects.get().is_concern
    assert not RiskSignal.objects.exists()


# 6. The thank-you page ---------------------------------------------------------------------


def test_the_thank_you_page_after_a_critical_item_helps_and_shows_no_minimal_band(
    phq9, gad7, school_class, student, grade_counselor, client_for
) -> None:
    screening = published([phq9, gad7], [school_class], show_bands=True)
    client = client_for(student)
    client.post(
        survey_url(screening), post_data(screening, {"phq9": phq9_answers(1, item9=1), "gad7": gad7_answers(6)})
    )
    page = client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert 'data-testid="help-block"' in page and "需要马上帮助" in page
    assert page.index('data-testid="help-block"') < page.index("<h1")
    for line in ("12356", "110", "120"):
        assert f'href="tel:{line}"' in page
    # PHQ-9's total is in the lowest band; that band is not shown next to the critical answer.
    assert "无或极轻微" not in page and "Minimal" not in page
    assert 'data-testid="encouragement"' not in page
    assert 'data-testid="reach-out"' in page
    # The other instrument's band is shown as the screening allows.
    assert "轻度焦虑" in page
    assert reverse("appointments:book") in page
    assert reverse("appointments:letter_new") in page


def test_the_thank_you_page_without_a_critical_item_has_no_help_block_but_the_links(
    screening, student, client_for
) -> None:
    client = client_for(student)
    client.post(survey_url(screening), post_data(screening, {"phq9": phq9_answers(3), "gad7": gad7_answers(2)}))
    page = client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert 'data-testid="help-block"' not in page
    assert 'data-testid="encouragement"' in page
    assert reverse("appointments:book") in page and reverse("appointments:letter_new") in page
