"""Access rows for the counseling app's own URLs (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse

from counseling.models import ConcernCategory, Notification
from counseling.models.staff import StaffRequestKind
from counseling.services import staff_requests
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
        **_staff_routes(cast),
        "health": Route(reverse("health"), expect(200, roles=("head", "administrator"))),
        # Public: help right now and the privacy promise are for everyone, signed in or not.
        "help": Route(reverse("help"), expect(200, anonymous=200)),
        "privacy": Route(reverse("privacy"), expect(200, anonymous=200)),
    }


def _staff_routes(cast) -> dict[str, Route]:
    """Staff accounts and the directory (administrator), account requests (head counselor), set-password links."""
    admin_only = expect(200, roles=("administrator",))
    post_only = expect(405, roles=("administrator",))
    category = ConcernCategory.objects.create(code="access-row", name_zh="学业", name_en="Study")
    pending = staff_requests.propose(
        kind=StaffRequestKind.RESET_PASSWORD, target=cast.other_counselor, by=cast.administrator
    )
    member = cast.counselor.pk
    return {
        "staff_list": Route(reverse("staff_list"), admin_only),
        "staff_create": Route(reverse("staff_create"), admin_only),
        "staff_detail": Route(reverse("staff_detail", args=[member]), admin_only),
        "staff_role": Route(reverse("staff_role", args=[member]), post_only),
        "staff_active": Route(reverse("staff_active", args=[member]), post_only),
        "staff_reset": Route(reverse("staff_reset", args=[member]), post_only),
        "staff_request_withdraw": Route(reverse("staff_request_withdraw", args=[pending.pk]), post_only),
        "directory_classes": Route(reverse("directory_classes"), admin_only),
        "directory_committee": Route(reverse("directory_committee"), admin_only),
        "directory_committee_set": Route(reverse("directory_committee_set"), post_only),
        "directory_categories": Route(reverse("directory_categories"), admin_only),
        "directory_category_new": Route(reverse("directory_category_new"), admin_only),
        "directory_category_edit": Route(reverse("directory_category_edit", args=[category.pk]), admin_only),
        "staff_requests": Route(reverse("staff_requests"), expect(200, roles=("head",))),
        # A head counselor without an authenticator is sent to set one up first.
        "staff_request_confirm": Route(
            reverse("staff_request_confirm", args=[pending.pk]), expect(302, roles=("head",))
        ),
        "recovery_codes": Route(reverse("recovery_codes"), expect(200)),
        # A set-password link answers everyone (it is the token that counts); this one is not valid.
        "password_reset_confirm": Route(
            reverse("password_reset_confirm", args=["MQ", "bad-token"]), expect(200, anonymous=200)
        ),
        "password_reset_complete": Route(reverse("password_reset_complete"), expect(200, anonymous=200)),
    }
