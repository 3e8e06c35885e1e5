"""Report jobs: ids in, re-fetch, idempotent; retries stay below the broker's visibility timeout."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from counseling.celery import MAX_RETRY_DELAY
from counseling.reports import files, services


@shared_task(
    bind=True,
    name="reports.build_report",
    ignore_result=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def build_report_task(self, report_id: int) -> None:
    try:
        services.build_report(report_id)
    except Exception as exc:
        services.mark_failed(report_id, exc)
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 2), MAX_RETRY_DELAY)) from exc


@shared_task(name="reports.build_pending", ignore_result=True)
def build_pending_task() -> int:
    return services.build_pending()


@shared_task(name="reports.draft_at_term_end", ignore_result=True)
def draft_at_term_end_task() -> None:
    services.draft_at_term_end(timezone.localdate())


@shared_task(name="reports.store_files", ignore_result=True, acks_late=True)
def store_files_task(report_id: int) -> None:
    """Render a ready version's PDF and spreadsheet into the storage (queued after a build, a
    narrative edit or a publication); a failure leaves the rendering to the first download."""
    files.store_all(report_id)
