"""Teachers and guardians write to the office about themselves; the office sees who wrote, replies
and books them. A class teacher still writes about a pupil of their class, as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.enums import AppointmentSource, MailboxStatus
from appointments.models import Appointment, MailboxItem
from appointments.tests.conftest import at
from counseling.cases.models import RiskSignal
from counseling.cases.services import signals
from counseling.enums import ClientKind
from counseling.models import Notification, OutboxMessage
from counseling.tests import notices

pytestmark = pytest.mark.django_db
WORRY = "最近和孩子沟通很困难，我自己也很焦虑。"
SCHEDULE = {
    "date": "2026-11-17",
    "start_time": "16:00",
    "duration": "45",
    "channel": "phone",
    "room": "",
}


def test_a_guardian_writes_about_their_family_in_free_text(login, guardian, student) -> None:
    client = login(guardian)
    form = client.get(reverse("appointments:letter_new")).content.decode()
    # No child to pick from a list, and no anonymous letter: the office answers a guardian by name.
    assert 'name="about_student"' not in form
    assert 'name="is_anonymous"' not in form
    assert "Write about yourself or your family" in form
    response = client.post(
        reverse("appointments:letter_new"), {"kind": "request", "body": WORRY, "preferred_channel": "phone"}
    )
    assert response.status_code == 302
    item = MailboxItem.objects.get()
    assert (item.sender, item.about_student, item.is_anonymous) == (guardian, None, False)
    assert (item.client, item.sender_kind) == (guardian, ClientKind.GUARDIAN)
    mine = client.get(reverse("appointments:my_letters")).content.decode()
    assert reverse("appointments:mailbox_item", args=[item.pk]) in mine


def test_a_guardian_cannot_name_a_child_even_by_hand(login, guardian, student) -> None:
    login(guardian).post(
        reverse("appointments:letter_new"), {"kind": "letter", "body": WORRY, "about_student": student.pk}
    )
    assert MailboxItem.objects.get().about_student is None


def test_a_class_teacher_writes_about_themselves_or_a_pupil(login, class_teacher, student) -> None:
    client = login(class_teacher)
    form = client.get(reverse("appointments:letter_new")).content.decode()
    assert "Myself" in form
    assert 'name="is_anonymous"' not in form
    client.post(reverse("appointments:letter_new"), {"kind": "request", "body": "工作压力很大", "about_student": ""})
    client.post(
        reverse("appointments:letter_new"), {"kind": "request", "body": "上课走神", "about_student": student.pk}
    )
    about_self, about_pupil = MailboxItem.objects.order_by("pk")
    assert (about_self.about_student, about_self.client, about_self.is_about_self) == (None, class_teacher, True)
    assert (about_pupil.about_student, about_pupil.client, about_pupil.is_about_self) == (student, student, False)


def test_the_office_sees_the_senders_kind_replies_and_books_the_guardian(
    login, guardian, counselor, other_guardian, delivered
) -> None:
    login(guardian).post(reverse("appointments:letter_new"), {"kind": "request", "body": WORRY})
    item = MailboxItem.objects.get()
    office = login(counselor)
    inbox = office.get(reverse("appointments:mailbox")).content.decode()
    assert guardian.name in inbox and ">Guardian</span>" in inbox
    page = office.get(reverse("appointments:mailbox_item", args=[item.pk])).content.decode()
    assert WORRY in page and ">Guardian</span>" in page
    assert f"Book {guardian.name}" in page
    assert "For " in office.get(reverse("appointments:mailbox_schedule", args=[item.pk])).content.decode()
    with delivered():
        response = office.post(
            reverse("appointments:mailbox_schedule", args=[item.pk]), {"counselor": counselor.pk, **SCHEDULE}
        )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert (appointment.student, appointment.client_kind, appointment.source, appointment.channel) == (
        guardian,
        ClientKind.GUARDIAN,
        AppointmentSource.MAILBOX,
        "phone",
    )
    item.refresh_from_db()
    assert (item.status, item.appointment) == (MailboxStatus.SCHEDULED, appointment)
    assert any(notices.when(at(1, 16, 0)) in t for t in notices.titles(Notification.objects.filter(user=guardian)))
    # Told by text message too, and the other family hears nothing.
    assert OutboxMessage.objects.filter(recipient=guardian, send_sms=True).exists()
    assert not OutboxMessage.objects.filter(recipient=other_guardian).exists()
    # The guardian reads their appointment; the other guardian cannot reach the letter or the time.
    assert login(guardian).get(reverse("appointments:detail", args=[appointment.pk])).status_code == 200
    assert login(other_guardian).get(reverse("appointments:detail", args=[appointment.pk])).status_code == 404
    assert login(other_guardian).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 404


def test_the_office_replies_to_a_teacher_who_wrote_about_themselves(
    login, class_teacher, other_teacher, counselor, leader
) -> None:
    login(class_teacher).post(reverse("appointments:letter_new"), {"kind": "letter", "body": "工作压力很大"})
    item = MailboxItem.objects.get()
    login(counselor).post(reverse("appointments:mailbox_reply", args=[item.pk]), {"text": "欢迎来辅导室坐坐。"})
    item.refresh_from_db()
    assert item.status == MailboxStatus.REPLIED
    assert (
        "欢迎来辅导室坐坐。"
        in login(class_teacher).get(reverse("appointments:mailbox_item", args=[item.pk])).content.decode()
    )
    assert not OutboxMessage.objects.filter(recipient=class_teacher, send_sms=True).exists()
    assert login(other_teacher).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 404
    assert login(leader).get(reverse("appointments:mailbox_item", args=[item.pk])).status_code == 403
    assert "工作压力很大" not in login(other_teacher).get(reverse("appointments:my_letters")).content.decode()


def test_risk_words_from_an_adult_name_nobody_and_reach_the_head(login, class_teacher, head, leader) -> None:
    login(class_teacher).post(
        reverse("appointments:letter_new"), {"kind": "letter", "body": "最近总觉得活着没意思，不知道该跟谁说。"}
    )
    item = MailboxItem.objects.get()
    assert item.risk_flagged
    signal = RiskSignal.objects.get()
    assert (signal.student, signal.counselor, signal.case) == (None, head, None)
    assert signal.client_kind == ClientKind.TEACHER
    assert not OutboxMessage.objects.filter(recipient=leader).exists()
    signal.level = 1
    assert signals.recipients(signal) == [head]


def test_an_anonymous_students_risk_letter_still_climbs_to_the_leaders(login, student, head, leader) -> None:
    login(student).post(
        reverse("appointments:letter_new"),
        {"kind": "letter", "body": "最近总觉得活着没意思，不知道该跟谁说。", "is_anonymous": "on"},
    )
    signal = RiskSignal.objects.get()
    assert (signal.student, signal.client_kind) == (None, ClientKind.STUDENT)
    signal.level = 1
    assert leader in signals.recipients(signal)
