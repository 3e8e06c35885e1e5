"""Helpers shared by the appointments views: permission checks, the one door to an appointment."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from appointments.models import Appointment

STUDENT_OR_STAFF = ("appointments.book", "appointments.view_agenda")


def require_any_perm(*perms: str) -> Callable:
    """Signed in and holding at least one of ``perms``: anonymous users go to the login page, others get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_appointment_for(user, pk: int) -> Appointment:
    """The appointment if ``user`` may see it, else 404 (never reveal that it exists)."""
    queryset = Appointment.objects.visible_to(user).select_related(
        "student__student_profile__school_class__grade", "counselor", "topic"
    )
    return get_object_or_404(queryset, pk=pk)


def parse_day(text: str | None, default: datetime.date | None = None) -> datetime.date:
    """A ``YYYY-MM-DD`` date from a query string; anything unreadable means ``default`` (today)."""
    default = default or timezone.localdate()
    if not text or len(text) > 10:
        return default
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return default
    return day if 2000 <= day.year <= 2100 else default


def is_student_of(appointment: Appointment, user) -> bool:
    return appointment.student_id == user.pk
