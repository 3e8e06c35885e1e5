"""Background tasks of the campaigns app: thin wrappers around services, run by beat (counseling/celery.py)."""

from __future__ import annotations

from celery import shared_task

from campaigns.services import campaigns, families, reports, summary


@shared_task(name="campaigns.advance_statuses", ignore_result=True)
def advance_statuses() -> int:
    """Published → running → finished as the days pass (idempotent conditional updates)."""
    return campaigns.advance_statuses()


@shared_task(name="campaigns.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Remind class teachers of missing reports, organisers of due summaries and guardians of tomorrow's
    parent class (outbox, keyed: never twice)."""
    return reports.scan_reminders() + summary.scan_reminders() + families.scan_reminders()
