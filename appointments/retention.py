"""Retainable kinds of the appointments app (the ``retention`` hook, see counseling.hooks).

Mailbox letters: the text (the letter and the office's reply) is removed and the item kept,
marked ``redacted_at``, so the number of letters per term stays. A letter written about a
student by a teacher no longer names that student.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import MailboxItem
from counseling.hooks import RetentionKind


def expired_letters(cutoff: datetime.datetime) -> QuerySet:
    return MailboxItem.objects.filter(created_at__lt=cutoff, redacted_at__isnull=True)


def redact_letter(item: MailboxItem) -> None:
    item.body = item.reply = ""
    item.about_student = None
    item.redacted_at = timezone.now()
    item.save(update_fields=["body", "reply", "about_student", "redacted_at"])


def _student_id(item: MailboxItem) -> int | None:
    if item.about_student_id:
        return item.about_student_id
    return None if item.is_anonymous else item.sender_id


KINDS = [
    RetentionKind(
        key="appointments.mailbox_letter",
        label=_("Mailbox letters"),
        event=_("letter sent"),
        default_months=24,
        expired=expired_letters,
        remove=redact_letter,
        student_id=_student_id,
        describe=lambda item: f"#{item.pk} {timezone.localtime(item.created_at):%Y-%m-%d} {item.kind}",
        anonymises=True,
    ),
]
