"""A committee member's letter about a classmate: they learn it reached the office, never that the
classmate got an appointment or what the office did next (a class teacher still does)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.enums import MailboxStatus
from appointments.models import MailboxItem
from appointments.tests.factories import MailboxItemFactory
from counseling.models import OutboxMessage
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(school_class):
    return make_student("member", school_class, student_number="20250099", is_committee_member=True)


def _schedule(client, item: MailboxItem, counselor) -> None:
    client.post(
        reverse("appointments:mailbox_schedule", args=[item.pk]),
        {
            "counselor": counselor.pk,
            "date": "2026-11-17",
            "start_time": "16:00",
            "duration": "30",
            "channel": "face_to_face",
        },
    )


def test_a_committee_member_sees_only_that_the_office_has_it(client_for, member, student, counselor) -> None:
    item = MailboxItemFactory(sender=member, about_student=student, kind="request", body="她最近很少说话")
    _schedule(client_for(counselor), item, counselor)
    item.refresh_from_db()
    assert item.status == MailboxStatus.SCHEDULED and item.appointment.student == student
    assert not OutboxMessage.objects.filter(recipient=member).exists()
    client = client_for(member)
    for lang, passed_on, scheduled in (
        ("zh-hans", "已转交心理辅导室", "已安排预约"),
        ("en", "Passed to the counseling office", "Appointment scheduled"),
    ):
        for url in (reverse("appointments:mailbox_item", args=[item.pk]), reverse("appointments:my_letters")):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            assert passed_on in page, (lang, url)
            assert scheduled not in page and counselor.get_full_name() not in page, (lang, url)


def test_closing_a_committee_members_letter_tells_them_nothing(client_for, member, student, counselor) -> None:
    item = MailboxItemFactory(sender=member, about_student=student, kind="letter", body="她最近很少说话")
    client_for(counselor).post(reverse("appointments:mailbox_close", args=[item.pk]), {"reason": "in_person"})
    item.refresh_from_db()
    assert item.status == MailboxStatus.CLOSED
    assert not OutboxMessage.objects.filter(recipient=member).exists()
    page = client_for(member).get(reverse("appointments:mailbox_item", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Handled in person" not in page.content.decode()


def test_a_class_teacher_still_sees_the_appointment(client_for, class_teacher, student, counselor) -> None:
    item = MailboxItemFactory(sender=class_teacher, about_student=student, kind="request", body="上课走神")
    _schedule(client_for(counselor), item, counselor)
    page = client_for(class_teacher).get(
        reverse("appointments:mailbox_item", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Appointment scheduled" in page.content.decode()
    assert OutboxMessage.objects.filter(recipient=class_teacher).exists()
