"""Collecting what each app declares for retention and for a student's data export.

The hooks themselves (``retention``: ``KINDS: list[RetentionKind]``; ``export``:
``export_student(student)`` and friends) are described once, in counseling.hooks and
docs/architecture.md.

Export: ``export_student(student) -> dict[str, bytes | str]`` (file name -> content, inside the
app's folder of the ZIP). ``CONFIDENTIAL = True`` in the module means its files (case records) go
into the ZIP only after the head counselor's second confirmation with a reason; a module with both
kinds has ``export_confidential(student)`` for the files that need that confirmation (staff
notes). An optional ``audited(student) -> list[Model]`` names the records whose reading is audited
one by one (each case exported gets its own EXPORT entry, as a printed case does).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from counseling.hooks import RetentionKind, app_hooks
from counseling.schoolyear.services.rollover import graduated_students


def retention_kinds() -> list[RetentionKind]:
    """Every registered kind, in LOCAL_APPS order; a duplicate key is a programming error."""
    kinds: list[RetentionKind] = []
    for _app, module in app_hooks("retention"):
        kinds.extend(module.KINDS)
    keys = [kind.key for kind in kinds]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RuntimeError(f"Retention kinds declared twice: {sorted(duplicates)}")
    return kinds


def expired_records(kind: RetentionKind, cutoff: datetime.datetime) -> models.QuerySet:
    """The records of ``kind`` whose period ended before ``cutoff``, still to be removed."""
    if kind.after_graduation is not None:
        return kind.after_graduation(graduated_students(cutoff))
    return kind.expired(cutoff)


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
    for app, module in app_hooks("export"):
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
