"""Sign-in hardening: idle timeouts per role, an absolute session lifetime, two-factor for staff who read crises, first passwords."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from counseling.enums import Role
from counseling.roles import requires_two_factor


def resolved(user):
    """The user behind Django's and django-otp's lazy wrappers of ``request.user`` (two deep).

    Every middleware below asks whether the user is signed in, so the wrappers are opened on every
    request anyway; a page then reads the user's attributes a few hundred times, each through two
    proxies. The real object behaves the same (``login``/``logout`` replace ``request.user`` whole).
    """
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class IdleTimeoutMiddleware:
    """End a signed-in session after a period without requests (staff 15 min, students 30 min).

    The time of the last request is noted in the session at most once every SESSION_REFRESH_SECONDS
    (a minute), so the timeout is exact to within that, and checked here on every request: a
    session idle for longer is signed out, whatever its store's own expiry says.

    Noting costs nothing in the database where the session store can keep it in the shared cache
    (``note_activity``, counseling.sessions): the session's row is then written only every
    SESSION_PERSIST_SECONDS, and its expiry is the idle timeout plus that interval, so the row
    outlives a live session. Without it every note is a session write, as before.
    """

    ACTIVITY_KEY = "_idle_refreshed"
    PERSISTED_KEY = "_idle_persisted"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, LazyObject):
            user = request.user = resolved(user)
        if user is not None and user.is_authenticated:
            timeout = (
                settings.STUDENT_IDLE_TIMEOUT
                if user.role in (Role.STUDENT, Role.GUARDIAN)
                else settings.STAFF_IDLE_TIMEOUT
            )
            session = request.session
            now = int(time.time())
            last = session.get(self.ACTIVITY_KEY)
            if last is not None and now - last >= timeout:
                # Flushes the session; the page then answers as to anyone signed out (sign-in page).
                logout(request)
            elif last is None or now - last >= settings.SESSION_REFRESH_SECONDS:
                persisted = session.get(self.PERSISTED_KEY, 0)
                if hasattr(session, "note_activity") and now - persisted < settings.SESSION_PERSIST_SECONDS:
                    session.note_activity(self.ACTIVITY_KEY, now)
                else:
                    session.set_expiry(timeout + settings.SESSION_PERSIST_SECONDS)
                    session[self.ACTIVITY_KEY] = now
                    session[self.PERSISTED_KEY] = now
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """End a signed-in session SESSION_ABSOLUTE_SECONDS (12 h) after sign-in, however busy it is.

    The sign-in time is stamped into the session on the response that signs in (Django's login()
    has just rotated the session) or, for a session from before this existed, on its next request.
    """

    SESSION_KEY = "_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in_before = user is not None and user.is_authenticated
        if signed_in_before:
            signed_in_at = request.session.get(self.SESSION_KEY)
            if signed_in_at is not None and time.time() - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
                # Flushes the session; the page then answers as to anyone signed out (sign-in page).
                logout(request)
                signed_in_before = False
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (not signed_in_before or self.SESSION_KEY not in request.session)
        ):
            request.session[self.SESSION_KEY] = int(time.time())
        return response


class RequireStaffTwoFactorMiddleware:
    """With REQUIRE_STAFF_2FA on, staff whose role reads confidential content, and administrators, must pass a second factor."""

    EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/health/live")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_STAFF_2FA
            and user is not None
            and user.is_authenticated
            and requires_two_factor(user)
            and not user.is_verified()
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)


class RequirePasswordChangeMiddleware:
    """A user signed in with a password from a sign-in sheet must choose their own before anything else.

    The sheet's password was printed and passed through other hands; until it is replaced, every
    page except the sign-in pages (/accounts/: password change, sign-out) redirects to the change.
    """

    # The help and privacy pages stay open: a student in danger reaches the help lines whatever else waits.
    EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/health/live", "/help/", "/privacy/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            return redirect("password_change")
        return self.get_response(request)
