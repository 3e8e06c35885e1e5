"""Access rows for the counseling app's own URLs (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse

from counseling.enums import ConsentPurpose, NoticeAudience
from counseling.models import ConcernCategory, ConsentRequest, FamilyNotice, GuardianLink, Notification
from counseling.models.staff import StaffRequestKind
from counseling.services import staff_requests
from counseling.tests.access import GUARDIANS, ROLES, Route, expect


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
        **_family_routes(cast),
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


def _family_routes(cast) -> dict[str, Route]:
    """Families: the school's side (invitations, consent asked online, notices) and the guardian's own pages.

    A class teacher reaches only their own classes (404 for another's); a guardian reaches only
    requests and notices about their own children (404 for another family's); every school page
    is 403 for a guardian, every guardian page 403 for the school.
    """
    inviters = ("class_teacher", "other_teacher", "administrator")
    consent_staff = ("class_teacher", "other_teacher", "counselor", "other_counselor", "head", "administrator")
    consent_request = ConsentRequest.objects.create(
        school_class=cast.student.student_profile.school_class,
        purpose=ConsentPurpose.SCREENING,
        explanation="x",
        created_by=cast.counselor,
    )
    notice = FamilyNotice.objects.create(
        audience=NoticeAudience.CLASS,
        school_class=cast.student.student_profile.school_class,
        title="t",
        text="x",
        created_by=cast.class_teacher,
    )
    link = GuardianLink.objects.get(guardian=cast.guardian, student=cast.student)
    guardians_only = expect(200, roles=GUARDIANS)
    return {
        "family_classes": Route(reverse("family_classes"), expect(200, roles=inviters)),
        "family_class": Route(
            reverse("family_class", args=[cast.student.student_profile.school_class.pk]),
            expect(200, roles=inviters, other_teacher=404),
        ),
        "family_slips": Route(
            reverse("family_slips", args=[cast.student.student_profile.school_class.pk]), expect(405, roles=inviters)
        ),
        "family_link_revoke": Route(reverse("family_link_revoke", args=[link.pk]), expect(405, roles=inviters)),
        "family_consent_requests": Route(reverse("family_consent_requests"), expect(200, roles=consent_staff)),
        "family_notices": Route(reverse("family_notices"), expect(200, roles=consent_staff)),
        # The join pages are for families: signed out or a guardian; a school account is refused.
        "family_join": Route(reverse("family_join"), expect(200, roles=GUARDIANS, anonymous=200)),
        "family_join_link": Route(
            reverse("family_join_link", args=["not-a-token"]), expect(404, roles=GUARDIANS, anonymous=404)
        ),
        "family_accept": Route(reverse("family_accept", args=[1]), expect(405, roles=GUARDIANS)),
        "family_consent_list": Route(reverse("family_consent_list"), guardians_only),
        "family_consent_answer": Route(
            reverse("family_consent_answer", args=[consent_request.pk, cast.student.pk]),
            expect(200, roles=GUARDIANS, other_guardian=404),
        ),
        "family_notice": Route(
            reverse("family_notice", args=[notice.pk]), expect(200, roles=GUARDIANS, other_guardian=404)
        ),
    }
