"""Session notes: write, sign (lock), co-sign, and add addenda after signing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.cases.models import Case, NoteAddendum, SessionNote
from counseling.models.audit import AuditAction

from .trail import log

NOTE_FIELDS = (
    "appointment",
    "held_on",
    "channel",
    "duration_minutes",
    "techniques",
    "content",
    "analysis",
    "next_steps",
)


def create_note(case: Case, *, by, values: dict, request: HttpRequest | None = None) -> SessionNote:
    """Write a new (unsigned) session note on a case.

    Side effects, in one transaction: the note row; an audit entry (create).
    """
    with transaction.atomic():
        note = SessionNote.objects.create(case=case, author=by, **values)
        log(by, AuditAction.CREATE, note, request=request)
    return note


def can_edit(note: SessionNote, user) -> bool:
    """Only the author edits, and only before signing."""
    return not note.is_signed and note.author_id == user.pk


def update_note(note: SessionNote, *, by, values: dict, request: HttpRequest | None = None) -> list[str]:
    """Change an unsigned note; signed notes never change (use an addendum).

    Side effects, in one transaction: the note row (re-read under a row lock, so a signature
    that arrived meanwhile wins); an audit entry (change) naming the fields.
    """
    with transaction.atomic():
        current = SessionNote.objects.select_for_update().get(pk=note.pk)
        if not can_edit(current, by):
            raise ValidationError(_("This note is signed and can no longer be changed. Add an addendum instead."))
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if changed:
            for name in changed:
                setattr(current, name, values[name])
            current.save(update_fields=[*changed, "updated_at"])
            log(by, AuditAction.CHANGE, current, request=request, detail="fields: " + ", ".join(changed))
    return changed


def can_sign(note: SessionNote, user) -> bool:
    """The author signs their own note while they hold the case.

    A note left unsigned by a counselor who handed the case over can be signed by the head
    counselor, so it does not stay open for ever.
    """
    if note.is_signed:
        return False
    if note.author_id == user.pk and note.case.counselor_id == user.pk:
        return True
    return note.case.counselor_id != note.author_id and user.has_perm("cases.cosign_notes")


def sign_note(note: SessionNote, *, by, request: HttpRequest | None = None) -> None:
    """Sign (lock) a note.

    Side effects, in one transaction: the note's signature (a conditional update, so a note is
    signed once); an audit entry (sign).
    """
    if not can_sign(note, by):
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        if not SessionNote.objects.filter(pk=note.pk, signed_at__isnull=True).update(signed_at=now, signed_by=by):
            raise ValidationError(_("This note is already signed."))
        note.signed_at, note.signed_by = now, by
        log(by, AuditAction.SIGN, note, request=request)


def can_cosign(note: SessionNote, user) -> bool:
    return note.is_signed and note.cosigned_at is None and user.has_perm("cases.cosign_notes")


def cosign_note(note: SessionNote, *, by, request: HttpRequest | None = None) -> None:
    """Co-sign a signed note as supervisor (the head counselor).

    Side effects, in one transaction: the co-signature (conditional update); an audit entry
    (sign, detail "co-sign").
    """
    if not can_cosign(note, by):
        raise ValidationError(_("Only a signed note that is not yet co-signed can be co-signed."))
    with transaction.atomic():
        now = timezone.now()
        if not SessionNote.objects.filter(pk=note.pk, signed_at__isnull=False, cosigned_at__isnull=True).update(
            cosigned_at=now, cosigned_by=by
        ):
            raise ValidationError(_("This note is already co-signed."))
        note.cosigned_at, note.cosigned_by = now, by
        log(by, AuditAction.SIGN, note, request=request, detail="co-sign")


def add_addendum(note: SessionNote, *, by, text: str, request: HttpRequest | None = None) -> NoteAddendum:
    """Add text to a signed note, with author and time.

    Side effects, in one transaction: the addendum row; an audit entry (create).
    """
    if not note.is_signed:
        raise ValidationError(_("Edit the note itself until it is signed."))
    with transaction.atomic():
        addendum = NoteAddendum.objects.create(note=note, author=by, text=text)
        log(by, AuditAction.CREATE, addendum, request=request)
    return addendum
