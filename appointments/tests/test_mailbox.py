"""The mailbox: letters and requests in, the duty counselor schedules, replies or closes."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from appointments.enums import AppointmentSource, MailboxStatus
from appointments.models import Appointment, DutyRota, MailboxItem
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, MailboxItemFactory
from counseling.models import AuditEntry, Notification, OutboxMessage
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db
SECRET = "我和好朋友吵架了，不知道怎么办。"


def test_a_student_writes_anonymously_and_the_duty_counselor_is_told(
    login, student, counselor, head, delivered
) -> None:
    DutyRota.objects.create(weekday=0, counselor=counselor)
    with delivered():
        response = login(student).post(
            reverse("appointments:letter_new"), {"kind": "letter", "body": SECRET, "is_anonymous": "on"}
        )
    item = MailboxItem.objects.get()
    assert response.status_code == 302
    assert (item.sender, item.is_anonymous, item.status) == (student, True, MailboxStatus.NEW)
    note = Notification.objects.get(user=counselor)
    assert SECRET not in note.title + note.body
    assert all(SECRET not in m.subject + m.body for m in mail.outbox)
    inbox = login(counselor).get(reverse("appointments:mailbox")).content.decode()
    assert "Anonymous" in inbox
    assert student.name not in inbox
    page = login(counselor).get(reverse("appointments:mailbox_item", args=[item.pk])).content.decode()
    assert SECRET in page
    assert student.name not in page
    assert "no appointment can be booked from it" in page


def test_reading_a_letter_is_audited(login, student, counselor) -> None:
    item = MailboxItemFactory(sender=student, body=SECRET)
    login(counselor).get(reverse("appointments:mailbox_item", args=[item.pk]))
    entry = AuditEntry.objects.for_object(item).get()
    assert (entry.actor, entry.action) == (counselor, "view")


def test_scheduling_from_a_request_books_and_tells_the_student(login, student, counselor, delivered) -> None:
    item = MailboxItemFactory(sender=student)
    with delivered():
        response = login(counselor).post(
            reverse("appointments:mailbox_schedule", args=[item.pk]),
            {
                "counselor": counselor.pk,
                "date": "2026-11-17",
                "start_time": "16:00",
                "duration": "45",
                "channel": "face_to_face",
                "room": "301",
            },
        )
    appointment = Appointment.objects.get()
    item.refresh_from_db()
    assert response.status_code == 302
    assert (appointment.student, appointment.source, appointment.starts_at) == (
        student,
        AppointmentSource.MAILBOX,
        at(1, 16, 0),
    )
    assert (item.status, item.handled_by, item.appointment) == (MailboxStatus.SCHEDULED, counselor, appointment)
    assert any(
        notices.when(at(1, 16, 0)) in title for title in notices.titles(Notification.objects.filter(user=student))
    )


def test_a_teachers_request_about_a_student_books_that_student(login, class_teacher, student, counselor) -> None:
    response = login(class_teacher).post(
        reverse("appointments:letter_new"), {"kind": "request", "about_student": student.pk, "body": "上课走神"}
    )
    assert response.status_code == 302
    item = MailboxItem.objects.get()
    assert item.about_student == student
    login(counselor).post(
        reverse("appointments:mailbox_schedule", args=[item.pk]),
        {
            "counselor": counselor.pk,
            "date": "2026-11-17",
            "start_time": "16:00",
            "duration": "30",
            "channel": "face_to_face",
        },
    )
    assert Appointment.objects.get().student == student
    assert any(
        "scheduled an appointment" in title
        for title in notices.titles(OutboxMessage.objects.filter(recipient=class_teacher))
    )


def test_a_teacher_writes_only_about_their_own_class(login, class_teacher, other_student) -> None:
    response = login(class_teacher).post(
        reverse("appointments:letter_new"), {"kind": "request", "about_student": other_student.pk, "body": "x"}
    )
    assert response.status_code == 400
    assert not MailboxItem.objects.exists()


def test_a_committee_member_writes_about_a_classmate(login, student, school_class) -> None:
    profile = student.student_profile
    profile.is_committee_member = True
    profile.save(update_fields=["is_committee_member"])
    classmate = make_student("classmate", school_class, student_number="20250009")
    response = login(student).post(
        reverse("appointments:letter_new"), {"kind": "request", "about_student": classmate.pk, "body": "x"}
    )
    assert response.status_code == 302
    assert MailboxItem.objects.get().student == classmate


def test_a_reply_reaches_the_sender_without_its_text(login, student, counselor, delivered) -> None:
    item = MailboxItemFactory(sender=student, kind="letter", body=SECRET, is_anonymous=True)
    answer = "可以先写下你的感受，再约个时间聊聊。"
    with delivered():
        login(counselor).post(reverse("appointments:mailbox_reply", args=[item.pk]), {"text": answer})
    item.refresh_from_db()
    assert (item.status, item.reply) == (MailboxStatus.REPLIED, answer)
    note = Notification.objects.get(user=student)
    assert answer not in note.title + note.body
    assert answer in login(student).get(reverse("appointments:mailbox_item", args=[item.pk])).content.decode()
    # Handled once only.
    response = login(counselor).post(
        reverse("appointments:mailbox_reply", args=[item.pk]), {"text": "again"}, follow=True
    )
    assert "This item has already been handled." in response.content.decode()


def test_closing_needs_a_reason(login, student, counselor) -> None:
    item = MailboxItemFactory(sender=student)
    client = login(counselor)
    client.post(reverse("appointments:mailbox_close", args=[item.pk]), {"reason": "because I said so"})
    item.refresh_from_db()
    assert item.status == MailboxStatus.NEW
    client.post(reverse("appointments:mailbox_close", args=[item.pk]), {"reason": "not_counseling"})
    item.refresh_from_db()
    assert (item.status, item.close_reason) == (MailboxStatus.CLOSED, "not_counseling")
    assert any(
        "Not a counseling matter" in title for title in notices.titles(OutboxMessage.objects.filter(recipient=student))
    )


def test_items_unhandled_for_a_day_are_flagged_on_the_counselors_home(login, student, counselor, clock) -> None:
    item = MailboxItemFactory(sender=student)
    assert 'data-testid="mailbox-overdue"' not in login(counselor).get(reverse("home")).content.decode()
    clock.move_to(at(1, 9, 30))
    page = login(counselor).get(reverse("home")).content.decode()
    assert 'data-testid="mailbox-overdue"' in page
    assert "1 mailbox item has waited more than a day." in page
    assert "over a day" in login(counselor).get(reverse("appointments:mailbox")).content.decode()
    item.status = MailboxStatus.CLOSED
    item.save()
    assert 'data-testid="mailbox-overdue"' not in login(counselor).get(reverse("home")).content.decode()


def test_other_peoples_items_are_not_found(
    login, student, other_student, class_teacher, counselor, other_counselor
) -> None:
    item = MailboxItemFactory(sender=other_student)
    assert login(student).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 404
    assert login(class_teacher).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 404
    # Once another counselor handled it, it is theirs (and the head counselor's).
    login(counselor).post(reverse("appointments:mailbox_close", args=[item.pk]), {"reason": "no_action"})
    assert login(other_counselor).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 404
    assert login(counselor).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "spam", "body": "x"},
        {"kind": "letter", "body": "x" * 6000},
        {"kind": "letter", "body": "", "preferred_channel": "pigeon"},
    ],
)
def test_garbage_letters_are_refused(login, student, data) -> None:
    assert login(student).post(reverse("appointments:letter_new"), data).status_code == 400
    assert not MailboxItem.objects.exists()


def test_garbage_for_scheduling_is_refused(login, student, counselor) -> None:
    item = MailboxItemFactory(sender=student)
    url = reverse("appointments:mailbox_schedule", args=[item.pk])
    assert login(counselor).post(url, {"counselor": "x", "date": "y"}).status_code == 400
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 16, 0))
    data = {
        "counselor": counselor.pk,
        "date": "2026-11-17",
        "start_time": "16:00",
        "duration": "30",
        "channel": "face_to_face",
    }
    response = login(counselor).post(url, data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == MailboxStatus.NEW
    assert Appointment.objects.count() == 1


def test_the_sender_lists_their_own_items(login, student, other_student) -> None:
    MailboxItemFactory(sender=student)
    MailboxItemFactory(sender=other_student)
    page = login(student).get(reverse("appointments:my_letters")).content.decode()
    assert page.count('data-testid="letter"') == 1


def test_overdue_is_more_than_a_day() -> None:
    from appointments.services.mailbox import OVERDUE_AFTER

    assert datetime.timedelta(days=1) == OVERDUE_AFTER
