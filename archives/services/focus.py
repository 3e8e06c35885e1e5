"""The focus list (重点关注): adding pupils, the termly review, and the class teachers' log."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archives.models import ClassLogEntry, FocusEntry, FocusReview
from counseling.models import Term
from counseling.models.audit import AuditAction
from counseling.services.audit import record
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

from .signals import signal_class_log


class FocusError(Exception):
    """Message for the user."""


def add(
    student,
    *,
    level: str,
    category,
    teacher_request: str,
    note: str,
    by,
    warning=None,
    request: HttpRequest | None = None,
) -> FocusEntry:
    """Put a student on the focus list.

    Side effects, in one transaction: the entry (reviewed this term); an audit entry; a
    notification to the pupil's class teacher (name only: what is asked of them is on their page).
    Raises FocusError when the student is already on the list.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = FocusEntry.objects.create(
                student=student,
                level=level,
                category=category,
                teacher_request=teacher_request,
                note=note,
                started_at=now,
                started_by=by,
                reviewed_at=now,
                reviewed_term=Term.objects.current(),
                warning=warning,
            )
            record(by, AuditAction.CREATE, entry, request=request, student_id=student.pk)
            teacher = _class_teacher(student)
            if teacher is not None:
                title = Msg(
                    gettext_noop("%(student)s of your class is on the focus list"), student=student.get_full_name()
                )
                notify(
                    teacher,
                    key=f"archives:focus:{entry.pk}:teacher:{teacher.pk}",
                    kind=Kind.TASK,
                    title=title,
                    url=reverse("archives:class_focus"),
                )
    except IntegrityError as exc:
        raise FocusError(_("This student is already on the focus list.")) from exc
    return entry


def _class_teacher(student):
    profile = getattr(student, "student_profile", None)
    return profile.school_class.class_teacher if profile is not None else None


def update(entry: FocusEntry, *, by, request: HttpRequest | None = None, **fields) -> list[str]:
    """Change an active entry's level, category, request or note. Side effects: row, audit entry."""
    if not entry.is_active:
        raise FocusError(_("This entry has ended and can no longer be changed."))
    changed = [name for name, value in fields.items() if getattr(entry, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(entry, name, fields[name])
    with transaction.atomic():
        entry.save(update_fields=changed)
        record(
            by,
            AuditAction.CHANGE,
            entry,
            request=request,
            student_id=entry.student_id,
            detail="fields: " + ", ".join(changed),
        )
    return changed


def review(
    entry: FocusEntry, *, by, level: str | None, note: str = "", request: HttpRequest | None = None
) -> FocusReview:
    """Review an active entry: keep it (possibly at another level) or, with ``level=None``, end it.

    Side effects, in one transaction: a FocusReview; the entry's level, review time and term, or
    its end; an audit entry.
    """
    if not entry.is_active:
        raise FocusError(_("This entry has already ended."))
    now = timezone.now()
    term = Term.objects.current()
    with transaction.atomic():
        item = FocusReview.objects.create(
            entry=entry,
            term=term,
            reviewed_by=by,
            reviewed_at=now,
            level_before=entry.level,
            level_after=level or "",
            ended=level is None,
            note=note,
        )
        entry.reviewed_at, entry.reviewed_term = now, term
        fields = ["reviewed_at", "reviewed_term"]
        if level is None:
            entry.ended_at, entry.ended_by = now, by
            fields += ["ended_at", "ended_by"]
        elif level != entry.level:
            entry.level = level
            fields.append("level")
        entry.save(update_fields=fields)
        record(
            by,
            AuditAction.CHANGE,
            entry,
            request=request,
            student_id=entry.student_id,
            detail="review: removed" if level is None else f"review: {level}",
        )
    return item


def due_for_review(entries: QuerySet[FocusEntry], term: Term | None = None) -> QuerySet[FocusEntry]:
    """Active entries not reviewed in the current term."""
    term = term or Term.objects.current()
    if term is None:
        return entries.active()
    return entries.active().filter(Q(reviewed_term__isnull=True) | ~Q(reviewed_term=term))


def add_log_entry(
    *,
    teacher,
    entry: FocusEntry,
    date: datetime.date,
    channel: str,
    text: str,
    is_concern: bool = False,
    request: HttpRequest | None = None,
) -> ClassLogEntry:
    """A class teacher writes in their log about a flagged pupil of their class.

    The caller took ``entry`` from ``FocusEntry.objects.visible_to(teacher)``: a pupil of their class.
    Side effects, in one transaction: the entry (text encrypted); an audit entry; when the teacher
    marks it as a concern, an urgent risk signal about the pupil (``signals.signal_class_log``: the
    responsible counselor and the head counselor are told, without the text).
    """
    if date > timezone.localdate():
        raise FocusError(_("The date cannot be in the future."))
    with transaction.atomic():
        log = ClassLogEntry.objects.create(
            student=entry.student,
            school_class=entry.student.student_profile.school_class,
            teacher=teacher,
            date=date,
            channel=channel,
            text=text,
            is_concern=is_concern,
        )
        record(teacher, AuditAction.CREATE, log, request=request, student_id=entry.student_id)
        signal_class_log(log, by=teacher, request=request)
    return log
