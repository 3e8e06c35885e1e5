"""Background tasks of the counseling app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from counseling.services.notify import deliver_due

BEAT_TICK_KEY = "counseling:last-beat-tick"


@shared_task(name="counseling.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    """Deliver every due outbox message (idempotent: each row is claimed before it is sent)."""
    return deliver_due()


@shared_task(name="counseling.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> str:
    """Record that beat is alive, for the staff health page."""
    now = timezone.now().isoformat()
    cache.set(BEAT_TICK_KEY, now, timeout=None)
    return now
