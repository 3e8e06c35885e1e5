"""A counselor opens a case for a teacher: as confidential as a student's, and invisible to the leaders.

The teacher's case goes through the same door (its counselor and the head counselor); the teacher
never sees it; a crisis on it reaches the head counselor only; the leaders' crisis pages, home
panels, digest and statistics never show it or the teacher's name. A guardian has no case.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.cases import digest, reporting
from counseling.cases.enums import CaseSource, RiskLevel
from counseling.cases.models import Case, Escalation
from counseling.cases.tests.factories import CaseFactory, NoteFactory
from counseling.enums import ClientKind
from counseling.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db

NARRATIVE = "情绪崩溃，说不想活了"


def crisis_data() -> dict:
    return {
        "risk_level": "imminent",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "narrative": NARRATIVE,
        "guardian_called": "",
        "guardian_called_at": "",
        "escort_by": "",
        "hospital_name": "",
    }


@pytest.fixture
def teacher_case(class_teacher, counselor):
    return CaseFactory(student=class_teacher, counselor=counselor)


def test_the_counselor_finds_a_teacher_and_opens_a_case(client_for, counselor, class_teacher) -> None:
    client = client_for(counselor)
    found = client.get(reverse("cases:case_open"), {"q": "王老"}).content.decode()
    assert class_teacher.name in found and ">教师</span>" in found
    form = client.get(reverse("cases:case_open"), {"student": class_teacher.pk})
    assert form.status_code == 200
    assert "学校领导看不到" in form.content.decode()
    response = client.post(
        f"{reverse('cases:case_open')}?student={class_teacher.pk}",
        {"source": CaseSource.SELF_BOOKED, "risk_level": RiskLevel.LOW},
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert (case.student, case.client_kind, case.counselor) == (class_teacher, ClientKind.TEACHER, counselor)
    # The pages that show a student's class and number do not stumble on a teacher.
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:case_print", args=[case.pk]),
        reverse("cases:case_edit", args=[case.pk]),
        reverse("cases:note_add", args=[case.pk]),
        reverse("cases:intake", args=[case.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
    assert ">教师</span>" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    listed = client.get(reverse("cases:case_list")).content.decode()
    assert class_teacher.name in listed and "教师" in listed


def test_a_guardian_has_no_case(client_for, counselor, guardian) -> None:
    client = client_for(counselor)
    found = client.get(reverse("cases:case_open"), {"q": guardian.name}).content.decode()
    assert f"?student={guardian.pk}" not in found
    assert client.get(reverse("cases:case_open"), {"student": guardian.pk}).status_code == 404
    assert not Case.objects.exists()


def test_only_its_counselor_and_the_head_open_a_teachers_case(
    client_for, teacher_case, counselor, other_counselor, head, class_teacher, other_teacher, leader, administrator
) -> None:
    detail = reverse("cases:detail", args=[teacher_case.pk])
    assert client_for(counselor).get(detail).status_code == 200
    assert client_for(head).get(detail).status_code == 200
    assert client_for(other_counselor).get(detail).status_code == 404
    # The teacher never sees their own case, nor does a colleague, a leader or the administrator.
    for person in (class_teacher, other_teacher, leader, administrator):
        assert client_for(person).get(detail).status_code == 403
        assert not Case.objects.visible_to(person).exists()


def test_a_crisis_on_a_teachers_case_reaches_the_head_counselor_only(
    client_for, teacher_case, counselor, head, leader, class_teacher, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(counselor).post(
            reverse("cases:crisis_add", args=[teacher_case.pk]), crisis_data(), follow=True
        )
    escalation = Escalation.objects.get()
    assert escalation.client_kind == ClientKind.TEACHER
    assert "危机事件已记录，已通知心理辅导室主任。" in response.content.decode()
    assert {m.recipient for m in OutboxMessage.objects.filter(dedupe_key__startswith="cases:escalation:")} == {head}
    assert not Notification.objects.filter(user=leader).exists()
    assert not OutboxMessage.objects.filter(recipient=leader).exists()
    # The head counselor reads it; the leaders' crisis pages know nothing of it.
    assert client_for(head).get(reverse("cases:crisis_detail", args=[escalation.pk])).status_code == 200
    leader_client = client_for(leader)
    assert leader_client.get(reverse("cases:crisis_detail", args=[escalation.pk])).status_code == 404
    for url in (reverse("cases:crisis_list"), reverse("home"), reverse("cases:statistics")):
        page = leader_client.get(url)
        assert page.status_code == 200, url
        assert class_teacher.name not in page.content.decode(), url
    assert not Escalation.objects.visible_to(leader).exists()
    assert [str(line) for line in digest.items_for(leader, timezone.localdate())] == []


def test_opening_a_teachers_case_at_high_risk_tells_the_head_not_the_leaders(
    client_for, counselor, head, leader, class_teacher
) -> None:
    response = client_for(counselor).post(
        f"{reverse('cases:case_open')}?student={class_teacher.pk}",
        {"source": CaseSource.SELF_BOOKED, "risk_level": RiskLevel.HIGH},
        follow=True,
    )
    assert "已通知心理辅导室主任。" in response.content.decode()
    assert "学校领导" not in response.content.decode()
    escalation = Escalation.objects.get()
    assert escalation.client_kind == ClientKind.TEACHER
    assert OutboxMessage.objects.filter(recipient=head).exists()
    assert not OutboxMessage.objects.filter(recipient=leader).exists()


def test_a_students_crisis_still_reaches_the_leaders(client_for, case, counselor, head, leader) -> None:
    client_for(counselor).post(reverse("cases:crisis_add", args=[case.pk]), crisis_data())
    escalation = Escalation.objects.get()
    assert escalation.client_kind == ClientKind.STUDENT
    assert OutboxMessage.objects.filter(recipient=leader).exists()
    assert client_for(leader).get(reverse("cases:crisis_detail", args=[escalation.pk])).status_code == 200


def test_the_figures_leaders_read_count_students_cases_only(case, teacher_case) -> None:
    NoteFactory(case=case)
    NoteFactory(case=teacher_case)
    today = timezone.localdate()
    numbers = reporting.summary(today, today)
    assert (numbers["cases_opened"], numbers["notes"], numbers["students_seen"]) == (1, 1, 1)


def test_referring_a_teacher_out_is_not_titled_for_a_student(client_for, counselor, teacher_case) -> None:
    page = client_for(counselor).get(reverse("cases:referral_add", args=[teacher_case.pk])).content.decode()
    assert "<h1" in page and "转介学生" not in page
