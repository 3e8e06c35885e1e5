"""Background tasks of the case records: thin wrappers around services (ids in, nothing confidential)."""

from __future__ import annotations

from celery import shared_task

from counseling.cases.services import crisis, signals


@shared_task(name="cases.resend_unacknowledged_escalations", ignore_result=True)
def resend_unacknowledged_escalations() -> int:
    """Send again every crisis escalation nobody acknowledged in time (idempotent per round)."""
    return crisis.resend_unacknowledged()


@shared_task(name="cases.resend_unacknowledged_signals", ignore_result=True)
def resend_unacknowledged_signals() -> int:
    """Send again every urgent or crisis risk signal nobody acknowledged in time, climbing a level."""
    return signals.resend_unacknowledged()
