"""Concerns passed on by class teachers and committee members: they see only the status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counseling.cases.enums import CaseSource, ConcernStatus
from counseling.cases.models import Case, Concern
from counseling.cases.tests.factories import NOTE_WORDS, CaseFactory, ConcernFactory, NoteFactory
from counseling.models import AuditEntry
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

WORDS = "午饭不吃，常常一个人发呆"


def test_class_teacher_passes_on_a_concern_about_a_pupil_of_their_class(
    client_for, class_teacher, student, head, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(class_teacher).post(
            reverse("cases:concern_new"), {"student": student.pk, "urgency": "normal", "description": WORDS}
        )
    concern = Concern.objects.get()
    assert response["Location"] == reverse("cases:concern_status", args=[concern.pk])
    assert (concern.student, concern.referred_by, concern.description, concern.status) == (
        student,
        class_teacher,
        WORDS,
        "received",
    )
    note = head.notifications.get()
    assert student.get_full_name() in note.title and WORDS not in note.title + note.body


def test_a_teacher_cannot_pass_on_a_concern_about_another_class(client_for, other_teacher, student) -> None:
    response = client_for(other_teacher).post(
        reverse("cases:concern_new"), {"student": student.pk, "urgency": "normal", "description": WORDS}
    )
    assert response.status_code == 200
    assert not Concern.objects.exists()


def test_a_committee_member_passes_on_a_concern_about_a_classmate_and_others_may_not(
    client_for, school_class, student, other_student
) -> None:
    member = make_student("member", school_class, student_number="20250099", is_committee_member=True)
    client = client_for(member)
    assert client.get(reverse("cases:concern_new")).status_code == 200
    client.post(reverse("cases:concern_new"), {"student": other_student.pk, "urgency": "normal", "description": WORDS})
    assert not Concern.objects.exists()
    client.post(reverse("cases:concern_new"), {"student": student.pk, "urgency": "urgent", "description": WORDS})
    assert Concern.objects.get().referred_by == member
    assert client_for(student).get(reverse("cases:concern_new")).status_code == 403


def test_the_referrer_sees_received_then_being_followed_and_never_content(
    client_for, class_teacher, student, counselor
) -> None:
    concern = ConcernFactory(student=student, referred_by=class_teacher, description=WORDS)
    client = client_for(class_teacher)
    page = client.get(reverse("cases:concern_status", args=[concern.pk])).content.decode()
    assert 'data-testid="not-followed"' in page and WORDS not in page
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    case = Case.objects.get(student=student)
    NoteFactory(case=case)
    page = client.get(reverse("cases:concern_status", args=[concern.pk])).content.decode()
    assert 'data-testid="followed"' in page
    for secret in (WORDS, NOTE_WORDS, counselor.name, case.number, case.get_risk_level_display()):
        assert secret not in page
    listing = client.get(reverse("cases:concern_mine")).content.decode()
    assert 'data-testid="followed"' in listing and WORDS not in listing


def test_another_teacher_gets_404_on_the_status(client_for, class_teacher, other_teacher, student) -> None:
    concern = ConcernFactory(student=student, referred_by=class_teacher)
    assert client_for(other_teacher).get(reverse("cases:concern_status", args=[concern.pk])).status_code == 404


def test_taking_up_opens_a_teacher_referral_case_held_by_the_counselor(
    client_for, class_teacher, student, counselor
) -> None:
    concern = ConcernFactory(student=student, referred_by=class_teacher)
    page = client_for(counselor).get(reverse("cases:concern_detail", args=[concern.pk])).content.decode()
    assert concern.description in page
    assert AuditEntry.objects.for_object(concern).get().action == "view"
    response = client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert (case.counselor, case.source) == (counselor, CaseSource.TEACHER_REFERRAL)
    concern.refresh_from_db()
    assert (concern.status, concern.case, concern.handled_by) == (ConcernStatus.ACCEPTED, case, counselor)


def test_taking_up_a_concern_about_a_student_followed_by_a_colleague_joins_that_case(
    client_for, class_teacher, student, counselor, other_counselor
) -> None:
    case = CaseFactory(student=student, counselor=other_counselor)
    concern = ConcernFactory(student=student, referred_by=class_teacher)
    page = client_for(counselor).get(reverse("cases:concern_detail", args=[concern.pk])).content.decode()
    assert "赵老师" in page
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    concern.refresh_from_db()
    assert concern.case == case and Case.objects.count() == 1
    # Now it belongs to the colleague's case: the counselor no longer sees it.
    assert client_for(counselor).get(reverse("cases:concern_detail", args=[concern.pk])).status_code == 404


def test_handled_without_a_case(client_for, class_teacher, student, counselor) -> None:
    concern = ConcernFactory(student=student, referred_by=class_teacher)
    client_for(counselor).post(reverse("cases:concern_no_case", args=[concern.pk]))
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NO_CASE and not Case.objects.exists()
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    assert not Case.objects.exists()


def test_the_inbox_lists_waiting_concerns_without_their_text(client_for, class_teacher, student, counselor) -> None:
    concern = ConcernFactory(student=student, referred_by=class_teacher, description=WORDS)
    page = client_for(counselor).get(reverse("cases:concern_inbox")).content.decode()
    assert reverse("cases:concern_detail", args=[concern.pk]) in page and WORDS not in page
