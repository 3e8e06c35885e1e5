"""The audit trail is a hash chain that cannot be edited through the app."""

from __future__ import annotations

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from counseling.models import AuditEntry
from counseling.models.audit import AuditAction, ImmutableError
from counseling.services.audit import GENESIS, find_breaks, record


@pytest.mark.django_db
def test_entries_link_to_the_one_before(counselor, student) -> None:
    first = record(counselor, AuditAction.VIEW, student, student_id=student.pk)
    second = record(counselor, AuditAction.CHANGE, student, detail="fields: name")
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert first.actor_name == "counselor"
    assert first.object_type == "counseling.user"
    assert list(find_breaks()) == []


@pytest.mark.django_db
def test_an_entry_is_stored_as_recorded(counselor, student, other_student, rf) -> None:
    """The INSERT is made once a process, not by the ORM: every value comes back as it went in."""
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    entry = record(
        counselor,
        AuditAction.VIEW,
        AuditEntry,
        request=request,
        student_ids=[other_student.pk, student.pk],
        detail="list",
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert entry.pk is not None and not entry._state.adding
    assert (stored.actor_id, stored.actor_name, stored.action, stored.object_type, stored.object_id) == (
        counselor.pk,
        "counselor",
        "view",
        "counseling.auditentry",
        "list",
    )
    assert stored.ip_address == "203.0.113.9"
    assert stored.student_ids == sorted([student.pk, other_student.pk])
    assert stored.created_at == entry.created_at
    assert stored.hash == entry.hash == stored.compute_hash()
    assert list(find_breaks()) == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_entry_fails_the_callers_change(counselor, student, monkeypatch) -> None:
    """No savepoint: a caller that catches the failure still loses its change, never only the entry."""
    from django.db import IntegrityError, transaction

    first = record(counselor, AuditAction.VIEW, student)
    # The same HMAC twice: the unique constraint refuses the second entry.
    monkeypatch.setattr(AuditEntry, "compute_hash", lambda self, key=None: first.hash)
    with transaction.atomic():
        student.name = "改过的名字"
        student.save(update_fields=["name"])
        with pytest.raises(IntegrityError):
            record(counselor, AuditAction.CHANGE, student, detail="fields: name")
    student.refresh_from_db()
    assert student.name != "改过的名字"
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted(counselor, student) -> None:
    entry = record(counselor, AuditAction.VIEW, student)
    entry.detail = "changed"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(ImmutableError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


@pytest.mark.django_db
def test_a_row_changed_behind_the_apps_back_breaks_the_chain(counselor, student) -> None:
    record(counselor, AuditAction.VIEW, student)
    tampered = record(counselor, AuditAction.VIEW, student)
    record(counselor, AuditAction.VIEW, student)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE counseling_auditentry SET actor_name = 'someone' WHERE id = %s", [tampered.pk])
    assert list(find_breaks()) == [(tampered.pk, "content does not match its hash")]


def _three_entries(counselor, student) -> list:
    return [record(counselor, AuditAction.VIEW, student, student_id=student.pk) for _ in range(3)]


@pytest.mark.django_db
def test_verify_audit_passes_on_an_intact_chain(counselor, student) -> None:
    record(counselor, AuditAction.VIEW, student, student_id=student.pk)
    record(counselor, AuditAction.CHANGE, student, detail="fields: name")
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact (2 entries)" in out.getvalue()


@pytest.mark.django_db
def test_verify_audit_finds_a_row_tampered_with_raw_sql(counselor, student) -> None:
    tampered = _three_entries(counselor, student)[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE counseling_auditentry SET actor_name = %s WHERE id = %s", ["someone-else", tampered.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="broken in 1 place"):
        call_command("verify_audit", stdout=out)
    assert f"entry {tampered.pk}: content does not match its hash" in out.getvalue()


@pytest.mark.django_db
def test_verify_audit_finds_a_deleted_row(counselor, student) -> None:
    _first, middle, last = _three_entries(counselor, student)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM counseling_auditentry WHERE id = %s", [middle.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=out)
    assert f"entry {last.pk}: link to the previous entry is broken" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_never_fork_the_chain(counselor, student) -> None:
    """Six connections appending at once: one chain, each entry linked to the one committed before it."""
    if connection.vendor != "postgresql":
        pytest.skip("the chain lock is PostgreSQL's; SQLite serialises writers itself")
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def append(n: int) -> None:
        try:
            start.wait()
            for _ in range(n):
                record(counselor, AuditAction.VIEW, student, student_id=student.pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=append, args=(15,)) for _ in range(6)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    chain = list(AuditEntry.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(chain) == 90
    assert chain[0][0] == GENESIS
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(chain))
    assert list(find_breaks()) == []
