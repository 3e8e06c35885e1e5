"""The triage page of risk signals: who sees which signal, the list's order and blocks, the actions,
the re-sends an acknowledgement stops, and the nav item, home panel and digest line."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from counseling.cases import digest
from counseling.cases.enums import CaseSource, RiskLevel, Severity, SignalReason, SignalSource, SignalStatus
from counseling.cases.models import Case, Escalation, RiskSignal
from counseling.cases.services.signals import raise_signal, resend_unacknowledged
from counseling.cases.tests.factories import CaseFactory, RiskSignalFactory
from counseling.models import AuditEntry, OutboxMessage
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

ACTIONS = ("signal_acknowledge", "signal_dismiss", "signal_open_case", "signal_crisis")


def url(name: str, *args) -> str:
    return reverse(f"cases:{name}", args=args)


def raise_urgent(student, key: str = "tests:mailbox:1", severity: str = Severity.URGENT) -> RiskSignal:
    return raise_signal(
        source=SignalSource.MAILBOX, severity=severity, reason=SignalReason.RISK_WORDS, key=key, student=student
    )


def rows(page: str, testid: str) -> list[int]:
    """Positions of the elements carrying ``data-testid=testid``, to compare their order."""
    marker = f'data-testid="{testid}"'
    found, start = [], 0
    while (start := page.find(marker, start)) != -1:
        found.append(start)
        start += len(marker)
    return found


# Who sees what


@pytest.fixture
def signals(student, other_student, counselor, other_counselor, school_class):
    """The standard student's signals (routed to the counselor, who holds her case), a signal
    routed to the other counselor about the other student, and two anonymous ones from one class."""
    case = CaseFactory(student=student, counselor=counselor)
    now = timezone.now()
    return {
        "watch": RiskSignalFactory(
            student=student,
            counselor=counselor,
            case=case,
            severity=Severity.WATCH,
            source=SignalSource.SCREENING_TOTAL,
            reason=SignalReason.HIGH_TOTAL,
            raised_at=now - datetime.timedelta(hours=5),
        ),
        "urgent": RiskSignalFactory(
            student=student, counselor=counselor, case=case, raised_at=now - datetime.timedelta(hours=1)
        ),
        "elsewhere": RiskSignalFactory(
            student=other_student,
            counselor=other_counselor,
            severity=Severity.CRISIS,
            source=SignalSource.ZERO_REPORT,
            reason=SignalReason.INCIDENT,
            raised_at=now - datetime.timedelta(minutes=10),
        ),
        "anonymous_1": RiskSignalFactory(
            school_class=school_class,
            source=SignalSource.ANONYMOUS_SCREENING,
            reason=SignalReason.CRITICAL_ITEM,
            source_url="/archives/screenings/7/",
            raised_at=now - datetime.timedelta(hours=2),
        ),
        "anonymous_2": RiskSignalFactory(
            school_class=school_class,
            source=SignalSource.ANONYMOUS_SCREENING,
            reason=SignalReason.CRITICAL_ITEM,
            source_url="/archives/screenings/7/",
            raised_at=now - datetime.timedelta(hours=3),
        ),
    }


def test_the_counselor_sees_their_students_signals_in_one_block_and_anonymous_ones_per_class(
    client_for, counselor, student, other_student, signals
) -> None:
    page = client_for(counselor).get(url("triage")).content.decode()
    assert page.count('data-testid="signal-block"') == 2
    assert page.count('data-testid="signal-row"') == 4
    # Blocks come where their most pressing signal comes: the anonymous block's urgent signal
    # waited longer than the student's; inside a block, urgent before watch, the older first.
    blocks = rows(page, "signal-block")
    anonymous = page.index(url("signal_detail", signals["anonymous_2"].pk))
    urgent = page.index(url("signal_detail", signals["urgent"].pk))
    assert blocks[0] < anonymous < blocks[1] < urgent
    assert student.name in page and other_student.name not in page
    for signal in ("watch", "urgent", "anonymous_1", "anonymous_2"):
        assert url("signal_detail", signals[signal].pk) in page
    assert url("signal_detail", signals["elsewhere"].pk) not in page
    assert page.index(url("signal_detail", signals["urgent"].pk)) < page.index(
        url("signal_detail", signals["watch"].pk)
    )
    assert page.index(url("signal_detail", signals["anonymous_2"].pk)) < page.index(
        url("signal_detail", signals["anonymous_1"].pk)
    )
    # Each row: the source's translated label, the reason, the counselor, and a link to what raised it.
    with translation.override("zh-hans"):
        for text in (SignalSource.ANONYMOUS_SCREENING.label, SignalReason.HIGH_TOTAL.label, SignalReason.URGENT.label):
            assert str(text) in page
    assert 'href="/archives/screenings/7/"' in page
    assert counselor.name in page
    # The student's block links to her case.
    assert f'href="{url("detail", signals["urgent"].case_id)}" data-testid="block-case"' in page


def test_the_head_sees_every_signal_crisis_first(client_for, head, student, other_student, signals) -> None:
    page = client_for(head).get(url("triage")).content.decode()
    assert page.count('data-testid="signal-block"') == 3
    assert page.count('data-testid="signal-row"') == 5
    blocks = rows(page, "signal-block")
    crisis = page.index(url("signal_detail", signals["elsewhere"].pk))
    anonymous = page.index(url("signal_detail", signals["anonymous_1"].pk))
    urgent = page.index(url("signal_detail", signals["urgent"].pk))
    assert blocks[0] < crisis < blocks[1] < anonymous < blocks[2] < urgent


def test_another_counselor_gets_404_on_a_signal_neither_routed_to_them_nor_about_their_student(
    client_for, other_counselor, signals
) -> None:
    client = client_for(other_counselor)
    assert client.get(url("signal_detail", signals["urgent"].pk)).status_code == 404
    for action in ACTIONS:
        assert client.post(url(action, signals["urgent"].pk), {"reason": "x"}).status_code == 404
    signals["urgent"].refresh_from_db()
    assert signals["urgent"].status == SignalStatus.OPEN
    # Their own student's signal, and an anonymous one, they do see.
    assert client.get(url("signal_detail", signals["elsewhere"].pk)).status_code == 200
    assert client.get(url("signal_detail", signals["anonymous_1"].pk)).status_code == 200


@pytest.mark.parametrize("role", ["leader", "class_teacher", "student", "administrator"])
def test_everyone_but_counseling_staff_gets_403(client_for, cast, signals, role) -> None:
    client = client_for(getattr(cast, role))
    assert client.get(url("triage")).status_code == 403
    assert client.get(url("signal_detail", signals["urgent"].pk)).status_code == 403
    for action in ACTIONS:
        assert client.post(url(action, signals["urgent"].pk), {"reason": "x"}).status_code == 403


def test_actions_answer_405_to_a_get(client_for, counselor, signals) -> None:
    for action in ACTIONS:
        assert client_for(counselor).get(url(action, signals["urgent"].pk)).status_code == 405
    assert RiskSignal.objects.open().count() == 5


def test_reading_a_signal_is_audited(client_for, counselor, signals) -> None:
    signal = signals["urgent"]
    page = client_for(counselor).get(url("signal_detail", signal.pk)).content.decode()
    assert 'data-testid="signal-open"' in page
    entry = AuditEntry.objects.for_object(signal).get()
    assert (entry.action, entry.actor, entry.student_id, entry.detail) == ("view", counselor, signal.student_id, "")


def test_the_list_runs_the_same_queries_for_one_signal_and_twenty(
    client_for, counselor, school_class, django_assert_num_queries
) -> None:
    client = client_for(counselor)

    def add(number: int) -> None:
        pupil = make_student(f"pupil{number}", school_class, student_number=f"2025{number:04d}")
        case = CaseFactory(student=pupil, counselor=counselor)
        severity = (Severity.WATCH, Severity.URGENT, Severity.CRISIS)[number % 3]
        RiskSignalFactory(student=pupil, counselor=counselor, case=case, severity=severity)
        RiskSignalFactory(
            school_class=school_class, source=SignalSource.ANONYMOUS_SCREENING, source_url=f"/s/{number}/"
        )

    add(0)
    client.get(url("triage"))  # the menu and the session are cached after the first request
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("triage")).content.decode().count('data-testid="signal-row"') == 2
    for number in range(1, 20):
        add(number)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url("triage")).content.decode().count('data-testid="signal-row"') == 40


# The actions


def test_acknowledging_stops_the_re_sends(client_for, counselor, head, case) -> None:
    signal = raise_urgent(case.student)
    assert OutboxMessage.objects.count() == 2
    response = client_for(counselor).post(url("signal_acknowledge", signal.pk))
    assert response["Location"] == url("signal_detail", signal.pk)
    signal.refresh_from_db()
    assert (signal.status, signal.handled_by) == (SignalStatus.ACKNOWLEDGED, counselor)
    assert AuditEntry.objects.for_object(signal).filter(action="acknowledge").count() == 1
    before = OutboxMessage.objects.count()
    assert resend_unacknowledged(timezone.now() + datetime.timedelta(hours=2)) == 0
    assert OutboxMessage.objects.count() == before
    # Handled: it left the open list for the handled one.
    client = client_for(counselor)
    assert url("signal_detail", signal.pk) not in client.get(url("triage")).content.decode()
    assert url("signal_detail", signal.pk) in client.get(url("triage") + "?show=handled").content.decode()
    # Acknowledging again changes nothing.
    client_for(head).post(url("signal_acknowledge", signal.pk))
    signal.refresh_from_db()
    assert signal.handled_by == counselor


@override_settings(SIGNAL_RESEND_MINUTES=10)
def test_an_unacknowledged_signal_is_sent_again_and_climbs_to_the_leaders(case, counselor, head, leader) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        signal = raise_urgent(case.student)

    def round_to(number: int) -> set:
        return set(
            OutboxMessage.objects.filter(
                dedupe_key__startswith=f"cases:signal:{signal.pk}:round:{number}:"
            ).values_list("recipient__username", flat=True)
        )

    assert round_to(1) == {"counselor", "head"}
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        assert resend_unacknowledged() == 0
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        assert resend_unacknowledged() == 1
        assert resend_unacknowledged() == 0  # the same scan again sends nothing more
    assert round_to(2) == {"counselor", "head"}
    # After two rounds nobody acknowledged, the leaders are told too.
    with time_machine.travel(start + datetime.timedelta(minutes=22), tick=False):
        assert resend_unacknowledged() == 1
    assert round_to(3) == {"counselor", "head", "leader"}
    for message in OutboxMessage.objects.select_related("recipient"):
        assert case.student.name not in message.title + message.body
        # Those who triage open the signal; a leader (who may not) is sent to their home page.
        expected = reverse("home") if message.recipient == leader else url("signal_detail", signal.pk)
        assert message.url == expected


def test_dismissing_needs_a_reason_kept_encrypted(client_for, counselor, case) -> None:
    signal = raise_urgent(case.student)
    response = client_for(counselor).post(url("signal_dismiss", signal.pk), {"reason": "  "})
    assert response.status_code == 200
    assert 'data-testid="dismiss-form"' in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.OPEN
    reason = "与学生面谈，信中是在引用小说台词"
    client_for(counselor).post(url("signal_dismiss", signal.pk), {"reason": reason})
    signal.refresh_from_db()
    assert (signal.status, signal.handled_by, signal.dismiss_reason) == (SignalStatus.DISMISSED, counselor, reason)
    with connection.cursor() as cursor:
        cursor.execute("SELECT dismiss_reason FROM cases_risksignal WHERE id = %s", [signal.pk])
        assert reason not in cursor.fetchone()[0]
    assert AuditEntry.objects.for_object(signal).get(action="change").detail == "dismissed"
    assert not OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:", sent_at=None).exists()
    page = client_for(counselor).get(url("signal_detail", signal.pk)).content.decode()
    assert reason in page and 'data-testid="dismiss-form"' not in page


def test_an_anonymous_signal_opens_no_case_and_says_why(client_for, head, school_class) -> None:
    signal = RiskSignalFactory(school_class=school_class, source=SignalSource.ANONYMOUS_SCREENING)
    response = client_for(head).post(url("signal_open_case", signal.pk), follow=True)
    assert "匿名信号没有对应的学生，无法开立个案。" in response.content.decode()
    response = client_for(head).post(url("signal_crisis", signal.pk), follow=True)
    assert "匿名信号没有对应的学生，无法启动危机上报。" in response.content.decode()
    assert not Case.objects.exists() and not Escalation.objects.exists()


def test_opening_a_case_from_a_signal_gives_it_the_signals_risk(client_for, counselor, student) -> None:
    signal = RiskSignalFactory(student=student, counselor=counselor, source=SignalSource.MAILBOX)
    response = client_for(counselor).post(url("signal_open_case", signal.pk))
    case = Case.objects.get()
    assert response["Location"] == url("detail", case.pk)
    assert (case.student, case.counselor, case.source, case.risk_level) == (
        student,
        counselor,
        CaseSource.MAILBOX,
        RiskLevel.MEDIUM,
    )
    signal.refresh_from_db()
    assert (signal.case, signal.status) == (case, SignalStatus.ACKNOWLEDGED)


def test_a_signal_about_a_colleagues_student_is_linked_to_their_case(
    client_for, counselor, other_counselor, student, head
) -> None:
    case = CaseFactory(student=student, counselor=other_counselor)
    signal = RiskSignalFactory(student=student, counselor=counselor)
    response = client_for(counselor).post(url("signal_open_case", signal.pk), follow=True)
    assert other_counselor.name in response.content.decode()
    signal.refresh_from_db()
    assert signal.case == case and Case.objects.count() == 1


def test_raising_a_crisis_opens_a_case_and_an_escalation_the_leaders_hear_of(
    client_for, counselor, student, head, leader
) -> None:
    signal = RiskSignalFactory(student=student, counselor=counselor)
    response = client_for(counselor).post(url("signal_crisis", signal.pk))
    escalation = Escalation.objects.get()
    case = Case.objects.get()
    assert response["Location"] == url("crisis_detail", escalation.pk)
    signal.refresh_from_db()
    assert (signal.severity, signal.escalation, signal.case, signal.status) == (
        Severity.CRISIS,
        escalation,
        case,
        SignalStatus.ACKNOWLEDGED,
    )
    assert (escalation.case, case.counselor, case.risk_level) == (case, counselor, RiskLevel.HIGH)
    crisis_url = url("crisis_detail", escalation.pk)
    assert set(OutboxMessage.objects.filter(url=crisis_url).values_list("recipient__username", flat=True)) == {
        "head",
        "leader",
    }
    page = client_for(counselor).get(crisis_url).content.decode()
    assert url("signal_detail", signal.pk) in page
    # Twice is refused, with a message.
    response = client_for(counselor).post(url("signal_crisis", signal.pk), follow=True)
    assert "这条信号已经启动了危机处置流程。" in response.content.decode()
    assert Escalation.objects.count() == 1


# The nav item, the home panel, the digest


def test_the_nav_and_home_panel_show_counseling_staff_the_pressing_signals(
    client_for, counselor, class_teacher, leader, case
) -> None:
    raise_urgent(case.student)
    raise_urgent(case.student, key="tests:mailbox:2", severity=Severity.CRISIS)
    RiskSignalFactory(student=case.student, counselor=case.counselor, severity=Severity.WATCH)
    home = client_for(counselor).get(reverse("home")).content.decode()
    assert f'href="{url("triage")}"' in home and "风险信号" in home
    assert 'data-testid="signals-panel"' in home
    assert "1 条危机信号未处理" in home and "1 条紧急信号未处理" in home
    for user in (class_teacher, leader):
        page = client_for(user).get(reverse("home")).content.decode()
        assert url("triage") not in page and 'data-testid="signals-panel"' not in page


def test_the_digest_counts_watch_signals_and_names_nobody(counselor, other_counselor, student, case) -> None:
    RiskSignalFactory(student=student, counselor=counselor, severity=Severity.WATCH)
    RiskSignalFactory(student=student, counselor=counselor, severity=Severity.WATCH)
    RiskSignalFactory(student=student, counselor=counselor, severity=Severity.URGENT)
    with translation.override("zh-hans"):
        lines = notices.lines(digest.items_for(counselor, timezone.localdate()), "zh-hans")
        assert "2 条待关注的风险信号" in lines
        assert not any(student.name in line for line in lines if "风险信号" in line)
        assert not any(
            "风险信号" in line
            for line in notices.lines(digest.items_for(other_counselor, timezone.localdate()), "zh-hans")
        )
