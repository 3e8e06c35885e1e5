"""Complaints: anyone signed in files one; the head counselor handles it to an outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counseling.cases.enums import ComplaintStatus
from counseling.cases.models import Complaint
from counseling.cases.tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

TEXT = "预约了三次都被取消"


@pytest.mark.parametrize("who", ["student", "class_teacher", "counselor", "leader", "administrator"])
def test_anyone_signed_in_files_a_complaint_and_the_head_is_told(
    client_for, request, who, head, django_capture_on_commit_callbacks
) -> None:
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(reverse("cases:complaint_new"), {"topic": "booking", "description": TEXT})
    assert response["Location"] == reverse("cases:complaint_mine")
    complaint = Complaint.objects.get()
    assert (complaint.filed_by, complaint.description, complaint.status) == (user, TEXT, ComplaintStatus.RECEIVED)
    notice = head.notifications.get()
    assert TEXT not in notice.title + notice.body


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    assert client.post(reverse("cases:complaint_new"), {"topic": "booking", "description": TEXT}).status_code == 302
    assert not Complaint.objects.exists()


def test_bad_complaints_are_refused(client_for, student) -> None:
    for data in (
        {"topic": "booking"},
        {"topic": "nonsense", "description": TEXT},
        {"topic": "other", "description": "x" * 20_001},
    ):
        assert client_for(student).post(reverse("cases:complaint_new"), data).status_code == 200
    assert not Complaint.objects.exists()


def test_head_handles_to_an_outcome_that_the_filer_reads(
    client_for, student, other_student, head, django_capture_on_commit_callbacks
) -> None:
    complaint = ComplaintFactory(filed_by=student)
    client = client_for(head)
    assert TEXT not in client.get(reverse("cases:complaint_list")).content.decode()
    page = client.get(reverse("cases:complaint_handle", args=[complaint.pk])).content.decode()
    assert complaint.description in page
    # Closing needs an outcome.
    client.post(reverse("cases:complaint_handle", args=[complaint.pk]), {"status": "resolved", "outcome": ""})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cases:complaint_handle", args=[complaint.pk]),
            {"status": "resolved", "outcome": "已调整周五开放时间"},
        )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.handled_by) == ("resolved", "已调整周五开放时间", head)
    assert complaint.resolved_at is not None
    assert student.notifications.count() == 1
    mine = client_for(student).get(reverse("cases:complaint_mine")).content.decode()
    assert "已调整周五开放时间" in mine
    assert "已调整周五开放时间" not in client_for(other_student).get(reverse("cases:complaint_mine")).content.decode()


def test_only_the_head_handles_complaints(client_for, student, counselor) -> None:
    complaint = ComplaintFactory(filed_by=student)
    response = client_for(counselor).post(
        reverse("cases:complaint_handle", args=[complaint.pk]), {"status": "resolved", "outcome": "x"}
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
