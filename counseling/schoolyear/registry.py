"""What each app declares for retention and for a student's data export.

Retention: an app lists its retainable kinds in ``<app>/retention.py``::

    KINDS = [
        RetentionKind(
            key="cases.session_note",             # unique; stored in RetentionPolicy.kind
            label=_("Session notes"),
            event=_("case closed"),               # what the period counts from
            default_months=60,                    # None: kept until the head counselor sets a period
            expired=lambda cutoff: SessionNote.objects.filter(case__closed_at__lt=cutoff),
            remove=anonymise_note,                # removes or anonymises ONE record
            student_id=lambda note: note.case.student_id,
            anonymises=True,
        ),
    ]

``student_id``, ``detail`` and ``describe`` are optional: the student the audit entry is about, a
non-confidential note for that entry, and one line per record for the dry-run listing.

``expired(cutoff)`` returns the records whose event happened before ``cutoff`` and that are still
to be removed: a record already anonymised must not be returned again, so a second run finds
nothing. ``remove(obj)`` runs inside one transaction with the audit entry the runner writes for
it; ``anonymises`` says whether it deletes the record or anonymises it. Rows that feed the semester
numbers (sessions, cases, letters, screening results) should be anonymised rather than deleted,
so recounting a past term gives the same numbers.

Export: an app that holds something about a student has ``<app>/export.py`` with
``def export_student(student) -> dict[str, bytes | str]`` (file name -> content, inside the app's
folder of the ZIP). ``CONFIDENTIAL = True`` in that module means its files (case records) go into
the ZIP only after the head counselor's second confirmation with a reason; a module with both
kinds has ``def export_confidential(student)`` for the files that need that confirmation (staff
notes). An optional
``def audited(student) -> list[Model]`` names the records whose reading is audited one by one
(each case exported gets its own EXPORT entry, as a printed case does).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from counseling.hooks import app_module


def _no_student(obj: models.Model) -> int | None:
    return None


def _no_detail(obj: models.Model) -> str:
    return ""


def _by_pk(obj: models.Model) -> str:
    return f"#{obj.pk}"


@dataclass(frozen=True)
class RetentionKind:
    key: str
    label: str
    event: str
    default_months: int | None
    expired: Callable[[datetime.datetime], models.QuerySet]
    remove: Callable[[models.Model], object]
    student_id: Callable[[models.Model], int | None] = _no_student
    # A short, non-confidential note for the audit entry of each removal.
    detail: Callable[[models.Model], str] = _no_detail
    # One non-confidential line per record for the dry run (ids and dates, never content).
    describe: Callable[[models.Model], str] = _by_pk
    # Deleted or anonymised: what the settings page says will happen.
    anonymises: bool = False


def retention_kinds() -> list[RetentionKind]:
    """Every registered kind, in LOCAL_APPS order; a duplicate key is a programming error."""
    kinds: list[RetentionKind] = []
    for app in settings.LOCAL_APPS:
        module = app_module(app, "retention")
        if module is not None:
            kinds.extend(module.KINDS)
    keys = [kind.key for kind in kinds]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RuntimeError(f"Retention kinds declared twice: {sorted(duplicates)}")
    return kinds


def _nothing_to_audit(student) -> list[models.Model]:
    return []


def _nothing_confidential(student) -> dict:
    return {}


@dataclass(frozen=True)
class ExportSource:
    app: str
    folder: str
    confidential: bool
    export_student: Callable
    audited: Callable = _nothing_to_audit
    export_confidential: Callable = _nothing_confidential
    has_confidential_part: bool = False


def export_sources() -> list[ExportSource]:
    sources = []
    for app in settings.LOCAL_APPS:
        module = app_module(app, "export")
        if module is not None:
            sources.append(
                ExportSource(
                    app=app,
                    folder=app.rsplit(".", 1)[-1],
                    confidential=bool(getattr(module, "CONFIDENTIAL", False)),
                    export_student=module.export_student,
                    audited=getattr(module, "audited", _nothing_to_audit),
                    export_confidential=getattr(module, "export_confidential", _nothing_confidential),
                    has_confidential_part=hasattr(module, "export_confidential"),
                )
            )
    return sources
