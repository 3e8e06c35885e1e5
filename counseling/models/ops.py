"""Operational facts the staff health page shows, kept in the database so every process sees them."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic process (e.g. Celery beat) proved it was alive."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
