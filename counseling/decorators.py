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
