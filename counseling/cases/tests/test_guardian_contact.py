"""A case with a crisis closes only once the guardian contact (time, by whom, outcome) is on
record, or the reason the guardian was not contacted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Escalation
from counseling.cases.services import GuardianContactMissingError, update_case
from counseling.cases.tests.factories import EscalationFactory

pytestmark = pytest.mark.django_db

CLOSE = {"risk_level": "low", "status": "closed"}
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_a_case_without_a_crisis_closes_as_before(client_for, case, counselor) -> None:
    client_for(counselor).post(reverse("cases:case_edit", args=[case.pk]), CLOSE)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_closing_is_refused_while_the_guardian_contact_is_missing(client_for, case, counselor) -> None:
    escalation = EscalationFactory(case=case, guardian_called=True, guardian_called_at=timezone.now())
    response = client_for(counselor).post(reverse("cases:case_edit", args=[case.pk]), CLOSE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个个案的危机尚未记录与监护人的联系" in page
    assert reverse("cases:crisis_actions", args=[escalation.pk]) in page
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.risk_level) == (CaseStatus.OPEN, None, "low")
    with pytest.raises(GuardianContactMissingError):
        update_case(case, by=counselor, status=CaseStatus.CLOSED)


def test_recording_time_person_and_outcome_lets_the_case_close(client_for, case, counselor) -> None:
    escalation = EscalationFactory(case=case)
    client = client_for(counselor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="guardian-contact-missing"' in page
    response = client.post(
        reverse("cases:crisis_actions", args=[escalation.pk]),
        {
            "guardian_called": "on",
            "guardian_called_at": NOW,
            "guardian_contact_by": "张老师",
            "guardian_contact_outcome": "母亲接听，半小时后到校接孩子。",
            "guardian_not_contacted_reason": "",
            "escort_by": "",
            "hospital_name": "",
        },
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.guardian_contact_settled
    assert escalation.guardian_contact_outcome == "母亲接听，半小时后到校接孩子。"
    client.post(reverse("cases:case_edit", args=[case.pk]), CLOSE)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_reason_for_not_contacting_also_lets_the_case_close(client_for, case, counselor) -> None:
    escalation = EscalationFactory(case=case)
    client = client_for(counselor)
    client.post(
        reverse("cases:crisis_actions", args=[escalation.pk]),
        {"guardian_not_contacted_reason": "怀疑家中施暴，已报告校长并联系社工。", "escort_by": "", "hospital_name": ""},
    )
    escalation.refresh_from_db()
    assert not escalation.guardian_called and escalation.guardian_contact_settled
    client.post(reverse("cases:case_edit", args=[case.pk]), CLOSE)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_a_call_without_whom_or_outcome_is_not_enough(case, counselor) -> None:
    EscalationFactory(case=case, guardian_called=True, guardian_called_at=timezone.now(), guardian_contact_by="张老师")
    with pytest.raises(GuardianContactMissingError):
        update_case(case, by=counselor, status=CaseStatus.CLOSED)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_contacted_and_a_reason_for_not_contacting_contradict(client_for, case, counselor) -> None:
    escalation = EscalationFactory(case=case)
    response = client_for(counselor).post(
        reverse("cases:crisis_actions", args=[escalation.pk]),
        {"guardian_called": "on", "guardian_not_contacted_reason": "联系不上", "escort_by": "", "hospital_name": ""},
    )
    assert response.status_code == 200
    assert "已联系监护人" in response.content.decode()
    assert not Escalation.objects.get(pk=escalation.pk).guardian_called


def test_leaders_see_who_contacted_the_guardian_but_not_what_was_said(client_for, case, counselor, leader) -> None:
    escalation = EscalationFactory(
        case=case,
        guardian_called=True,
        guardian_called_at=timezone.now(),
        guardian_contact_by="张老师",
        guardian_contact_outcome="父亲情绪激动，称马上到校。",
    )
    leader_page = client_for(leader).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    assert "张老师" in leader_page and "父亲情绪激动" not in leader_page
    counselor_page = client_for(counselor).get(reverse("cases:crisis_detail", args=[escalation.pk])).content.decode()
    assert "父亲情绪激动" in counselor_page
