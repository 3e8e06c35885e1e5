"""Writing and checking the audit trail: HMAC-sealed entries, their chain, and anchors outside the database.

An anchor is one line appended to ``AUDIT_ANCHOR_DIR/anchors.txt`` (with S3_BUCKET: one object
under ``audit-anchors/`` in the bucket, see ``anchors_in_object_storage``): the time, the id of
the last entry and its HMAC. Every verification writes one (the daily task and ``verify_audit``), so a
later removal of the newest entries (which leaves an intact, shorter chain) is caught: an
anchored entry must still be there with the same HMAC. The anchor file belongs on storage the
database's owner cannot rewrite; its latest fingerprint also goes to the head counselor's digest.
"""

from __future__ import annotations

import datetime
import functools
import hmac
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from counseling.crypto import audit_key, school_scope
from counseling.models import AuditCheck, AuditEntry
from counseling.models.audit import AuditAction
from counseling.storage import SchoolS3Storage

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
    obj: models.Model | type[models.Model],
    *,
    request: HttpRequest | None = None,
    student_id: int | None = None,
    student_ids: Iterable[int] = (),
    detail: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain, in the caller's transaction.

    ``obj`` is the object read or changed, or a model class for a list of its rows (object id
    "list"); ``student_ids`` names every student a list page showed (stored sorted, sealed).
    Side effects, in order: takes the chain lock (PostgreSQL advisory lock for the rest of the
    transaction, so concurrent writers never fork the chain), reads the last hash, inserts the
    entry sealed with HMAC under AUDIT_KEY. ``detail`` must never hold confidential content.
    """
    # No savepoint inside the caller's transaction: an entry that cannot be written fails the
    # caller's whole change, never only itself.
    with transaction.atomic(savepoint=False):
        last = _last_hash_locked()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=actor.get_username() if getattr(actor, "pk", None) else "system",
            action=str(action),
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk) if isinstance(obj, models.Model) else "list",
            student_id=student_id,
            ip_address=client_address(request),
            detail=detail[:200],
            student_ids=sorted({int(pk) for pk in student_ids}),
            prev_hash=last or GENESIS,
        )
        entry.hash = entry.compute_hash()
        _insert(entry)
    return entry


def _insert(entry: AuditEntry) -> None:
    """``entry.save()`` for a new entry, with the INSERT made once a process (``_insert_sql``)
    rather than built and compiled by the ORM on every page that reads something confidential.
    Each value is prepared by its field, as ``save()`` does; no signal listens to these saves."""
    fields, sql, returns = _insert_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields])
        entry.pk = (
            cursor.fetchone()[0]
            if returns
            else connection.ops.last_insert_id(cursor, AuditEntry._meta.db_table, AuditEntry._meta.pk.column)
        )
    entry._state.adding = False
    entry._state.db = connection.alias


@functools.cache
def _insert_sql(vendor: str) -> tuple[list, str, bool]:
    """The entry's fields, the INSERT with a placeholder each and whether it returns the new id.
    Table and columns are unqualified: in a district the school's schema is on the search path."""
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    returns = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})" + (f" RETURNING {quote(AuditEntry._meta.pk.column)}" if returns else "")
    )
    return fields, sql, returns


def _last_hash_locked() -> str | None:
    """The hash of the chain's last entry, read once this transaction holds the chain lock.

    On PostgreSQL the lock and the read go in one round trip as two statements: under READ
    COMMITTED each statement takes its own snapshot, so the read sees every entry committed before
    the lock was granted. Elsewhere (SQLite) writers are serialised by the database itself.
    """
    if connection.vendor != "postgresql":
        return AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s); SELECT hash FROM {table} ORDER BY id DESC LIMIT 1",  # noqa: S608
            # Each school of a district has its own chain (its own table, in its own schema): its own lock.
            [_CHAIN_LOCK + zlib.crc32(school_scope().encode())],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _removed_by_retention(entry_hash: str) -> bool:
    """Was the entry with this hash removed by apply_retention? Its removal entry ends with the hash."""
    return AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="counseling.auditentry", detail__endswith=f"hash {entry_hash}"
    ).exists()


def record_list(
    actor,
    model: type[models.Model],
    student_ids: Iterable[int | None],
    *,
    request: HttpRequest | None = None,
    detail: str = "",
) -> AuditEntry | None:
    """One entry for a list page of ``model`` rows naming every student it shows (``detail``: which list).

    Side effects: one audit entry (see ``record``), none when the page names no student; nothing
    per row, so the page's query count does not grow with its length.
    """
    ids = {pk for pk in student_ids if pk is not None}
    if not ids:
        return None
    return record(actor, AuditAction.VIEW, model, request=request, student_ids=ids, detail=detail)


@dataclass(frozen=True)
class Anchor:
    at: str
    entry_id: int
    entry_hash: str


ANCHOR_FOLDER = "audit-anchors"
# An anchor object's name: UTC time (sortable), entry id, HMAC.
ANCHOR_NAME = re.compile(r"^(\d{8}T\d{6}Z)_(\d+)_([0-9a-f]{64})\.txt$")


def anchor_path() -> Path:
    """The anchors' file: one per school in a district (each school's chain has its own anchors)."""
    scope = school_scope()
    return Path(settings.AUDIT_ANCHOR_DIR) / (f"anchors-{scope}.txt" if scope else "anchors.txt")


def anchors_in_object_storage() -> bool:
    """With S3_BUCKET the anchors are objects in the bucket, one per anchor (S3 cannot append).

    Every worker host (any of them may run the daily check) and an operator's ``verify_audit``
    on any machine then read the same anchors; none sits on one host's disk. Each object is
    written once and never rewritten; bucket versioning or object lock (docs/operations.md)
    keeps a deleted one recoverable by whoever holds other keys than the app's.
    """
    return isinstance(storages["default"], SchoolS3Storage)


def _anchor_lines() -> list[str]:
    """The anchors as lines "time entry-id hmac", oldest first (a line that cannot be read stays, to be reported)."""
    if not anchors_in_object_storage():
        path = anchor_path()
        return path.read_text().splitlines() if path.exists() else []
    _folders, names = storages["default"].listdir(ANCHOR_FOLDER)
    lines = []
    for name in sorted(names):
        match = ANCHOR_NAME.match(name)
        if match is None:
            lines.append(f"unreadable object {name}")
            continue
        moment = datetime.datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        lines.append(f"{timezone.localtime(moment).isoformat(timespec='seconds')} {match[2]} {match[3]}")
    return lines


def _append_anchor(anchor: Anchor, moment: datetime.datetime) -> None:
    line = f"{anchor.at} {anchor.entry_id} {anchor.entry_hash}\n"
    if anchors_in_object_storage():
        stamp = moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{ANCHOR_FOLDER}/{stamp}_{anchor.entry_id}_{anchor.entry_hash}.txt"
        storages["default"].save(name, ContentFile(line.encode()))
        return
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def read_anchors() -> tuple[list[Anchor], list[int]]:
    """The anchors on file (or in the bucket), and the numbers of lines that could not be read."""
    anchors: list[Anchor] = []
    unreadable: list[int] = []
    for number, line in enumerate(_anchor_lines(), start=1):
        parts = line.split()
        if not line.strip():
            continue
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 64:
            unreadable.append(number)
            continue
        anchors.append(Anchor(parts[0], int(parts[1]), parts[2]))
    return anchors, unreadable


def write_anchor(now: datetime.datetime | None = None) -> Anchor | None:
    """Append the chain's head (time, last entry id, its HMAC) to the anchors.

    Side effects: creates AUDIT_ANCHOR_DIR if needed; appends one line and syncs it to disk (with
    S3_BUCKET: writes one object under ``audit-anchors/``), unless the head is already the last
    anchor. Returns the head's anchor (None: no entries yet).
    """
    head = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        return None
    anchors, _unreadable = read_anchors()
    if anchors and (anchors[-1].entry_id, anchors[-1].entry_hash) == head:
        return anchors[-1]
    moment = (now or timezone.now()).replace(microsecond=0)
    anchor = Anchor(moment.isoformat(timespec="seconds"), head[0], head[1])
    _append_anchor(anchor, moment)
    return anchor


def fingerprint() -> tuple[int, str] | None:
    """The last anchor's entry id and the first 12 hex characters of its HMAC (None: no anchor yet)."""
    anchors, _unreadable = read_anchors()
    if not anchors:
        return None
    return anchors[-1].entry_id, anchors[-1].entry_hash[:12]


def find_breaks() -> Iterator[tuple[int | None, str]]:
    """Yield (entry id or None, problem) for every entry, link or anchor that does not match.

    Each entry's HMAC must match its content, and its link the entry before. The oldest entries
    may have been removed by apply_retention (always an unbroken run from the start): then the
    first remaining entry links to a removed one, which the chain itself records. Every anchor
    on file must name an entry that is still there with the same HMAC (or one retention removed).
    """
    key = audit_key()
    anchors, unreadable = read_anchors()
    for number in unreadable:
        yield None, f"anchor file line {number} cannot be read"
    anchored: dict[int, Anchor] = {}
    for anchor in anchors:
        anchored.setdefault(anchor.entry_id, anchor)
        if anchored[anchor.entry_id].entry_hash != anchor.entry_hash:
            yield anchor.entry_id, "two anchors record different hashes for this entry"
    prev = None
    first_id = last_id = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        expected_prev = GENESIS if prev is None else prev
        if prev is None:
            first_id = entry.id
            if entry.prev_hash != GENESIS and _removed_by_retention(entry.prev_hash):
                expected_prev = entry.prev_hash
        if entry.prev_hash != expected_prev:
            yield entry.id, "link to the previous entry is broken"
        if not hmac.compare_digest(entry.compute_hash(key), entry.hash):
            yield entry.id, "content does not match its hash"
        anchor = anchored.pop(entry.id, None)
        if anchor is not None and anchor.entry_hash != entry.hash:
            yield entry.id, f"hash differs from the one anchored at {anchor.at}"
        prev = entry.hash
        last_id = entry.id
    for entry_id, anchor in sorted(anchored.items()):
        if last_id is None or entry_id > last_id:
            yield (
                entry_id,
                (
                    f"anchored at {anchor.at} but missing: entries after {last_id or 'the start'} were removed from the end"
                ),
            )
        elif first_id is not None and entry_id < first_id and _removed_by_retention(anchor.entry_hash):
            continue
        else:
            yield entry_id, f"anchored at {anchor.at} but missing"


@dataclass
class Verification:
    check: AuditCheck
    problems: list[tuple[int | None, str]]


def verify(now: datetime.datetime | None = None) -> Verification:
    """Check entries, links and anchors, then anchor the current head and store the result.

    Side effects, in order: reads the whole chain and the anchor file; appends an anchor line
    (even after a break: earlier anchors keep their evidence, and a later truncation is caught);
    inserts one AuditCheck row (time, ok, number of problems, number of entries).
    """
    now = now or timezone.now()
    problems = list(find_breaks())
    write_anchor(now)
    check = AuditCheck.objects.create(
        checked_at=now, ok=not problems, breaks=len(problems), entries=AuditEntry.objects.count()
    )
    return Verification(check, problems)


def last_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-checked_at", "-id").first()
