"""The student's mental-health archive (心理档案): everything the office keeps about one student,
for counselors and the head counselor. Reading and printing are audited like a case."""

from __future__ import annotations

import json
from collections import namedtuple
from dataclasses import dataclass, field

from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import charts
from archives.models import ClassLogEntry, FocusEntry, FocusReview, Instrument, Result, ScreeningWarning
from counseling import prepared
from counseling.cases import contract as cases
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services.audit import record

from .definition import score_range

# The rows each list of the page reads (see ``open_archive``), named as the values they hold.
_RESULT = (
    "submission_id",
    "submitted_at",
    "total",
    "band",
    "is_critical",
    "screening__title",
    "instrument_id",
    "instrument__name_zh",
    "instrument__name_en",
    "instrument__is_scored",
    "definition_text",
)
_FOCUS = ("pk", "level", "category__name_zh", "category__name_en", "teacher_request", "note", "started_at", "ended_at")
_REVIEW = ("entry_id", "reviewed_at", "level_after", "ended", "note", "reviewed_by__name", "reviewed_by__username")
_LOG = (
    "date",
    "channel",
    "text",
    "is_concern",
    "teacher__name",
    "teacher__username",
    "school_class__number",
    "school_class__grade__name",
)
_WARNING = ("pk", "created_at", "status", "is_critical", "screening__title", "counselor__name", "counselor__username")
ResultRow = namedtuple("ResultRow", _RESULT)
FocusRow = namedtuple("FocusRow", _FOCUS)
LogRow = namedtuple("LogRow", _LOG)
WarningRow = namedtuple("WarningRow", _WARNING)


def _rows(name: str, build, scope: str, **values) -> list:
    """``prepared.rows`` of a list read through a door whose branch is ``scope``; a shut door
    ("none", ``.none()``) reads nothing, as the queryset would not either."""
    if scope == "none":
        return []
    return prepared.rows(name, build, shape=(scope,), **values)


@dataclass
class InstrumentHistory:
    # Built from the results' row (names, scoring flag, definition), never saved.
    instrument: Instrument
    # Named rows of ``Result`` values (see ``open_archive``).
    results: list = field(default_factory=list)
    chart: str = ""
    # The results' table rows as the page prints them (archives.views.archive fills them in).
    rows: str = ""


def open_archive(student: User, *, viewer, request: HttpRequest | None = None, printing: bool = False) -> dict:
    """Everything on the archive page of ``student`` that ``viewer`` may reach: each list is read
    through its model's ``visible_to(viewer)`` (see archives.access), so every warning, answer
    sheet and entry the page links to opens for the viewer.

    Side effects: an audit entry (view, or print for the printable version) naming the
    student, written before anything is read.
    """
    record(
        viewer,
        AuditAction.PRINT if printing else AuditAction.VIEW,
        student,
        request=request,
        student_id=student.pk,
        detail="archive",
    )
    # Each list reads only the values the page prints (see archives/views/archive.py), as plain
    # rows: the SQL compiler's work grows with every column and every joined model, and a joined
    # answer sheet or note would be decrypted for nothing.
    # Read as plain tuples through counseling.prepared (built and compiled once per door's branch),
    # named here. The student goes in by pk: their fields never meet the kept query's constants.
    results = [
        ResultRow._make(row)
        for row in _rows(
            "archives.archive.results",
            lambda viewer, student: (
                Result.objects.visible_to(viewer)
                .filter(student=student)
                # The definition is large and the same for every result of an instrument: read as text
                # and decoded once per instrument below, not once per row.
                .annotate(definition_text=Cast("instrument__definition", TextField()))
                .values_list(*_RESULT)
                .order_by("submitted_at", "id")
            ),
            Result.objects.scope_of(viewer),
            viewer=viewer,
            student=student.pk,
        )
    ]
    histories: dict[int, InstrumentHistory] = {}
    for result in results:
        history = histories.get(result.instrument_id)
        if history is None:
            instrument = Instrument(
                pk=result.instrument_id,
                name_zh=result.instrument__name_zh,
                name_en=result.instrument__name_en,
                is_scored=result.instrument__is_scored,
                definition=json.loads(result.definition_text),
            )
            history = histories[result.instrument_id] = InstrumentHistory(instrument)
        history.results.append(result)
    for history in histories.values():
        instrument = history.instrument
        if instrument.is_scored:
            low, high = score_range(instrument.definition, instrument.definition["scoring"]["total"]["items"])
            history.chart = charts.trend(
                _("%(instrument)s totals over time") % {"instrument": instrument.short_name},
                [
                    charts.TrendPoint(timezone.localtime(r.submitted_at).date(), r.total, r.screening__title)
                    for r in history.results
                    if r.total is not None
                ],
                instrument.bands,
                low,
                high,
            )
    focus = [
        FocusRow._make(row)
        for row in _rows(
            "archives.archive.focus",
            lambda viewer, student: FocusEntry.objects.visible_to(viewer).filter(student=student).values_list(*_FOCUS),
            FocusEntry.objects.scope_of(viewer),
            viewer=viewer,
            student=student.pk,
        )
    ]
    # The reviews of those entries (read only when there is one), grouped by entry in Python.
    reviews: dict[int, list] = {entry.pk: [] for entry in focus}
    if focus:
        for review in prepared.rows(
            "archives.archive.reviews",
            lambda entries: FocusReview.objects.filter(entry_id__in=entries).values_list(*_REVIEW),
            entries=list(reviews),
        ):
            reviews[review[0]].append(review)
    logs = [
        LogRow._make(row)
        for row in _rows(
            "archives.archive.logs",
            lambda viewer, student: (
                ClassLogEntry.objects.visible_to(viewer).filter(student=student).values_list(*_LOG).order_by("-date")
            ),
            ClassLogEntry.objects.scope_of(viewer),
            viewer=viewer,
            student=student.pk,
        )
    ]
    warnings = [
        WarningRow._make(row)
        for row in _rows(
            "archives.archive.warnings",
            lambda viewer, student: (
                ScreeningWarning.objects.visible_to(viewer).filter(student=student).values_list(*_WARNING)
            ),
            ScreeningWarning.objects.scope_of(viewer),
            viewer=viewer,
            student=student.pk,
        )
    ]
    return {
        "student": student,
        "profile": student.student_profile,
        "histories": list(histories.values()),
        "focus_entries": focus,
        "reviews": reviews,
        "active_focus": next((entry for entry in focus if entry.ended_at is None), None),
        "logs": logs,
        "warnings": warnings,
        "facts": cases.archive_facts(student, viewer),
    }
