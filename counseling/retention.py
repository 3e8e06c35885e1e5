"""Retainable kinds of the counseling core (the ``retention`` hook, see counseling.hooks): audit
entries, sent outbox messages and in-app notifications.

Sent outbox messages (3 months) and in-app notifications (12 months) are simply deleted: they
only repeat what the records they point to say, and they name students.

Audit entries are immutable; the only way to remove them is ``AuditQuerySet.prune()`` inside
``retention_pruning()``, which only this kind enters. They go oldest first and only as an
unbroken run from the start of the chain (every entry before the first one that is still within
its period), so the chain stays verifiable: the runner's audit entry for each removal ends with
the removed entry's hash, and ``find_breaks`` accepts the first remaining entry's link to it.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from counseling.hooks import RetentionKind
from counseling.models import AuditEntry, Notification, OutboxMessage
from counseling.models.audit import retention_pruning


def expired_audit_entries(cutoff: datetime.datetime) -> QuerySet:
    """Entries written before ``cutoff``, up to (not including) the first one written after it."""
    first_kept = AuditEntry.objects.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    entries = AuditEntry.objects.filter(created_at__lt=cutoff)
    if first_kept is not None:
        entries = entries.filter(id__lt=first_kept)
    return entries


def remove_audit_entry(entry: AuditEntry) -> None:
    with retention_pruning():
        AuditEntry.objects.filter(pk=entry.pk).prune()


def expired_outbox_messages(cutoff: datetime.datetime) -> QuerySet:
    """Messages sent, or dropped as too late, before ``cutoff`` (unsent ones are still on their way and stay)."""
    return OutboxMessage.objects.filter(Q(sent_at__lt=cutoff) | Q(dropped_at__lt=cutoff))


def expired_notifications(cutoff: datetime.datetime) -> QuerySet:
    return Notification.objects.filter(created_at__lt=cutoff)


def _delete(obj) -> None:
    obj.delete()


KINDS = [
    RetentionKind(
        key="counseling.audit_entry",
        label=_("Audit entries"),
        event=_("the entry was written"),
        default_months=60,
        expired=expired_audit_entries,
        remove=remove_audit_entry,
        student_id=lambda entry: entry.student_id,
        detail=lambda entry: f"hash {entry.hash}",
        describe=lambda entry: f"#{entry.pk} {entry.created_at:%Y-%m-%d} {entry.action} {entry.object_type}",
    ),
    RetentionKind(
        key="counseling.outbox_message",
        label=_("Sent notices (outbox)"),
        event=_("the notice was sent"),
        default_months=3,
        expired=expired_outbox_messages,
        remove=_delete,
        describe=lambda message: f"#{message.pk} {message.sent_at:%Y-%m-%d}",
    ),
    RetentionKind(
        key="counseling.notification",
        label=_("In-app notifications"),
        event=_("the notification was created"),
        default_months=12,
        expired=expired_notifications,
        remove=_delete,
        describe=lambda notification: f"#{notification.pk} {notification.created_at:%Y-%m-%d}",
    ),
]
