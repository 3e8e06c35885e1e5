"""The crisis path: escalation to the head counselor and leaders, acknowledgement, re-sending."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import CaseSource, RiskLevel
from counseling.cases.models import Escalation
from counseling.cases.services import acknowledge, escalate, resend_unacknowledged
from counseling.cases.tasks import resend_unacknowledged_escalations
from counseling.cases.tests.factories import NOTE_WORDS, CaseFactory, EscalationFactory
from counseling.models import AuditEntry, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

NARRATIVE = "在天台边徘徊，说活着没意思"
CRISIS_DATA = {
    "risk_level": "imminent",
    "occurred_at": "",
    "narrative": NARRATIVE,
    "guardian_called": "on",
    "guardian_called_at": "",
    "escorted": "on",
    "escort_by": "张老师",
    "hospital_name": "",
}


def _crisis_data(**changes) -> dict:
    data = {**CRISIS_DATA, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    data.update(changes)
    return data


def test_recording_a_crisis_reaches_head_and_leaders_at_once_after_commit(
    client_for, case, counselor, head, leader, second_leader, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(counselor).post(reverse("cases:crisis_add", args=[case.pk]), _crisis_data())
        # Nothing is sent before the transaction commits: the outbox rows wait for it.
        assert mail.outbox == []
    assert callbacks
    escalation = Escalation.objects.get()
    assert response["Location"] == reverse("cases:crisis_detail", args=[escalation.pk])
    assert (escalation.risk_level, escalation.is_crisis_event, escalation.guardian_called, escalation.escort_by) == (
        "imminent",
        True,
        True,
        "张老师",
    )
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.IMMINENT
    assert sorted(m.to[0] for m in mail.outbox) == sorted([head.email, leader.email, second_leader.email])
    for message in mail.outbox:
        # The e-mail is quiet (no name); the notice in the app names the student.
        assert message.subject == "心理辅导室：一条需要您确认的紧急事项"
        assert case.student.get_full_name() not in message.subject + message.body
        assert NARRATIVE not in message.subject + message.body
    for notice in Notification.objects.filter(user__in=[head, leader, second_leader]):
        assert case.student.get_full_name() in notice.title
    assert Notification.objects.filter(user__in=[head, leader, second_leader]).count() == 3
    assert AuditEntry.objects.for_object(escalation).get().action == "escalate"


def test_crisis_form_refuses_garbage(client_for, case, counselor) -> None:
    for changes in ({"risk_level": "low"}, {"occurred_at": "yesterday"}, {"narrative": ""}, {"hospital": "on"}):
        response = client_for(counselor).post(reverse("cases:crisis_add", args=[case.pk]), _crisis_data(**changes))
        assert response.status_code == 200
    assert not Escalation.objects.exists()


def test_a_screening_escalation_without_a_case_is_linked_to_the_open_case(
    case, head, other_counselor, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalate(
            student=case.student, raised_by=None, source=CaseSource.SCREENING_WARNING, risk_level=RiskLevel.HIGH
        )
    assert escalation.case == case and escalation.raised_by is None
    # The case's counselor hears of it too, because someone else (the system) raised it.
    assert case.counselor.email in [m.to[0] for m in mail.outbox]
    assert AuditEntry.objects.for_object(escalation).get().actor_name == "system"


def test_leader_acknowledges_and_re_sends_stop(client_for, case, leader, head) -> None:
    escalation = escalate(
        student=case.student, raised_by=case.counselor, source=CaseSource.CRISIS, risk_level="high", case=case
    )
    client_for(leader).post(reverse("cases:crisis_acknowledge", args=[escalation.pk]))
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == leader and escalation.acknowledged_at is not None
    assert AuditEntry.objects.for_object(escalation).filter(action="acknowledge").count() == 1
    assert resend_unacknowledged(timezone.now() + datetime.timedelta(hours=1)) == 0
    # A second acknowledgement changes nothing.
    assert acknowledge(escalation, by=head) is False
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == leader


def test_unacknowledged_escalation_is_sent_again_after_15_minutes_once_per_round(case, head, leader) -> None:
    escalation = escalate(
        student=case.student, raised_by=case.counselor, source=CaseSource.CRISIS, risk_level="high", case=case
    )
    first = OutboxMessage.objects.count()
    assert first == 2
    assert resend_unacknowledged(timezone.now() + datetime.timedelta(minutes=14)) == 0
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert resend_unacknowledged(later) == 1
    assert resend_unacknowledged(later) == 0  # the same scan again (a retried task) sends nothing more
    assert OutboxMessage.objects.count() == 4
    escalation.refresh_from_db()
    assert escalation.rounds_sent == 2
    titles = set(OutboxMessage.objects.filter(dedupe_key__contains=":round:2:").values_list("title", flat=True))
    assert len(titles) == 1 and case.student.get_full_name() in titles.pop()


@override_settings(CRISIS_ACK_MINUTES=5)
def test_the_acknowledgement_window_is_configurable(case, head) -> None:
    escalate(student=case.student, raised_by=case.counselor, source=CaseSource.CRISIS, risk_level="high", case=case)
    assert resend_unacknowledged(timezone.now() + datetime.timedelta(minutes=6)) == 1


def test_the_periodic_task_re_sends(case, head) -> None:
    escalation = EscalationFactory(case=case, last_sent_at=timezone.now() - datetime.timedelta(minutes=20))
    assert resend_unacknowledged_escalations.delay().get() == 1
    assert (
        OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:escalation:{escalation.pk}:round:2:").count() == 1
    )


def test_leaders_crisis_view_shows_the_facts_and_never_notes_or_narrative(client_for, case, leader, note) -> None:
    escalation = EscalationFactory(
        case=case, guardian_called=True, escorted=True, escort_by="班主任", hospital=True, hospital_name="市第一医院"
    )
    page = client_for(leader).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    assert case.student.get_full_name() in page
    assert "市第一医院" in page and "班主任" in page
    assert escalation.narrative not in page
    assert NOTE_WORDS not in page
    assert reverse("cases:detail", args=[case.pk]) not in page
    listing = client_for(leader).get(reverse("cases:crisis_list")).content.decode()
    assert case.student.get_full_name() in listing and escalation.narrative not in listing
    assert client_for(leader).get(reverse("cases:detail", args=[case.pk])).status_code == 403
    assert AuditEntry.objects.for_object(escalation).get().actor == leader


def test_counselor_reads_the_narrative_of_their_own_case_only(
    client_for, case, counselor, other_counselor, other_student
) -> None:
    escalation = EscalationFactory(case=case)
    other = EscalationFactory(case=CaseFactory(student=other_student, counselor=other_counselor))
    page = client_for(counselor).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    assert escalation.narrative in page
    assert client_for(counselor).get(reverse("cases:crisis_detail", args=[other.pk])).status_code == 404


def test_counselor_records_actions_taken(client_for, case, counselor) -> None:
    escalation = EscalationFactory(case=case)
    client_for(counselor).post(
        reverse("cases:crisis_actions", args=[escalation.pk]),
        {"guardian_called": "on", "hospital": "on", "hospital_name": "市第一医院", "escort_by": ""},
    )
    escalation.refresh_from_db()
    assert (escalation.guardian_called, escalation.hospital, escalation.hospital_name) == (True, True, "市第一医院")
    change = AuditEntry.objects.for_object(escalation).get(action="change")
    assert "hospital_name" in change.detail


def test_unacknowledged_escalations_are_on_the_leaders_home_page(client_for, case, leader) -> None:
    escalation = EscalationFactory(case=case)
    page = client_for(leader).get(reverse("home")).content.decode()
    assert reverse("cases:crisis_detail", args=[escalation.pk]) in page
    acknowledge(escalation, by=leader)
    page = client_for(leader).get(reverse("home")).content.decode()
    assert reverse("cases:crisis_detail", args=[escalation.pk]) not in page
