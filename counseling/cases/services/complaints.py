"""Complaints about the service: anyone signed in files one; the head counselor handles it."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from counseling.cases.enums import ComplaintStatus
from counseling.cases.models import Complaint
from counseling.roles import users_with_perm
from counseling.services import notify
from counseling.services.messages import Msg


def file_complaint(*, by, topic: str, description: str) -> Complaint:
    """File a complaint.

    Side effects, in one transaction: the complaint row (its text encrypted); a notice to each
    head counselor (no content).
    """
    with transaction.atomic():
        complaint = Complaint.objects.create(filed_by=by, topic=topic, description=description)
        _tell_heads(complaint)
    return complaint


def _tell_heads(complaint: Complaint) -> None:
    for head in users_with_perm("cases.handle_complaints").order_by("pk"):
        notify.notify(
            head,
            key=f"cases:complaint:{complaint.pk}:to:{head.pk}",
            title=Msg(gettext_noop("A new complaint was filed")),
            url=reverse("cases:complaint_handle", args=[complaint.pk]),
        )


def _tell_filer(complaint: Complaint) -> None:
    notify.notify(
        complaint.filed_by,
        key=f"cases:complaint:{complaint.pk}:outcome:{complaint.status}",
        title=Msg(gettext_noop("Your complaint has been handled")),
        url=reverse("cases:complaint_mine"),
    )


def handle_complaint(complaint: Complaint, *, by, status: str, outcome: str) -> list[str]:
    """Record how a complaint is handled; a final status (resolved, not upheld) stamps the time.

    Side effects, in one transaction: the complaint row; when it reaches a final status, a
    notice to the person who filed it (no content: they read the outcome on the site).
    """
    changed = []
    with transaction.atomic():
        if status != complaint.status:
            complaint.status = status
            changed.append("status")
        if outcome != complaint.outcome:
            complaint.outcome = outcome
            changed.append("outcome")
        if not changed:
            return []
        complaint.handled_by = by
        final = status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
        complaint.resolved_at = (complaint.resolved_at or timezone.now()) if final else None
        complaint.save(update_fields=[*changed, "handled_by", "resolved_at"])
        if final and "status" in changed:
            _tell_filer(complaint)
    return changed
