"""The case records' roads into risk signals (a referral, a case's risk raised), the risk floor a
case keeps while signals are open, and the case and crisis pages agreeing with the signals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from counseling.cases.enums import (
    CaseSource,
    ConcernStatus,
    RiskLevel,
    Severity,
    SignalReason,
    SignalSource,
    SignalStatus,
)
from counseling.cases.models import Case, Concern, Escalation, RiskLowering, RiskSignal
from counseling.cases.services.signals import raise_crisis, raise_signal
from counseling.cases.tests.factories import EscalationFactory, RiskSignalFactory
from counseling.models import AuditEntry, ConcernCategory, OutboxMessage

pytestmark = pytest.mark.django_db

WORDS = "她说不想活了，晚上在宿舍哭"


def signal_notices(signal: RiskSignal):
    return OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:").select_related("recipient")


def assert_quiet(messages, *secrets: str) -> None:
    """A signal's notices name neither the student nor anything they or the referrer wrote."""
    assert messages
    for message in messages:
        for secret in secrets:
            assert secret not in message.title + message.body


def pass_on(client, student, *, urgency: str, category: str | None = None):
    data = {"student": student.pk, "urgency": urgency, "description": WORDS}
    if category:
        data["category"] = ConcernCategory.objects.get(code=category).pk
    return client.post(reverse("cases:concern_new"), data)


# A referral (a class teacher's or committee member's concern)


def test_an_urgent_referral_raises_an_urgent_signal_for_the_students_counselor_and_the_head(
    client_for, class_teacher, student, counselor, other_counselor, head, leader, case
) -> None:
    pass_on(client_for(class_teacher), student, urgency="urgent", category="study")
    concern = Concern.objects.get()
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student, signal.counselor, signal.raised_by) == (
        SignalSource.REFERRAL,
        Severity.URGENT,
        SignalReason.URGENT,
        student,
        counselor,
        class_teacher,
    )
    assert signal.source_url == reverse("cases:concern_detail", args=[concern.pk])
    assert signal.source_key == f"cases:concern:{concern.pk}"
    # The student's open case is linked and shows at least the risk the signal asks for.
    case.refresh_from_db()
    assert signal.case == case and case.risk_level == RiskLevel.MEDIUM
    notices = signal_notices(signal)
    assert {m.recipient for m in notices} == {counselor, head}
    assert {m.url for m in notices} == {reverse("cases:signal_detail", args=[signal.pk])}
    assert_quiet(notices, student.name, WORDS, "学习", class_teacher.name)
    assert not Escalation.objects.exists()
    # The head counselor's notice of the concern itself says it is urgent.
    concern_notice = OutboxMessage.objects.get(dedupe_key=f"cases:concern:{concern.pk}:to:{head.pk}")
    assert concern_notice.title.startswith("紧急：")


def test_a_risk_category_raises_an_urgent_signal_with_that_reason(client_for, class_teacher, student, head) -> None:
    pass_on(client_for(class_teacher), student, urgency="normal", category="self_harm")
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student) == (
        SignalSource.REFERRAL,
        Severity.URGENT,
        SignalReason.RISK_CATEGORY,
        student,
    )
    # Nobody follows the student yet: the head counselor answers for them.
    assert signal.counselor == head
    assert {m.recipient for m in signal_notices(signal)} == {head}
    assert_quiet(signal_notices(signal), student.name, WORDS, "自伤")
    concern = Concern.objects.get()
    concern_notice = OutboxMessage.objects.get(dedupe_key=f"cases:concern:{concern.pk}:to:{head.pk}")
    assert not concern_notice.title.startswith("紧急")
    assert not Case.objects.exists()


def test_an_urgent_referral_in_a_risk_category_is_a_crisis(
    client_for, class_teacher, student, counselor, head, leader, case
) -> None:
    pass_on(client_for(class_teacher), student, urgency="urgent", category="self_harm")
    signal = RiskSignal.objects.get()
    assert (signal.severity, signal.reason) == (Severity.CRISIS, SignalReason.RISK_CATEGORY)
    escalation = Escalation.objects.get()
    assert (signal.escalation, escalation.case, escalation.student) == (escalation, case, student)
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH
    # The leaders hear of it through the escalation; the signal's own notices stay with the office.
    assert {m.recipient for m in signal_notices(signal)} == {counselor, head}
    crisis_url = reverse("cases:crisis_detail", args=[escalation.pk])
    assert set(OutboxMessage.objects.filter(url=crisis_url).values_list("recipient__username", flat=True)) >= {
        "head",
        "leader",
    }
    for message in OutboxMessage.objects.all():
        assert WORDS not in message.title + message.body


def test_a_crisis_referral_about_a_student_nobody_follows_opens_a_case(
    client_for, class_teacher, student, head
) -> None:
    pass_on(client_for(class_teacher), student, urgency="urgent", category="self_harm")
    case = Case.objects.get()
    signal = RiskSignal.objects.get()
    assert (case.student, case.counselor, case.source, case.risk_level) == (
        student,
        head,
        CaseSource.TEACHER_REFERRAL,
        RiskLevel.HIGH,
    )
    assert signal.case == case and signal.escalation.case == case


def test_a_normal_referral_about_anything_else_raises_no_signal(client_for, class_teacher, student, head) -> None:
    pass_on(client_for(class_teacher), student, urgency="normal", category="study")
    pass_on(client_for(class_teacher), student, urgency="normal")
    assert Concern.objects.count() == 2
    assert not RiskSignal.objects.exists()


def test_the_concern_page_leads_to_the_signal_and_closing_without_a_case_waits_for_it(
    client_for, class_teacher, student, counselor, head
) -> None:
    pass_on(client_for(class_teacher), student, urgency="urgent")
    concern = Concern.objects.get()
    signal = RiskSignal.objects.get()
    page = client_for(head).get(reverse("cases:concern_detail", args=[concern.pk])).content.decode()
    assert f'href="{reverse("cases:signal_detail", args=[signal.pk])}"' in page
    assert 'data-testid="no-case-blocked"' in page
    assert reverse("cases:concern_no_case", args=[concern.pk]) not in page
    # The signal is open: "handled without a case" is refused with a message, and nothing changes.
    response = client_for(head).post(reverse("cases:concern_no_case", args=[concern.pk]), follow=True)
    assert "这条转介产生的风险信号尚未处理" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RECEIVED
    # Dismissed with a reason, the concern may close without a case.
    client_for(head).post(reverse("cases:signal_dismiss", args=[signal.pk]), {"reason": "已与班主任核实，误会"})
    client_for(head).post(reverse("cases:concern_no_case", args=[concern.pk]))
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NO_CASE


def test_taking_a_concern_up_acknowledges_its_signal_and_the_case_takes_its_risk(
    client_for, class_teacher, student, counselor
) -> None:
    pass_on(client_for(class_teacher), student, urgency="urgent")
    concern = Concern.objects.get()
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    case = Case.objects.get()
    signal = RiskSignal.objects.get()
    assert (signal.status, signal.handled_by, signal.case) == (SignalStatus.ACKNOWLEDGED, counselor, case)
    assert case.risk_level == Severity.risk_level(Severity.URGENT) == RiskLevel.MEDIUM


# A case's risk raised by its counselor


def test_raising_a_case_to_high_raises_an_urgent_case_risk_signal_that_the_crisis_page_names(
    client_for, case, counselor, head, leader
) -> None:
    response = client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.HIGH, "status": case.status}
    )
    assert response.status_code == 302
    signal = RiskSignal.objects.get()
    escalation = Escalation.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student, signal.case, signal.escalation) == (
        SignalSource.CASE_RISK,
        Severity.URGENT,
        SignalReason.RISK_RAISED,
        case.student,
        case,
        escalation,
    )
    # The counselor who raised it is not told of their own signal; the head counselor is.
    assert {m.recipient for m in signal_notices(signal)} == {head}
    assert_quiet(signal_notices(signal), case.student.name)
    # The crisis page says what triggered it, to the leader too (who cannot open the signal).
    with translation.override("zh-hans"):
        label, reason = str(SignalSource.CASE_RISK.label), str(SignalReason.RISK_RAISED.label)
    for user, link in ((head, True), (leader, False)):
        page = client_for(user).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
        assert 'data-testid="crisis-trigger"' in page
        assert label in page and reason in page
        assert (reverse("cases:signal_detail", args=[signal.pk]) in page) is link


def test_raising_a_case_to_imminent_raises_a_crisis_signal_with_one_escalation(
    client_for, case, counselor, head, leader
) -> None:
    client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.IMMINENT, "status": case.status}
    )
    signal = RiskSignal.objects.get()
    escalation = Escalation.objects.get()
    assert (signal.source, signal.severity, signal.escalation) == (SignalSource.CASE_RISK, Severity.CRISIS, escalation)
    # Recorded as a direct raise would be: at the case's level and source.
    assert (escalation.risk_level, escalation.source, escalation.case) == (RiskLevel.IMMINENT, case.source, case)
    crisis_url = reverse("cases:crisis_detail", args=[escalation.pk])
    assert OutboxMessage.objects.filter(url=crisis_url, recipient=leader).count() == 1


def test_lowering_or_keeping_the_risk_raises_no_signal(client_for, case, counselor) -> None:
    client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.MEDIUM, "status": case.status}
    )
    client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.NONE, "status": case.status}
    )
    assert not RiskSignal.objects.exists()


def test_a_case_risk_raised_by_a_signal_is_no_case_risk_signal(case, head) -> None:
    raise_signal(
        source=SignalSource.MAILBOX,
        severity=Severity.CRISIS,
        reason=SignalReason.RISK_WORDS,
        key="tests:mailbox:1",
        student=case.student,
    )
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH
    assert list(RiskSignal.objects.values_list("source", flat=True)) == [SignalSource.MAILBOX]
    assert Escalation.objects.count() == 1


# The risk floor: a case never shows less risk than its student's open signals, without a reason


def test_lowering_the_risk_below_open_signals_needs_a_reason(client_for, case, counselor) -> None:
    case.risk_level = RiskLevel.HIGH
    case.save()
    RiskSignalFactory(student=case.student, counselor=counselor, severity=Severity.URGENT)
    url = reverse("cases:case_edit", args=[case.pk])
    form = client_for(counselor).get(url).content.decode()
    assert 'name="lower_reason"' in form
    response = client_for(counselor).post(url, {"risk_level": RiskLevel.LOW, "status": case.status})
    assert response.status_code == 200
    assert "该学生未处理的风险信号要求风险等级至少为“中”" in response.content.decode()
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH and not RiskLowering.objects.exists()
    # Down to what the signals ask is fine without a reason.
    client_for(counselor).post(url, {"risk_level": RiskLevel.MEDIUM, "status": case.status})
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.MEDIUM and not RiskLowering.objects.exists()


def test_a_reason_lets_the_risk_go_below_open_signals_and_is_kept_encrypted(client_for, case, counselor) -> None:
    RiskSignalFactory(student=case.student, counselor=counselor, severity=Severity.CRISIS)
    case.risk_level = RiskLevel.HIGH
    case.save()
    reason = "面谈后评估：该生的话是指考试压力，无自伤计划"
    response = client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]),
        {"risk_level": RiskLevel.LOW, "status": case.status, "lower_reason": reason},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.LOW
    lowering = RiskLowering.objects.get()
    assert (lowering.from_level, lowering.to_level, lowering.floor, lowering.by, lowering.reason) == (
        RiskLevel.HIGH,
        RiskLevel.LOW,
        RiskLevel.HIGH,
        counselor,
        reason,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM cases_risklowering WHERE id = %s", [lowering.pk])
        assert reason not in cursor.fetchone()[0]
    entry = AuditEntry.objects.for_object(case).get(action="change")
    assert entry.detail == "fields: risk_level; lowered below open signals"
    assert not AuditEntry.objects.filter(detail__contains="考试").exists()
    page = client_for(counselor).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="risk-lowering"' in page and reason in page


def test_without_open_signals_the_form_asks_no_reason(client_for, case, counselor) -> None:
    RiskSignalFactory(student=case.student, counselor=counselor, status=SignalStatus.ACKNOWLEDGED)
    case.risk_level = RiskLevel.HIGH
    case.save()
    url = reverse("cases:case_edit", args=[case.pk])
    assert 'name="lower_reason"' not in client_for(counselor).get(url).content.decode()
    client_for(counselor).post(url, {"risk_level": RiskLevel.NONE, "status": case.status})
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.NONE


# The case page and the crisis page agree with the signals


def test_the_case_page_lists_the_students_signals(client_for, case, counselor, other_student) -> None:
    urgent = RiskSignalFactory(
        student=case.student, counselor=counselor, source=SignalSource.MAILBOX, reason=SignalReason.RISK_WORDS
    )
    handled = RiskSignalFactory(
        student=case.student,
        counselor=counselor,
        severity=Severity.WATCH,
        source=SignalSource.SCREENING_TOTAL,
        reason=SignalReason.HIGH_TOTAL,
        status=SignalStatus.ACKNOWLEDGED,
        handled_by=counselor,
    )
    RiskSignalFactory(student=other_student, counselor=counselor)
    page = client_for(counselor).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert page.count('data-testid="case-signal"') == 2
    for signal in (urgent, handled):
        assert reverse("cases:signal_detail", args=[signal.pk]) in page
    with translation.override("zh-hans"):
        for text in (SignalSource.MAILBOX.label, SignalReason.RISK_WORDS.label, SignalReason.HIGH_TOTAL.label):
            assert str(text) in page
    assert "该学生未处理的风险信号要求风险等级至少为“中”" in page


def test_a_crisis_raised_from_a_signal_names_its_trigger_on_the_crisis_page(
    client_for, student, counselor, head, leader
) -> None:
    signal = RiskSignalFactory(
        student=student, counselor=counselor, source=SignalSource.SCREENING_ITEM, reason=SignalReason.CRITICAL_ITEM
    )
    escalation = raise_crisis(signal, by=counselor)
    case = Case.objects.get()
    assert (escalation.case, case.counselor, case.source) == (case, counselor, CaseSource.SCREENING_WARNING)
    assert case.risk_level == RiskLevel.HIGH
    page = client_for(leader).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    with translation.override("zh-hans"):
        assert str(SignalSource.SCREENING_ITEM.label) in page and str(SignalReason.CRITICAL_ITEM.label) in page


def test_a_crisis_event_says_it_was_recorded_on_the_case(client_for, case, counselor, head) -> None:
    escalation = EscalationFactory(case=case, is_crisis_event=True)
    page = client_for(head).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    assert "个案中记录的危机事件" in page
