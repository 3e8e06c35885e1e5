"""Settings of the campaigns app, each with a default an office may override in Django settings."""

from __future__ import annotations

import datetime

from django.conf import settings


def max_upload_bytes() -> int:
    """The largest file a class or the office may upload (CAMPAIGNS_MAX_UPLOAD_MB, default 10 MB)."""
    return int(getattr(settings, "CAMPAIGNS_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def reminder_lead() -> datetime.timedelta:
    """How long before a deadline class teachers get a reminder (CAMPAIGNS_REMINDER_HOURS, default 48)."""
    return datetime.timedelta(hours=int(getattr(settings, "CAMPAIGNS_REMINDER_HOURS", 48)))
