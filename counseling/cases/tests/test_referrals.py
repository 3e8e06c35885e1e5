"""Referrals out, and the facts the archive page reads about a student's contacts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Referral
from counseling.cases.services import archive_facts
from counseling.cases.tests.factories import NOTE_WORDS, CaseFactory, NoteFactory, ReferralFactory
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db


def _referral_data(**changes) -> dict:
    data = {
        "institution": "市精神卫生中心",
        "referred_on": timezone.localdate().isoformat(),
        "reason": "持续抑郁症状",
        "guardian_informed": "on",
        "escorted": "on",
        "escort_by": "母亲",
        "status": "made",
        "follow_up_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "outcome": "",
    }
    data.update(changes)
    return data


def test_referring_out_records_the_referral_and_marks_the_case_referred(client_for, case, counselor) -> None:
    client = client_for(counselor)
    response = client.post(reverse("cases:referral_add", args=[case.pk]), _referral_data())
    referral = Referral.objects.get()
    assert response["Location"] == reverse("cases:referral_detail", args=[referral.pk])
    assert (referral.institution, referral.reason, referral.guardian_informed, referral.escort_by) == (
        "市精神卫生中心",
        "持续抑郁症状",
        True,
        "母亲",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    page = client.get(response["Location"]).content.decode()
    assert "持续抑郁症状" in page
    assert list(AuditEntry.objects.for_object(referral).values_list("action", flat=True)) == ["create", "view"]


def test_an_escort_needs_a_name_and_the_check_cannot_precede_the_referral(client_for, case, counselor) -> None:
    client = client_for(counselor)
    client.post(reverse("cases:referral_add", args=[case.pk]), _referral_data(escort_by=""))
    client.post(reverse("cases:referral_add", args=[case.pk]), _referral_data(follow_up_on="2000-01-01"))
    client.post(reverse("cases:referral_add", args=[case.pk]), _referral_data(institution=""))
    assert not Referral.objects.exists()


def test_the_outcome_is_followed_up(client_for, case, counselor) -> None:
    referral = ReferralFactory(case=case)
    client_for(counselor).post(
        reverse("cases:referral_edit", args=[referral.pk]),
        _referral_data(
            status="attended", outcome="已就诊，诊断为适应障碍", referred_on=referral.referred_on.isoformat()
        ),
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("attended", "已就诊，诊断为适应障碍")
    assert "outcome" in AuditEntry.objects.for_object(referral).get(action="change").detail


def test_archive_facts_give_dates_counts_referrals_and_the_holder_without_content(
    case, counselor, other_counselor, student, head
) -> None:
    earlier = CaseFactory(student=student, counselor=other_counselor, status=CaseStatus.CLOSED)
    NoteFactory(case=earlier, held_on=datetime.date(2026, 3, 2))
    NoteFactory(case=case, held_on=datetime.date(2026, 9, 14))
    NoteFactory(case=case, held_on=datetime.date(2026, 9, 14))
    ReferralFactory(case=case, referred_on=datetime.date(2026, 9, 20), status="made")
    referrals = [{"date": datetime.date(2026, 9, 20), "institution": "市精神卫生中心", "status": "已转介"}]
    facts = archive_facts(student, head)
    assert facts == {
        "contact_dates": [datetime.date(2026, 3, 2), datetime.date(2026, 9, 14)],
        "contact_count": 3,
        "referrals": referrals,
        "open_case_counselor": counselor,
        "colleague_counselor": None,
    }
    assert NOTE_WORDS not in repr(facts)
    # The case holder: their own case's facts, not the colleague's earlier case.
    assert archive_facts(student, counselor) == {
        "contact_dates": [datetime.date(2026, 9, 14)],
        "contact_count": 2,
        "referrals": referrals,
        "open_case_counselor": counselor,
        "colleague_counselor": None,
    }
    # A colleague: only who holds the open case.
    assert archive_facts(student, other_counselor) == {
        "contact_dates": [datetime.date(2026, 3, 2)],
        "contact_count": 1,
        "referrals": [],
        "open_case_counselor": None,
        "colleague_counselor": counselor,
    }


def test_archive_facts_of_a_student_without_cases(other_student, counselor) -> None:
    assert archive_facts(other_student, counselor) == {
        "contact_dates": [],
        "contact_count": 0,
        "referrals": [],
        "open_case_counselor": None,
        "colleague_counselor": None,
    }


def test_the_outcome_check_reminds_the_counselor_and_follows_changes(client_for, case, counselor) -> None:
    from counseling.models import OutboxMessage

    client = client_for(counselor)
    client.post(reverse("cases:referral_add", args=[case.pk]), _referral_data())
    referral = Referral.objects.get()
    reminder = OutboxMessage.objects.get(dedupe_key__startswith=f"cases:referral:{referral.pk}:")
    assert reminder.recipient == counselor
    assert timezone.localtime(reminder.send_after).date() == referral.follow_up_on
    assert "持续抑郁症状" not in reminder.title + reminder.body
    later = referral.follow_up_on + datetime.timedelta(days=7)
    client.post(
        reverse("cases:referral_edit", args=[referral.pk]),
        _referral_data(follow_up_on=later.isoformat(), referred_on=referral.referred_on.isoformat()),
    )
    reminder = OutboxMessage.objects.get(dedupe_key__startswith=f"cases:referral:{referral.pk}:")
    assert timezone.localtime(reminder.send_after).date() == later
    client.post(
        reverse("cases:referral_edit", args=[referral.pk]),
        _referral_data(status="closed", follow_up_on=later.isoformat(), referred_on=referral.referred_on.isoformat()),
    )
    assert not OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:referral:{referral.pk}:").exists()
