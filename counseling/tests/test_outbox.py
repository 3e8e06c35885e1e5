"""The outbox: every message is delivered once, at its time, in the app and by e-mail."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counseling.models import Notification, OutboxMessage
from counseling.services.notify import cancel, deliver_due, notify, schedule


@pytest.mark.django_db
def test_a_notice_reaches_the_app_and_the_mailbox_after_commit(student, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(student, key="test:1", title="预约已确认", body="周三 17:25", url="/")
    assert Notification.objects.get(user=student).title == "预约已确认"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [student.email]
    # The e-mail is quiet: what kind of thing waits and where, never the title.
    assert mail.outbox[0].subject == "心理辅导室：一条新消息"
    assert "预约已确认" not in mail.outbox[0].body
    assert OutboxMessage.objects.get(dedupe_key="test:1").sent_at is not None


@pytest.mark.django_db
def test_the_same_key_is_scheduled_and_delivered_once(student) -> None:
    assert schedule(student, key="appt:1:remind", title="提醒") is True
    assert schedule(student, key="appt:1:remind", title="提醒") is False
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert Notification.objects.filter(user=student).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_future_message_waits_for_its_time(student) -> None:
    later = timezone.now() + datetime.timedelta(hours=2)
    schedule(student, key="appt:2:remind", title="一小时后有预约", send_after=later)
    assert deliver_due() == 0
    with time_machine.travel(later + datetime.timedelta(seconds=1)):
        assert deliver_due() == 1
    assert Notification.objects.get(user=student).title == "一小时后有预约"


@pytest.mark.django_db
def test_a_message_claimed_by_another_worker_is_not_sent_again(student) -> None:
    schedule(student, key="appt:3", title="x")
    OutboxMessage.objects.filter(dedupe_key="appt:3").update(claimed_at=timezone.now())
    assert deliver_due() == 0
    assert not mail.outbox
    # A claim abandoned by a dead worker is taken over after the timeout.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert deliver_due() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_cancelled_messages_are_never_sent(student) -> None:
    schedule(student, key="appt:4:remind:24h", title="x", send_after=timezone.now() + datetime.timedelta(days=1))
    schedule(student, key="appt:4:remind:1h", title="x", send_after=timezone.now() + datetime.timedelta(days=1))
    assert cancel("appt:4:") == 2
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_failed_email_is_retried_without_a_second_notification(student, settings) -> None:
    settings.EMAIL_BACKEND = "counseling.tests.failing_mail.Backend"
    schedule(student, key="appt:5", title="x")
    assert deliver_due() == 0
    message = OutboxMessage.objects.get(dedupe_key="appt:5")
    assert message.sent_at is None
    assert message.last_error == "ConnectionRefusedError"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due() == 1
    assert Notification.objects.filter(user=student).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_notifications_page_lists_only_your_own(client_for, student, other_student) -> None:
    Notification.objects.create(user=student, title="您的预约已确认")
    theirs = Notification.objects.create(user=other_student, title="别人的通知")
    client = client_for(student)
    page = client.get(reverse("notifications")).content.decode()
    assert "您的预约已确认" in page
    assert "别人的通知" not in page
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, student) -> None:
    mine = Notification.objects.create(user=student, title="x", url="/notifications/")
    elsewhere = Notification.objects.create(user=student, title="y", url="https://evil.example/")
    client = client_for(student)
    assert client.get(reverse("home")).content.decode().count('data-testid="unread-count">2<') == 1
    response = client.post(reverse("notification_open", args=[mine.pk]))
    assert response["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # An off-site link is never followed.
    assert client.post(reverse("notification_open", args=[elsewhere.pk]))["Location"] == reverse("notifications")
