"""Access rows for the counseling app's own URLs (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse

from counseling.models import Notification
from counseling.tests.access import ROLES, Route, expect


def routes(cast, world: dict) -> dict[str, Route]:
    note = Notification.objects.create(user=cast.student, title="Your appointment is confirmed")
    everyone = expect(200)
    return {
        "home": Route(reverse("home"), everyone),
        "login": Route(reverse("login"), expect(302, anonymous=200)),
        "logout": Route(reverse("logout"), expect(405, anonymous=405)),
        "password_change": Route(reverse("password_change"), everyone),
        "password_change_done": Route(reverse("password_change_done"), everyone),
        "two_factor": Route(reverse("two_factor"), everyone),
        "set_language": Route(reverse("set_language"), dict.fromkeys(ROLES, 302)),
        "notifications": Route(reverse("notifications"), everyone),
        "notification_open": Route(reverse("notification_open", args=[note.pk]), expect(405)),
        "notification_read_all": Route(reverse("notification_read_all"), expect(405)),
        "roster_import": Route(reverse("roster_import"), expect(200, roles=("administrator",))),
        "signin_sheets": Route(reverse("signin_sheets"), expect(200, roles=("administrator",))),
        "health": Route(reverse("health"), expect(200, roles=("head", "administrator"))),
        # Public: help right now and the privacy promise are for everyone, signed in or not.
        "help": Route(reverse("help"), expect(200, anonymous=200)),
        "privacy": Route(reverse("privacy"), expect(200, anonymous=200)),
    }
