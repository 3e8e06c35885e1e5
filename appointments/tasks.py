"""Background tasks of the appointments app: thin wrappers around services.

Reminders and notices need no task of their own: they sit in the outbox, which
``counseling.deliver_outbox`` scans every minute.
"""

from __future__ import annotations

from celery import shared_task

from appointments.services import waitlist


@shared_task(name="appointments.expire_offers", ignore_result=True)
def expire_offers() -> int:
    """Close waitlist offers past their time and pass each held slot to the next in line."""
    return waitlist.expire_offers()
