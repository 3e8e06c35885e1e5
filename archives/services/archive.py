"""The student's mental-health archive (心理档案): everything the office keeps about one student,
for counselors and the head counselor. Reading and printing are audited like a case."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import charts
from archives.models import ClassLogEntry, FocusEntry, FocusReview, Result, ScreeningWarning
from counseling.cases import contract as cases
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services.audit import record

from .definition import score_range


@dataclass
class InstrumentHistory:
    instrument: object
    results: list[Result] = field(default_factory=list)
    chart: str = ""
    # The results as the page prints them (archives.views.archive fills them in).
    rows: list[dict] = field(default_factory=list)


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
    # Each list reads only the columns the page prints (see archives/templates/archives/_archive_body.html):
    # the SQL compiler's work grows with every column, and a joined answer sheet or note would be
    # decrypted for nothing.
    results = list(
        Result.objects.visible_to(viewer)
        .filter(student=student)
        .select_related("instrument", "screening")
        .only(
            "submission_id",
            "submitted_at",
            "total",
            "band",
            "is_critical",
            "instrument__name_zh",
            "instrument__name_en",
            "instrument__definition",
            "instrument__is_scored",
            "screening__title",
        )
        .order_by("submitted_at", "id")
    )
    histories: OrderedDict[int, InstrumentHistory] = OrderedDict()
    for result in results:
        histories.setdefault(result.instrument_id, InstrumentHistory(result.instrument)).results.append(result)
    for history in histories.values():
        instrument = history.instrument
        if instrument.is_scored and history.results:
            low, high = score_range(instrument.definition, instrument.definition["scoring"]["total"]["items"])
            history.chart = charts.trend(
                _("%(instrument)s totals over time") % {"instrument": instrument.short_name},
                [
                    charts.TrendPoint(timezone.localtime(r.submitted_at).date(), r.total, r.screening.title)
                    for r in history.results
                    if r.total is not None
                ],
                instrument.bands,
                low,
                high,
            )
    focus = list(
        FocusEntry.objects.visible_to(viewer)
        .filter(student=student)
        .select_related("category")
        .only("level", "category", "teacher_request", "note", "started_at", "ended_at")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=FocusReview.objects.select_related("reviewed_by").only(
                    "entry_id",
                    "reviewed_at",
                    "level_after",
                    "ended",
                    "note",
                    "reviewed_by__name",
                    "reviewed_by__username",
                ),
            )
        )
    )
    logs = list(
        ClassLogEntry.objects.visible_to(viewer)
        .filter(student=student)
        .select_related("teacher", "school_class__grade")
        .only(
            "date",
            "channel",
            "text",
            "is_concern",
            "teacher__name",
            "teacher__username",
            "school_class__number",
            "school_class__grade__name",
        )
        .order_by("-date")
    )
    warnings = list(
        ScreeningWarning.objects.visible_to(viewer)
        .filter(student=student)
        .select_related("screening", "counselor")
        .only("created_at", "status", "is_critical", "screening__title", "counselor__name", "counselor__username")
    )
    return {
        "student": student,
        "profile": student.student_profile,
        "histories": list(histories.values()),
        "focus_entries": focus,
        "active_focus": next((entry for entry in focus if entry.is_active), None),
        "logs": logs,
        "warnings": warnings,
        "facts": cases.archive_facts(student, viewer),
    }
