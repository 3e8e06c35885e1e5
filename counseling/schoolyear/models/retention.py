"""Retention: how long each kind of record is kept, and what each run removed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counseling.schoolyear.enums import RunStatus


class RetentionPolicy(models.Model):
    """The head counselor's period for one registered kind (see counseling.schoolyear.registry).

    No row means the kind's default period; ``months`` empty means "keep until told otherwise".
    """

    kind = models.CharField(_("kind of record"), max_length=60, unique=True)
    months = models.PositiveSmallIntegerField(_("kept for (months)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.kind}: {self.months}"


class RetentionRun(models.Model):
    """One run of apply_retention: when, by whom or what, and how many records of each kind went."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("started from"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    # {kind key: {"deleted": n, "anonymised": m}}
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            # Two runs at once (beat and a manual command) would remove the same records twice.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="schoolyear_one_running_retention"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def total(self) -> int:
        return sum(sum(per_kind.values()) for per_kind in self.counts.values())
