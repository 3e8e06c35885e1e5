"""Handover of one case or of all a counselor's cases by the head counselor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Handover
from counseling.cases.services.plan import schedule_reminder
from counseling.cases.tests.factories import CaseFactory, FollowUpFactory
from counseling.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db


def test_head_hands_a_case_over_and_the_previous_counselor_loses_access(
    client_for, case, counselor, other_counselor, head, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(head).post(
            reverse("cases:handover", args=[case.pk]),
            {"to_counselor": other_counselor.pk, "note": "张老师调岗，请继续每周回访"},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.counselor == other_counselor
    handover = Handover.objects.get()
    assert (handover.from_counselor, handover.to_counselor, handover.handed_over_by) == (
        counselor,
        other_counselor,
        head,
    )
    assert client_for(counselor).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    page = client_for(other_counselor).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "张老师调岗，请继续每周回访" in page  # the history shows the handover and its note
    assert "赵老师" in page.split('data-testid="history"')[1]
    entry = AuditEntry.objects.for_object(case).get(action="handover")
    assert entry.detail == f"counselor {counselor.pk} -> {other_counselor.pk}"
    assert other_counselor.notifications.count() == 1 and counselor.notifications.count() == 1


def test_follow_up_reminders_move_to_the_new_counselor(case, other_counselor, head) -> None:
    from counseling.cases.services.handover import hand_over_case

    follow_up = FollowUpFactory(case=case)
    schedule_reminder(follow_up)
    hand_over_case(case, to=other_counselor, by=head, note="")
    reminders = OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:followup:{follow_up.pk}:")
    assert list(reminders.values_list("recipient", flat=True)) == [other_counselor.pk]


def test_head_hands_over_all_cases_of_a_counselor(
    client_for, case, counselor, other_counselor, head, other_student
) -> None:
    closed = CaseFactory(student=other_student, counselor=counselor, status=CaseStatus.CLOSED)
    client_for(head).post(
        reverse("cases:handover_all"),
        {"from_counselor": counselor.pk, "to_counselor": other_counselor.pk, "note": "离职"},
    )
    assert set(Case.objects.values_list("counselor", flat=True)) == {other_counselor.pk}
    assert Handover.objects.filter(case__in=[case, closed]).count() == 2
    assert client_for(counselor).get(reverse("cases:case_list")).content.decode().count("C0000") == 0


def test_handing_over_to_the_same_counselor_or_a_non_counselor_is_refused(
    client_for, case, counselor, head, leader
) -> None:
    client = client_for(head)
    client.post(reverse("cases:handover", args=[case.pk]), {"to_counselor": counselor.pk, "note": "x"})
    client.post(reverse("cases:handover", args=[case.pk]), {"to_counselor": leader.pk, "note": "x"})
    client.post(
        reverse("cases:handover_all"), {"from_counselor": counselor.pk, "to_counselor": counselor.pk, "note": "x"}
    )
    client.post(reverse("cases:handover", args=[case.pk]), {"to_counselor": "abc"})
    assert not Handover.objects.exists()
    case.refresh_from_db()
    assert case.counselor == counselor


def test_only_the_head_hands_over(client_for, case, counselor, other_counselor) -> None:
    response = client_for(counselor).post(
        reverse("cases:handover", args=[case.pk]), {"to_counselor": other_counselor.pk, "note": "x"}
    )
    assert response.status_code == 403
    assert not Handover.objects.exists()
