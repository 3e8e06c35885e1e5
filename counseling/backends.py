"""Password sign-in, and Django's own permission tables only for the Django admin's users."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.services import signedin


def spraying_refused(request: HttpRequest, username: str) -> bool:
    """Whether this sign-in is refused for now as part of password spraying.

    django-axes locks one user name on one address (AXES_LOCKOUT_PARAMETERS); it has one failure limit
    for every parameter list, so "20 failures from one address across user names" cannot be a second,
    higher-limit list there ([["username", "ip_address"], "ip_address"] would lock a whole school's
    shared address after 5 failures). So this counts axes' own failure log (one row per failure, in
    the database and so shared by every gunicorn worker) over a sliding window:

    - an address with SIGNIN_SPRAY_ADDRESS_LIMIT failures, whatever the user names, is refused;
    - a user name with SIGNIN_SPRAY_USERNAME_LIMIT failures from many addresses is refused only from
      the addresses that have already failed for it: the real owner, at a desk that has not failed,
      still signs in, so an outsider cannot lock a named user out this way either.
    """
    since = timezone.now() - timedelta(minutes=settings.SIGNIN_SPRAY_WINDOW_MINUTES)
    recent = AccessFailureLog.objects.filter(attempt_time__gte=since)
    address = get_client_ip_address(request)
    if address and recent.filter(ip_address=address).count() >= settings.SIGNIN_SPRAY_ADDRESS_LIMIT:
        return True
    by_name = recent.filter(username=username)
    return by_name.filter(ip_address=address).exists() and by_name.count() >= settings.SIGNIN_SPRAY_USERNAME_LIMIT


class PasswordBackend(ModelBackend):
    """Django's ModelBackend, with three savings on every signed-in request.

    - Everyone's permissions come from the role table (``counseling.roles``, through ``rules``);
      only the Django admin's users (``is_staff``, the administrators' group) also hold rows in
      Django's permission tables. Without the ``is_staff`` test, every ``has_perm`` that the role
      table answers "no" would load those tables: two queries on every page for everyone.
    - The signed-in user is loaded with their student profile, class and grade (joins instead of
      up to three more queries on every student's page: the menu and most student pages read them).
    - With SIGNED_IN_CACHE, that user comes from the cache (``counseling.services.signedin``, which
      forgets it on every change), so a signed-in request does not read the user at all.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.pop(get_user_model().USERNAME_FIELD, None)
        if request is not None and username and spraying_refused(request, username):
            # Shown above the form; Django's own "wrong user name or password" stays under it.
            messages.error(
                request,
                _("Too many failed sign-ins from here. Sign-in is paused for %(minutes)s minutes.")
                % {"minutes": settings.SIGNIN_SPRAY_WINDOW_MINUTES},
                fail_silently=True,
            )
            # Django stops at PermissionDenied and reports a failure, which axes logs as one more.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_staff:
            return set()
        return super()._get_permissions(user_obj, obj, from_name)

    def get_user(self, user_id):
        user = signedin.signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
