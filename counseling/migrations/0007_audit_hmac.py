"""Seal the audit trail with HMAC-SHA256 under AUDIT_KEY, after checking the old unkeyed chain.

Entries written before this migration carry an unkeyed SHA-256 chain, which anyone able to write
the table could have recomputed. This migration verifies that chain as it stands (hashes, links,
a start removed by retention), then re-seals every entry with the HMAC and appends one sealed
entry saying so: from then on the trail itself records when keyed sealing began and how many
entries it took over on the old chain's word.

A broken old chain stops the migration: re-sealing it would launder whatever broke it. After
looking into the breaks, an operator may set AUDIT_RESEAL_BROKEN_CHAIN=1 to seal the trail as it
stands; the appended entry then names the broken entries. Not reversible: the unkeyed hashes are
not kept.

The two hash formulas are copied here as they were at this migration, on purpose.
"""

import hashlib
import hmac
import os

from django.db import migrations, models
from django.utils import timezone

from counseling.crypto import audit_key

GENESIS = "0" * 64


def _parts(entry) -> list[str]:
    return [
        entry.prev_hash,
        entry.created_at.isoformat(),
        str(entry.actor_id or ""),
        entry.actor_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        str(entry.student_id or ""),
        entry.ip_address or "",
        entry.detail,
    ]


def _unkeyed(entry) -> str:
    return hashlib.sha256("\x1f".join(_parts(entry)).encode()).hexdigest()


def _sealed(entry, key: bytes) -> str:
    parts = [*_parts(entry), ",".join(str(pk) for pk in entry.student_ids or [])]
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _batches(ids: list[int], size: int = 1000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def reseal(apps, schema_editor) -> None:
    AuditEntry = apps.get_model("counseling", "AuditEntry")
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    if not ids:
        return
    # 1. Verify the old chain as the old verify_audit did.
    broken: list[int] = []
    prev = None
    for chunk in _batches(ids):
        for entry in AuditEntry.objects.filter(id__in=chunk).order_by("id"):
            expected = GENESIS if prev is None else prev
            if prev is None and entry.prev_hash != GENESIS:
                retention_removed = AuditEntry.objects.filter(
                    action="delete", object_type="counseling.auditentry", detail__endswith=f"hash {entry.prev_hash}"
                ).exists()
                if retention_removed:
                    expected = entry.prev_hash
            if entry.prev_hash != expected or _unkeyed(entry) != entry.hash:
                broken.append(entry.id)
            prev = entry.hash
    if broken and os.environ.get("AUDIT_RESEAL_BROKEN_CHAIN") != "1":
        raise RuntimeError(
            f"The existing audit chain is broken at {len(broken)} entr(y/ies), first #{broken[0]}. Sealing it "
            "with the HMAC would hide that. Investigate (manage.py verify_audit on the previous release), "
            "then set AUDIT_RESEAL_BROKEN_CHAIN=1 to seal the trail as it stands and migrate again."
        )
    # 2. Re-seal in order; the first entry keeps its link (to genesis or to a removed entry).
    key = audit_key()
    prev = None
    for chunk in _batches(ids):
        rows = list(AuditEntry.objects.filter(id__in=chunk).order_by("id"))
        for entry in rows:
            if prev is not None:
                entry.prev_hash = prev
            entry.hash = _sealed(entry, key)
            prev = entry.hash
        AuditEntry._base_manager.bulk_update(rows, ["prev_hash", "hash"])
    # 3. The trail records the change of seal.
    detail = f"sealed {len(ids)} earlier entries with HMAC; unkeyed chain verified"
    if broken:
        detail = f"sealed {len(ids)} earlier entries with HMAC; unkeyed chain broken at " + ",".join(
            f"#{pk}" for pk in broken
        )
    note = AuditEntry(
        created_at=timezone.now(),
        actor_name="system",
        action="change",
        object_type="counseling.auditentry",
        object_id=str(ids[-1]),
        detail=detail[:200],
        student_ids=[],
        prev_hash=prev,
    )
    note.hash = _sealed(note, key)
    note.save()


class Migration(migrations.Migration):

    dependencies = [
        ("counseling", "0006_outbox_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checked_at", models.DateTimeField(db_index=True)),
                ("ok", models.BooleanField()),
                ("breaks", models.PositiveIntegerField(default=0)),
                ("entries", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["-checked_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="student_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="students listed"),
        ),
        migrations.RunPython(reseal, elidable=False),
    ]
