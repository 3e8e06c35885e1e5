"""Access decorators: every page states the permission (from counseling.roles) it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


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


def require_perm(perm: str) -> Callable:
    """Signed in, and holding ``perm``: anonymous users go to the login page, others get 403."""
    return require_any_perm(perm)


def sms_link_safe(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page whose address may go into a text message (counseling.services.notify).

    Only for a page made for someone who may have no account yet (an invitation, a set-password
    link) whose address says nothing about anyone: a text leaves the school's systems, and every
    other message's text links to the reader's notifications page instead.
    """
    view.sms_link_safe = True
    return view


def is_sms_link_safe(view: Callable[..., HttpResponse]) -> bool:
    return bool(getattr(view, "sms_link_safe", False))
