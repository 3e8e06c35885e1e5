"""The audit trail: who read or changed which confidential object, when, from where.

A small model of our own rather than django-auditlog: we need reads, exports and prints, not
only changes, a hash chain that `verify_audit` checks, and rows that cannot be edited.

Each entry is sealed with HMAC-SHA256 under AUDIT_KEY, a key kept outside the database: an
unkeyed hash could be recomputed by anyone who can write the table, so edited or deleted rows
could be re-chained unseen. The chain's head is also anchored daily outside the database
(counseling.services.audit), which catches removal of the newest entries.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counseling.crypto import audit_key


class AuditAction(models.TextChoices):
    VIEW = "view", pgettext_lazy("audit action", "viewed")
    CREATE = "create", pgettext_lazy("audit action", "created")
    CHANGE = "change", pgettext_lazy("audit action", "changed")
    DELETE = "delete", pgettext_lazy("audit action", "deleted")
    EXPORT = "export", pgettext_lazy("audit action", "exported")
    PRINT = "print", pgettext_lazy("audit action", "printed")
    SIGN = "sign", pgettext_lazy("audit action", "signed")
    ESCALATE = "escalate", pgettext_lazy("audit action", "escalated")
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("audit action", "acknowledged")
    HANDOVER = "handover", pgettext_lazy("audit action", "handed over")
    ANONYMISE = "anonymise", pgettext_lazy("audit action", "anonymised")


class ImmutableError(Exception):
    """Raised when code tries to change or delete an audit entry."""


# Set only by the retention of audit entries (counseling/retention.py, run by apply_retention).
_retention_pruning: ContextVar[bool] = ContextVar("audit_retention_pruning", default=False)


@contextmanager
def retention_pruning() -> Iterator[None]:
    """The one deliberate way past the guard: lets ``AuditQuerySet.prune()`` delete old entries.

    Only the retention kind for audit entries enters it, and the retention runner writes an
    audit entry for every entry removed (carrying its hash, so the chain stays verifiable).
    """
    token = _retention_pruning.set(True)
    try:
        yield
    finally:
        _retention_pruning.reset(token)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Audit entries cannot be changed.")

    def delete(self):
        raise ImmutableError("Audit entries cannot be deleted.")

    def prune(self) -> int:
        """Delete these entries: only inside ``retention_pruning()``, i.e. from apply_retention."""
        if not _retention_pruning.get():
            raise ImmutableError("Audit entries are removed only by apply_retention.")
        deleted, _by_model = models.QuerySet.delete(self)
        return deleted

    def for_object(self, obj: models.Model) -> AuditQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept beside the key so the entry still says who it was if the account is removed.
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    # The student the object is about, so a student's whole history can be listed.
    student_id = models.BigIntegerField(_("student"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # A short, non-confidential remark (e.g. "fields: risk_level"); never record content here.
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # A list page names every student it showed in one entry (sorted ids) rather than one entry
    # per row: one insert per page view, and the HMAC covers the list.
    student_ids = models.JSONField(_("students listed"), default=list, blank=True)
    prev_hash = models.CharField(max_length=64)
    # HMAC-SHA256 of the fields above and prev_hash, under AUDIT_KEY.
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Audit entries cannot be deleted.")

    def _message(self) -> bytes:
        parts = [
            self.prev_hash,
            self.created_at.isoformat(),
            str(self.actor_id or ""),
            self.actor_name,
            self.action,
            self.object_type,
            self.object_id,
            str(self.student_id or ""),
            self.ip_address or "",
            self.detail,
            ",".join(str(pk) for pk in self.student_ids or []),
        ]
        return "\x1f".join(parts).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC-SHA256 of the entry under ``key`` (default: the configured AUDIT_KEY)."""
        return hmac.new(audit_key() if key is None else key, self._message(), hashlib.sha256).hexdigest()


class AuditCheck(models.Model):
    """One run of the audit verification (verify_audit or the daily task); /health/ shows the last."""

    checked_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    breaks = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else f'{self.breaks} break(s)'}"
