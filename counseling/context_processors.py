from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from counseling.hooks import nav_items


def layout(request: HttpRequest) -> dict:
    """What the base layout needs: the office name, the navigation and the unread count."""
    user = getattr(request, "user", None)
    context: dict = {"office_name": settings.OFFICE_NAME, "nav_items": [], "unread_count": 0}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav_items(user)
        context["unread_count"] = user.notifications.unread().count()
    return context
