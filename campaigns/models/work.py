"""Tasks: who prepares what for a campaign, by when."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.enums import TaskStatus
from counseling.validators import school_date


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.exclude(status=TaskStatus.DONE)

    def overdue(self, today: datetime.date) -> TaskQuerySet:
        return self.open().filter(due_date__lt=today)


class Task(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="tasks", verbose_name=_("campaign")
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="campaign_tasks", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"), validators=school_date())
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO)
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != TaskStatus.DONE and self.due_date < today
