"""Writing and checking the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

from axes.helpers import get_client_ip_address
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from counseling.models import AuditEntry
from counseling.models.audit import AuditAction

GENESIS = "0" * 64
# An arbitrary constant that names the audit chain's lock on PostgreSQL.
_CHAIN_LOCK = 8_432_117


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it: from CLIENT_IP_HEADERS behind the proxy (settings)."""
    if request is None:
        return None
    return get_client_ip_address(request) or None


def record(
    actor,
    action: AuditAction | str,
    obj: models.Model,
    *,
    request: HttpRequest | None = None,
    student_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain, in the caller's transaction.

    Side effects, in order: takes the chain lock (PostgreSQL advisory lock for the rest of the
    transaction, so concurrent writers never fork the chain), reads the last hash, inserts the
    entry. ``detail`` must never hold confidential content.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=actor.get_username() if getattr(actor, "pk", None) else "system",
            action=str(action),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            student_id=student_id,
            ip_address=client_address(request),
            detail=detail[:200],
            prev_hash=last or GENESIS,
        )
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def _removed_by_retention(entry_hash: str) -> bool:
    """Was the entry with this hash removed by apply_retention? Its removal entry ends with the hash."""
    return AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="counseling.auditentry", detail__endswith=f"hash {entry_hash}"
    ).exists()


def find_breaks() -> Iterator[tuple[int, str]]:
    """Yield (entry id, problem) for every entry whose hash or link does not match.

    The oldest entries may have been removed by apply_retention (always an unbroken run from the
    start): then the first remaining entry links to a removed one, which the chain itself records.
    """
    prev = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        expected_prev = GENESIS if prev is None else prev
        if prev is None and entry.prev_hash != GENESIS and _removed_by_retention(entry.prev_hash):
            expected_prev = entry.prev_hash
        if entry.prev_hash != expected_prev:
            yield entry.id, "link to the previous entry is broken"
        if entry.compute_hash() != entry.hash:
            yield entry.id, "content does not match its hash"
        prev = entry.hash
