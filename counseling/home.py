"""Home-page panels of the counseling app (see counseling.hooks)."""

from __future__ import annotations

from django.http import HttpRequest

from counseling.hooks import Panel


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    unread = list(user.notifications.unread()[:5])
    if not unread:
        return []
    return [Panel("counseling/panels/unread.html", {"unread": unread}, order=10)]
