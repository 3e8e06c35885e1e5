"""Background tasks of the counseling app: thin wrappers around services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from counseling.models import Heartbeat
from counseling.services import audit, digest
from counseling.services.notify import deliver_due

logger = logging.getLogger(__name__)


@shared_task(name="counseling.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    """Deliver every due outbox message (idempotent: each row is claimed before it is sent)."""
    return deliver_due()


@shared_task(name="counseling.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Record that beat (and a worker) are alive, for the staff health page."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})


@shared_task(name="counseling.send_daily_digests", ignore_result=True)
def send_daily_digests() -> int:
    """Each counselor's 7:00 digest; sent once a day however often this runs."""
    return digest.send_daily_digests(timezone.localdate())


@shared_task(name="counseling.verify_audit", ignore_result=True)
def verify_audit() -> bool:
    """The daily audit check: HMAC, links and anchors; then anchor the head (before the 7:00 digest)."""
    result = audit.verify()
    if not result.check.ok:
        logger.error("The audit chain is broken in %d place(s); run `manage.py verify_audit`.", result.check.breaks)
    return result.check.ok


@shared_task(name="counseling.send_weekly_note", ignore_result=True)
def send_weekly_note() -> int:
    """The head counselor's Monday note on last week's numbers."""
    return digest.send_weekly_note(timezone.localdate())
