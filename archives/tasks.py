"""Background tasks of the archives app: thin, idempotent wrappers around services (run by beat)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from archives.models import ReportingWindow, Screening
from archives.services.screenings import send_reminders
from archives.services.zero import remind_unfiled

log = logging.getLogger(__name__)


@shared_task(name="archives.send_survey_reminders", ignore_result=True)
def send_survey_reminders() -> int:
    """Remind non-responders of every open screening that has reached a reminder stage.

    Idempotent: each invitation is claimed per stage and each outbox key names the stage.
    """
    now = timezone.now()
    sent = 0
    for screening_id in Screening.objects.open_now(now).values_list("id", flat=True):
        screening = Screening.objects.filter(pk=screening_id).first()
        if screening is None:
            continue
        sent += send_reminders(screening, now)
    if sent:
        log.info("queued %d survey reminders", sent)
    return sent


@shared_task(name="archives.remind_zero_reports", ignore_result=True)
def remind_zero_reports() -> int:
    """On a window's last day, remind class teachers who have not filed (keyed: once per class)."""
    today = timezone.localdate()
    return sum(remind_unfiled(window, today) for window in ReportingWindow.objects.filter(closes_on=today))
