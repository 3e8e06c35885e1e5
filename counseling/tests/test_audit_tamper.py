"""A database owner cannot rewrite the audit trail unseen: HMAC per entry, anchors outside the database.

Every tampering is done the way someone with write access to the database would: raw SQL
(the ORM refuses to update or delete entries).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import importlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone, translation

from counseling.celery import app as celery_app
from counseling.models import AuditCheck, AuditEntry, Notification
from counseling.models.audit import AuditAction
from counseling.services import audit
from counseling.services.audit import find_breaks, read_anchors, record
from counseling.services.digest import send_daily_digests
from counseling.services.health import check_audit
from counseling.services.notify import deliver_due
from counseling.tasks import verify_audit

pytestmark = pytest.mark.django_db

RESEAL = importlib.import_module("counseling.migrations.0007_audit_hmac")


def _reseal() -> None:
    """Run the upgrade's data step with the models as they stand at that migration."""
    state = MigrationLoader(connection).project_state(("counseling", "0007_audit_hmac"))
    RESEAL.reseal(state.apps, None)


def _entries(counselor, student, count: int = 4) -> list[AuditEntry]:
    return [record(counselor, AuditAction.VIEW, student, student_id=student.pk) for _ in range(count)]


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _broken(match: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError, match=match) as failure:
        call_command("verify_audit", stdout=out)
    return str(failure.value)


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rechain(entries: list[AuditEntry], seal) -> None:
    """Rewrite every entry's link and hash by SQL with ``seal(entry) -> hash``, in order."""
    prev = entries[0].prev_hash
    for entry in entries:
        entry.refresh_from_db()
        entry.prev_hash = prev
        entry.hash = seal(entry)
        _sql("UPDATE counseling_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, entry.hash, entry.pk])
        prev = entry.hash


def _unkeyed(entry: AuditEntry) -> str:
    """The old, unkeyed SHA-256 formula: anyone with the database could compute it."""
    return hashlib.sha256(entry._message().rsplit(b"\x1f", 1)[0]).hexdigest()


def test_an_intact_chain_verifies_is_anchored_and_the_result_is_kept(counselor, student) -> None:
    entries = _entries(counselor, student)
    assert "The audit chain is intact (4 entries)." in _verify()
    anchors, unreadable = read_anchors()
    assert unreadable == []
    assert [(a.entry_id, a.entry_hash) for a in anchors] == [(entries[-1].pk, entries[-1].hash)]
    check = AuditCheck.objects.get()
    assert (check.ok, check.breaks, check.entries) == (True, 0, 4)
    # The hash is an HMAC under AUDIT_KEY, not a plain SHA-256 of the content.
    assert entries[0].hash == hmac.new(settings.AUDIT_KEY.encode(), entries[0]._message(), hashlib.sha256).hexdigest()
    assert entries[0].hash != _unkeyed(entries[0])


def test_a_row_edited_by_sql_is_reported(counselor, student) -> None:
    edited = _entries(counselor, student)[1]
    _sql("UPDATE counseling_auditentry SET actor_name = %s WHERE id = %s", ["someone-else", edited.pk])
    message = _broken("broken in 1 place")
    assert f"entry {edited.pk}: content does not match its hash" in message
    assert AuditCheck.objects.get().ok is False


def test_students_dropped_from_a_list_entry_are_reported(counselor, student, other_student) -> None:
    listed = record(counselor, AuditAction.VIEW, AuditEntry, student_ids=[student.pk, other_student.pk])
    _sql("UPDATE counseling_auditentry SET student_ids = '[]' WHERE id = %s", [listed.pk])
    assert f"entry {listed.pk}: content does not match its hash" in _broken("broken in 1 place")


def test_a_middle_row_deleted_by_sql_is_reported(counselor, student) -> None:
    entries = _entries(counselor, student)
    _sql("DELETE FROM counseling_auditentry WHERE id = %s", [entries[1].pk])
    assert f"entry {entries[2].pk}: link to the previous entry is broken" in _broken("broken in 1 place")


def test_an_edit_rechained_with_the_old_unkeyed_hash_is_reported(counselor, student) -> None:
    entries = _entries(counselor, student)
    _sql("UPDATE counseling_auditentry SET detail = %s WHERE id = %s", ["nothing to see", entries[1].pk])
    _rechain(entries, _unkeyed)
    message = _broken("broken in 4 place")
    for entry in entries:
        assert f"entry {entry.pk}: content does not match its hash" in message


def test_a_deletion_rechained_with_a_wrong_key_is_reported(counselor, student) -> None:
    entries = _entries(counselor, student)
    _sql("DELETE FROM counseling_auditentry WHERE id = %s", [entries[1].pk])
    kept = [entries[0], *entries[2:]]
    _rechain(kept, lambda entry: entry.compute_hash(b"a guessed key, not the real one"))
    message = _broken("broken in 3 place")
    assert f"entry {entries[2].pk}: content does not match its hash" in message
    assert "link" not in message  # the links were rewritten consistently: only the key gives it away


def test_the_tail_truncated_after_an_anchor_is_reported(counselor, student) -> None:
    entries = _entries(counselor, student)
    _verify()  # anchors the head: entries[-1]
    _sql("DELETE FROM counseling_auditentry WHERE id >= %s", [entries[2].pk])
    # What is left is a perfectly linked, correctly sealed chain: only the anchor shows the loss.
    message = _broken("broken in 1 place")
    assert f"entry {entries[-1].pk}: anchored at " in message
    assert f"missing: entries after {entries[1].pk} were removed from the end" in message


def test_truncation_after_a_daily_check_is_caught_by_the_next_one(counselor, student) -> None:
    entries = _entries(counselor, student, 2)
    assert verify_audit() is True
    later = record(counselor, AuditAction.VIEW, student)
    assert verify_audit() is True  # anchors ``later``
    _sql("DELETE FROM counseling_auditentry WHERE id = %s", [later.pk])
    assert verify_audit() is False
    assert next(iter(find_breaks()))[0] == later.pk
    assert entries[-1].pk < later.pk


def test_an_anchor_file_that_was_rewritten_is_reported(counselor, student) -> None:
    _entries(counselor, student, 2)
    _verify()
    path = audit.anchor_path()
    path.write_text(path.read_text() + "not an anchor\n")
    assert "anchor file line 2 cannot be read" in _broken("broken in 1 place")


def test_the_daily_check_runs_from_the_static_beat_schedule() -> None:
    entry = celery_app.conf.beat_schedule["daily-audit-check"]
    assert entry["task"] == "counseling.verify_audit"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {45})


def test_health_shows_the_last_result(client_for, head, counselor, student) -> None:
    client = client_for(head)
    with translation.override("en"):
        assert (check_audit().ok, check_audit().detail) == (True, "never")  # no broker, so no beat to run it
        with override_eager(False):
            assert check_audit().ok is False
    entries = _entries(counselor, student, 3)
    _verify()
    page = client.get(reverse("health"))
    assert page.status_code == 200
    assert "审计日志校验" in page.content.decode()
    assert "完好，共 3 条" in page.content.decode()
    _sql("UPDATE counseling_auditentry SET detail = %s WHERE id = %s", ["x", entries[0].pk])
    with pytest.raises(CommandError):
        _verify()
    page = client.get(reverse("health"))
    assert page.status_code == 503
    assert "有 1 处断裂" in page.content.decode()


def test_health_warns_when_the_last_check_is_over_two_days_old(counselor, student) -> None:
    AuditCheck.objects.create(checked_at=timezone.now() - datetime.timedelta(days=3), ok=True, entries=1)
    with translation.override("en"):
        check = check_audit()
    assert check.ok is False
    assert check.detail.endswith(": overdue")


def test_the_head_counselors_digest_carries_the_fingerprint(head, counselor, student) -> None:
    _entries(counselor, student, 2)
    verify_audit()
    entry_id, short = audit.fingerprint()
    assert entry_id == AuditEntry.objects.latest("id").pk
    assert len(short) == 12 and short == AuditEntry.objects.get(pk=entry_id).hash[:12]
    send_daily_digests(timezone.localdate())
    deliver_due()
    assert f"审计日志：第 {entry_id} 条，指纹 {short}" in Notification.objects.get(user=head).body
    # Counselors who do not watch system health get no such line (and here no digest at all).
    assert not Notification.objects.filter(user=counselor).exists()


def test_the_upgrade_verifies_the_old_chain_then_seals_it(counselor, student) -> None:
    entries = _entries(counselor, student, 3)
    _rechain(entries, _unkeyed)  # as a database from before keyed sealing holds them
    assert len(list(find_breaks())) == 3
    _reseal()
    assert list(find_breaks()) == []
    note = AuditEntry.objects.latest("id")
    assert (note.actor_name, note.object_type, note.detail) == (
        "system",
        "counseling.auditentry",
        "sealed 3 earlier entries with HMAC; unkeyed chain verified",
    )


def test_the_upgrade_refuses_to_seal_a_broken_old_chain(counselor, student, monkeypatch) -> None:
    entries = _entries(counselor, student, 3)
    _rechain(entries, _unkeyed)
    _sql("UPDATE counseling_auditentry SET actor_name = %s WHERE id = %s", ["someone-else", entries[1].pk])
    with pytest.raises(RuntimeError, match=f"broken at 1 entr.*first #{entries[1].pk}"):
        _reseal()
    monkeypatch.setenv("AUDIT_RESEAL_BROKEN_CHAIN", "1")
    _reseal()
    assert list(find_breaks()) == []
    assert AuditEntry.objects.latest("id").detail.endswith(f"unkeyed chain broken at #{entries[1].pk}")


class override_eager:  # noqa: N801 - reads like the settings override it is
    def __init__(self, eager: bool) -> None:
        self.eager = eager

    def __enter__(self) -> None:
        self.saved = settings.CELERY_TASK_ALWAYS_EAGER
        settings.CELERY_TASK_ALWAYS_EAGER = self.eager

    def __exit__(self, *exc) -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = self.saved
