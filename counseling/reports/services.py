"""Building, publishing and exporting semester reports.

The aggregates come from each app's ``reporting.summary(start, end)``; they are computed with
SQL aggregates and hold counts only. A build writes its result in one transaction, so a worker
killed half-way leaves nothing half-built visible, and the retried task completes it.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal
from types import ModuleType

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from counseling.hooks import app_hooks
from counseling.models import StudentProfile, Term
from counseling.reports.models import IN_PROGRESS, ReportStatus, SemesterReport
from counseling.services.queue import enqueue

log = logging.getLogger(__name__)

# A build claimed longer ago than this is taken to be abandoned by a dead worker.
STALE_BUILD = datetime.timedelta(minutes=10)


def reporting_apps() -> list[tuple[str, ModuleType]]:
    """``(label, module)`` for each app's ``reporting`` hook; the label keys the app's numbers in a report's data."""
    return [(app.rsplit(".", 1)[-1], module) for app, module in app_hooks("reporting")]


def previous_term(term: Term) -> Term | None:
    return Term.objects.filter(start__lt=term.start).order_by("-start").first()


# Stored next to the keys of every mapping of a summary: their order. PostgreSQL's jsonb keeps no
# key order (it sorts keys by length, then bytes), so a breakdown read back from the JSON column
# would come out scrambled (轻度, 重度, 无或极轻微, ...) without it.
ORDER_KEY = "__order__"


def jsonable(value):
    """Turn a summary into JSON: dates as ISO strings, Decimals as floats, keys as strings.

    Each mapping of two keys or more also holds its keys' order under ``ORDER_KEY`` (``restore``
    reads it back).
    """
    if isinstance(value, dict):
        stored = {str(key): jsonable(item) for key, item in value.items()}
        if len(stored) > 1:
            stored[ORDER_KEY] = list(stored)
        return stored
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def restore(value):
    """Stored report data with every mapping back in the order it was built in.

    Reads both shapes: mappings stored with ``ORDER_KEY`` and older versions' plain mappings
    (whose order is whatever the database kept; the sections put those in their defined order).
    """
    if isinstance(value, dict):
        order = value.get(ORDER_KEY)
        keys = [key for key in order if key in value] if isinstance(order, list) else []
        keys += [key for key in value if key not in keys and key != ORDER_KEY]
        return {key: restore(value[key]) for key in keys}
    if isinstance(value, list):
        return [restore(item) for item in value]
    return value


def request_report(term: Term, by) -> SemesterReport:
    """Ask for a new version of ``term``'s report; returns the one being built if there is one.

    Side effects: creates a queued version (number = last + 1) unless one is queued or being
    built, then queues the build task after commit. If the broker is down, the beat scan
    (``build_pending``) builds it later.
    """
    existing = SemesterReport.objects.filter(term=term, status__in=IN_PROGRESS).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            last = SemesterReport.objects.filter(term=term).aggregate(v=Max("version"))["v"] or 0
            report = SemesterReport.objects.create(term=term, version=last + 1, requested_by=by)
    except IntegrityError:
        # Someone else asked at the same moment: theirs is the one.
        return SemesterReport.objects.get(term=term, status__in=IN_PROGRESS)
    transaction.on_commit(lambda: kick_build(report.pk))
    return report


def kick_build(report_id: int) -> None:
    try:
        # By name: tasks.py imports this module.
        enqueue("reports.build_report", report_id)
    except Exception:  # noqa: BLE001 - any broker failure: the beat scan builds it later
        log.warning("broker unavailable; report %s will be built by the next beat scan", report_id)


def _claim(report_id: int) -> bool:
    now = timezone.now()
    return bool(
        SemesterReport.objects.filter(pk=report_id)
        .filter(
            Q(status=ReportStatus.QUEUED)
            | Q(status=ReportStatus.BUILDING, started_at__lt=now - STALE_BUILD)
            | Q(status=ReportStatus.FAILED)
        )
        .update(status=ReportStatus.BUILDING, started_at=now, progress=0)
    )


def collect(term: Term, on_progress=None) -> dict:
    """The aggregates of ``term`` and of the term before it, from every app's reporting module."""
    apps = reporting_apps()
    before = previous_term(term)
    data: dict = {
        "term": {"name": term.name, "start": term.start.isoformat(), "end": term.end.isoformat()},
        "previous_term": {"name": before.name} if before else None,
        "current": {},
        "previous": {},
    }
    for index, (label, module) in enumerate(apps, start=1):
        data["current"][label] = jsonable(module.summary(term.start, term.end))
        if before is not None:
            data["previous"][label] = jsonable(module.summary(before.start, before.end))
        if on_progress is not None:
            on_progress(int(index * 90 / len(apps)))
    return data


def build_report(report_id: int) -> bool:
    """Build one queued version. Idempotent: a version already built is left alone.

    Side effects, in order: claims the version (conditional update; a second worker gets
    nothing), records progress as each app's numbers are gathered, then in one transaction
    stores the aggregates, carries the narrative over from the term's previous version and
    marks the version a draft; then, when a worker runs apart from the web, queues the rendering
    of the version's PDF and spreadsheet into the storage (``counseling.reports.files``).
    """
    if not _claim(report_id):
        return False
    report = SemesterReport.objects.select_related("term").get(pk=report_id)

    def progress(percent: int) -> None:
        SemesterReport.objects.filter(pk=report_id, status=ReportStatus.BUILDING).update(progress=percent)

    data = collect(report.term, progress)
    with transaction.atomic():
        earlier = (
            SemesterReport.objects.filter(term=report.term, version__lt=report.version)
            .exclude(status__in=IN_PROGRESS)
            .order_by("-version")
            .first()
        )
        narrative = (
            {"highlights": earlier.highlights, "problems": earlier.problems, "next_plan": earlier.next_plan}
            if earlier
            else {}
        )
        SemesterReport.objects.filter(pk=report_id, status=ReportStatus.BUILDING).update(
            data={**data, "generated_at": timezone.now().isoformat()},
            status=ReportStatus.DRAFT,
            progress=100,
            built_at=timezone.now(),
            error="",
            **narrative,
        )
    queue_files(report_id)
    return True


def render_ahead() -> bool:
    """Whether a version's files are rendered in the background before anyone asks: only when a
    worker runs apart from the web processes. Without a broker a task runs inside the request that
    queued it, and rendering ahead would only make that request (a build, a publication) slower."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def queue_files(report_id: int) -> None:
    """After commit, queue the rendering of the version's files for a worker (when one runs apart).

    A broker that is down is no error: the first reader's request renders the file instead.
    """
    if not render_ahead():
        return

    def kick() -> None:
        try:
            # By name: tasks.py imports this module.
            enqueue("reports.store_files", report_id)
        except Exception:  # noqa: BLE001 - any broker failure: rendered on the first download instead
            log.warning("broker unavailable; the files of report %s are rendered when first downloaded", report_id)

    transaction.on_commit(kick)


def mark_failed(report_id: int, error: BaseException) -> None:
    SemesterReport.objects.filter(pk=report_id, status=ReportStatus.BUILDING).update(
        status=ReportStatus.FAILED, error=type(error).__name__
    )


def build_pending() -> int:
    """Build every queued (or abandoned) version; the beat's safety net when the broker was down."""
    stale = timezone.now() - STALE_BUILD
    ids = list(
        SemesterReport.objects.filter(
            Q(status=ReportStatus.QUEUED, requested_at__lt=timezone.now() - datetime.timedelta(seconds=30))
            | Q(status=ReportStatus.BUILDING, started_at__lt=stale)
        ).values_list("id", flat=True)
    )
    return sum(1 for report_id in ids if build_report(report_id))


def draft_at_term_end(day: datetime.date) -> SemesterReport | None:
    """On a term's last day, queue its first draft unless the term already has a version."""
    term = Term.objects.filter(end=day).first()
    if term is None or SemesterReport.objects.filter(term=term).exists():
        return None
    return request_report(term, None)


# A name of one character is too common a word to warn about.
SHORTEST_NAME = 2


def student_names_in(*texts: str) -> list[str]:
    """The names of students of the school directory (current and former) that occur in ``texts``.

    The narrative is published to leaders and administrators and printed; it must name nobody.
    This finds what a head counselor may have typed by mistake, so the page can warn before
    saving. Nothing is logged: the result is shown to the person who typed it, and only to them.
    """
    text = "\n".join(texts)
    if not text.strip():
        return []
    names = StudentProfile.objects.exclude(user__name="").values_list("user__name", flat=True).distinct()
    return sorted({name for name in names if len(name) >= SHORTEST_NAME and name in text})


def save_narrative(report: SemesterReport, *, highlights: str, problems: str, next_plan: str) -> None:
    """Side effects: saves the three texts; after commit, queues the files' rendering (with a worker)."""
    report.highlights, report.problems, report.next_plan = highlights, problems, next_plan
    report.save(update_fields=["highlights", "problems", "next_plan"])
    queue_files(report.pk)


def publish(report: SemesterReport, by) -> None:
    """Publish a draft: leaders and administrators can now read and print it.

    Side effects: marks the draft published; after commit, queues the rendering of its files
    (with a worker; they show the new status).
    """
    SemesterReport.objects.filter(pk=report.pk, status=ReportStatus.DRAFT).update(
        status=ReportStatus.PUBLISHED, published_at=timezone.now(), published_by=by
    )
    report.refresh_from_db()
    queue_files(report.pk)
