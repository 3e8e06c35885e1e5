"""Tasks of a campaign: owners, due dates and status."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.enums import CampaignStatus, TaskStatus
from campaigns.models import Task
from counseling.services import notify
from counseling.services.messages import Msg


def check_task(task: Task) -> None:
    campaign = task.campaign
    if task.due_date > campaign.summary_due_date:
        raise ValidationError(
            {
                "due_date": _("A task is due at the latest when the summary is due (%(date)s).")
                % {"date": formats.date_format(campaign.summary_due_date, "SHORT_DATE_FORMAT")}
            }
        )


@transaction.atomic
def save_task(task: Task, *, by) -> Task:
    """Create or change a task.

    Side effects: checks the due date, keeps ``done_at`` in step with the status, saves; when the
    owner is someone else and the campaign is public, tells the new owner (once per task and owner).
    """
    check_task(task)
    previous_owner = Task.objects.filter(pk=task.pk).values_list("owner_id", flat=True).first() if task.pk else None
    _sync_done(task)
    task.save()
    if task.owner_id != by.pk and task.owner_id != previous_owner and task.campaign.status != CampaignStatus.DRAFT:
        notify.notify(
            task.owner,
            key=f"campaigns:task:{task.pk}:owner:{task.owner_id}",
            title=Msg(
                gettext_noop("New task in “%(campaign)s”: %(task)s, due %(due)s"),
                campaign=task.campaign.title,
                task=task.title,
                due=task.due_date,
            ),
            url=reverse("campaigns:detail", args=[task.campaign_id]),
        )
    return task


def _sync_done(task: Task) -> None:
    if task.status == TaskStatus.DONE and task.done_at is None:
        task.done_at = timezone.now()
    elif task.status != TaskStatus.DONE:
        task.done_at = None


def set_status(task: Task, status: str) -> Task:
    """The owner (or an organiser) moves a task along. Side effect: saves status and done time."""
    if status not in TaskStatus.values:
        raise ValidationError(_("Unknown status."))
    task.status = status
    _sync_done(task)
    task.save(update_fields=["status", "done_at"])
    return task
