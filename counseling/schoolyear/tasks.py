"""Background tasks of the school-year app."""

from __future__ import annotations

import logging

from celery import shared_task

from counseling.schoolyear.services import retention

log = logging.getLogger(__name__)


@shared_task(name="schoolyear.apply_retention", ignore_result=True)
def apply_retention() -> int:
    """The monthly retention run; a run already under way makes this one a no-op."""
    try:
        run = retention.apply(trigger="beat")
    except retention.RetentionBusyError:
        log.info("retention: another run is under way")
        return 0
    return run.total
