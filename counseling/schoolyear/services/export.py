"""A student's data on request: one ZIP of everything the office holds about one student.

Each app contributes its files through ``<app>/export.py`` (the ``export`` hook, see counseling.schoolyear.registry).
Case records (modules marked CONFIDENTIAL) are included only when the head counselor confirmed a
second time and gave a reason. The ZIP is not stored; the DataExport row keeps who, when, why,
the file list and the digest, and the audit trail records it like a print.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.schoolyear.models import DataExport
from counseling.schoolyear.registry import export_sources
from counseling.services import audit


def exportable_students() -> QuerySet:
    """Every student the office has a profile for, graduates included (a guardian may ask later)."""
    return User.objects.filter(student_profile__isnull=False).select_related("student_profile__school_class__grade")


def search_students(query: str, limit: int = 20) -> list[User]:
    query = query.strip()
    if not query:
        return []
    return list(
        exportable_students()
        .filter(Q(name__icontains=query) | Q(student_profile__student_number__icontains=query))
        .order_by("student_profile__student_number")[:limit]
    )


@dataclass(frozen=True)
class Section:
    folder: str
    confidential: bool


def sections(*, include_confidential: bool) -> list[Section]:
    return [
        Section(source.folder, source.confidential)
        for source in export_sources()
        if include_confidential or not source.confidential
    ]


def has_confidential_sources() -> bool:
    return any(source.confidential or source.has_confidential_part for source in export_sources())


def _readme(student: User, by: User, reason: str, files: list[str], confidential_reason: str) -> str:
    profile = student.student_profile
    lines = [
        _("Data held by the counseling office about %(name)s (student number %(number)s).")
        % {"name": student.get_full_name(), "number": profile.student_number},
        _("Exported on %(time)s by %(by)s.")
        % {"time": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"), "by": by.get_full_name()},
        _("Request: %(reason)s") % {"reason": reason},
    ]
    if confidential_reason:
        lines.append(_("Case records included because: %(reason)s") % {"reason": confidential_reason})
    lines.append("")
    lines.append(_("Files:"))
    lines.extend(f"- {name}" for name in files)
    return "\n".join(lines) + "\n"


def export_student_data(
    student: User,
    *,
    by: User,
    reason: str,
    include_confidential: bool = False,
    confidential_reason: str = "",
    request: HttpRequest | None = None,
) -> tuple[DataExport, bytes]:
    """Build the ZIP for ``student``; returns the record and the bytes.

    Side effects, in one transaction: calls every app's export (read-only), inserts the
    DataExport row, writes an EXPORT audit entry on the student, one on the export record (with
    "case records" noted when they are in it) and one per record an app names as audited.
    """
    if include_confidential and not confidential_reason.strip():
        raise ValueError("A reason is required to include case records.")
    files: dict[str, bytes] = {}
    audited = []
    with transaction.atomic():
        for source in export_sources():
            if source.confidential and not include_confidential:
                continue
            produced = dict(source.export_student(student))
            if include_confidential:
                produced.update(source.export_confidential(student))
            for name, content in produced.items():
                files[f"{source.folder}/{name}"] = content.encode() if isinstance(content, str) else content
            audited.extend(source.audited(student))
        names = sorted(files)
        readme = _readme(
            student, by, reason.strip(), names, confidential_reason.strip() if include_confidential else ""
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", readme.encode())
            for name in names:
                archive.writestr(name, files[name])
        data = buffer.getvalue()
        export = DataExport.objects.create(
            student=student,
            requested_by=by,
            reason=reason.strip()[:200],
            includes_confidential=include_confidential,
            confidential_reason=confidential_reason.strip()[:200] if include_confidential else "",
            files=["README.txt", *names],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
        note = "student data export" + (" with case records" if include_confidential else "")
        audit.record(
            by, AuditAction.EXPORT, student, request=request, student_id=student.pk, detail=f"{note} #{export.pk}"
        )
        audit.record(by, AuditAction.EXPORT, export, request=request, student_id=student.pk, detail=note)
        for obj in audited:
            audit.record(
                by, AuditAction.EXPORT, obj, request=request, student_id=student.pk, detail=f"data export #{export.pk}"
            )
    return export, data


def filename(export: DataExport) -> str:
    number = export.student.student_profile.student_number
    return f"student-data-{number}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.zip"
