"""Quiet notices: e-mail says only what kind of thing waits and the link; the app may name the student."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from archives.models import Instrument
from counseling.cases.enums import CaseSource, RiskLevel
from counseling.cases.services import escalate
from counseling.cases.tests.factories import CaseFactory
from counseling.enums import Role
from counseling.models import ConcernCategory, Notification, OutboxMessage, User
from counseling.retention import KINDS
from counseling.services import sms
from counseling.services.notify import Kind, deliver_due, notify

pytestmark = pytest.mark.django_db

SENSITIVE_WORDS = ["危机", "预警", "转介", "重点关注", "crisis", "warning", "referral", "focus list"]


def _band_labels() -> set[str]:
    labels = set()
    for instrument in Instrument.objects.all():
        labels.update([instrument.name_zh, instrument.name_en, instrument.short_name])
        for band in instrument.bands:
            label = band.get("label")
            labels.update(label.values() if isinstance(label, dict) else [label])
    return {label for label in labels if label and len(label) >= 2}


def test_no_email_of_the_demo_school_names_a_student_or_a_sensitive_fact() -> None:
    # The whole demo school, once: every notice its stories schedule, delivered at once.
    call_command("seed_demo", force=True, stdout=StringIO())
    OutboxMessage.objects.update(send_after=timezone.now() - datetime.timedelta(minutes=1))
    mail.outbox.clear()
    deliver_due(limit=100000)
    assert len(mail.outbox) > 10

    forbidden = set(SENSITIVE_WORDS) | _band_labels()
    for category in ConcernCategory.objects.all():
        forbidden.update([category.name_zh, category.name_en])
    for student in User.objects.filter(role=Role.STUDENT):
        forbidden.update([student.get_full_name(), student.username])
    forbidden = {word.lower() for word in forbidden if word}
    assert len(forbidden) > len(SENSITIVE_WORDS)

    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        leaks = sorted(word for word in forbidden if word in text)
        assert not leaks, (leaks, message.subject, message.body)
        assert message.subject.startswith("心理辅导室：")
        assert message.body.endswith("请登录查看：/notifications/")
    # Text messages (to guardians) are held to the same rule: the kind and a link, nobody's name.
    for sent in sms.outbox:
        text = sent.text.render().lower()
        leaks = sorted(word for word in forbidden if word in text)
        assert not leaks, (leaks, text)
        assert sent.text.link == "/notifications/" or sent.text.link.startswith("/accounts/set-password/")


def test_a_crisis_email_is_quiet_but_the_in_app_notice_names_the_student(
    student, counselor, head, leader, django_capture_on_commit_callbacks
) -> None:
    case = CaseFactory(student=student, counselor=counselor)
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalate(
            student=case.student,
            raised_by=case.counselor,
            source=CaseSource.CRISIS,
            risk_level=RiskLevel.HIGH,
            case=case,
        )
    name = case.student.get_full_name()
    notice = Notification.objects.get(user=head)
    assert name in notice.title
    assert str(escalation.pk) in notice.url
    sent = [m for m in mail.outbox if m.to == [head.email]]
    assert len(sent) == 1
    assert sent[0].subject == "心理辅导室：一条需要您确认的紧急事项"
    assert sent[0].body == "心理辅导室系统中有一条需要您确认的紧急事项等待查看，请登录查看：/notifications/"
    assert name not in sent[0].subject + sent[0].body
    assert OutboxMessage.objects.filter(recipient=head).get().kind == "一条需要您确认的紧急事项"


def test_without_a_kind_the_email_says_a_new_message(student) -> None:
    notify(student, key="quiet:test", title=f"{student.get_full_name()} 的预约", url="/appointments/mine/")
    deliver_due()
    assert mail.outbox[0].subject == "心理辅导室：一条新消息"
    assert student.get_full_name() not in mail.outbox[0].body


def test_the_kind_is_written_in_the_school_language_whatever_is_active(student) -> None:
    with translation.override("en"):
        notify(student, key="quiet:en", title="x", kind=Kind.APPOINTMENT)
    assert OutboxMessage.objects.get().kind == "一条预约通知"


def _kind(key: str):
    return next(kind for kind in KINDS if kind.key == key)


def test_retention_removes_old_sent_outbox_rows_and_old_notifications(student) -> None:
    now = timezone.now()
    outbox_kind, notification_kind = _kind("counseling.outbox_message"), _kind("counseling.notification")
    assert (outbox_kind.default_months, notification_kind.default_months) == (3, 12)
    old = OutboxMessage.objects.create(
        recipient=student, dedupe_key="old", title="t", send_after=now, sent_at=now - datetime.timedelta(days=120)
    )
    recent = OutboxMessage.objects.create(
        recipient=student, dedupe_key="recent", title="t", send_after=now, sent_at=now - datetime.timedelta(days=10)
    )
    OutboxMessage.objects.create(recipient=student, dedupe_key="unsent", title="t", send_after=now)
    old_notice = Notification.objects.create(user=student, title="t")
    Notification.objects.filter(pk=old_notice.pk).update(created_at=now - datetime.timedelta(days=400))
    recent_notice = Notification.objects.create(user=student, title="t")

    cutoff = now - datetime.timedelta(days=90)
    assert list(outbox_kind.expired(cutoff)) == [old]
    for message in outbox_kind.expired(cutoff):
        outbox_kind.remove(message)
    assert set(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == {"recent", "unsent"}
    assert recent.pk in OutboxMessage.objects.values_list("pk", flat=True)

    cutoff = now - datetime.timedelta(days=365)
    assert list(notification_kind.expired(cutoff)) == [old_notice]
    for notice in notification_kind.expired(cutoff):
        notification_kind.remove(notice)
    assert list(Notification.objects.all()) == [recent_notice]
