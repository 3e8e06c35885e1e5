"""Staff accounts and the school directory's settings, managed by the administrator in the product.

Every change is audited. A change that would let someone read confidential content (a role that
reads it, or a new password or second factor for someone who holds one) is only proposed here and
waits for a head counselor (``counseling.services.staff_requests``). Accounts are deactivated,
never deleted: records name their authors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.enums import Role
from counseling.models import ConcernCategory, SchoolClass, StaffRequest, StudentProfile, User
from counseling.models.audit import AuditAction
from counseling.models.staff import StaffRequestKind
from counseling.services import staff_requests
from counseling.services.audit import record
from counseling.services.staff_requests import RequestError

STAFF_ROLES = [role for role in Role if role not in (Role.STUDENT, Role.GUARDIAN, Role.DISTRICT)]


@dataclass(frozen=True)
class Outcome:
    """What an act did: took effect now (``link`` set when the person needs a set-password link), or was proposed."""

    proposed: StaffRequest | None = None
    link: str = ""


def staff_members() -> QuerySet[User]:
    """Everyone but students: active first, by name."""
    return User.objects.exclude(role__in=(Role.STUDENT, Role.GUARDIAN)).order_by("-is_active", "name", "username")


def create_account(
    *, username: str, name: str, email: str, phone: str, role: str, by: User, request: HttpRequest | None = None
) -> tuple[User, Outcome]:
    """Create a staff account without a password.

    Side effects, in order: inserts the user (no usable password; inactive when the role reads
    confidential content), audits the creation; then either proposes the role for a head counselor
    to confirm (who receives the set-password link) or returns a set-password link for the
    administrator to hand over.
    """
    waits = staff_requests.needs_confirmation(StaffRequestKind.GRANT_ROLE, User(role=role), role)
    with transaction.atomic():
        user = User(username=username, name=name, email=email, phone=phone, role=role, is_active=not waits)
        user.set_unusable_password()
        user.save()
        record(by, AuditAction.CREATE, user, request=request, detail=f"staff account, role {role}")
        if waits:
            return user, Outcome(
                proposed=staff_requests.propose(
                    kind=StaffRequestKind.GRANT_ROLE, target=user, by=by, role=role, request=request
                )
            )
    return user, Outcome(link=staff_requests.set_password_link(user))


def set_role(user: User, role: str, *, by: User, request: HttpRequest | None = None) -> Outcome:
    """Give ``user`` another staff role: at once, or proposed when the new role reads confidential content.

    Side effects: the role is saved and audited, or a request is proposed (see staff_requests.propose).
    """
    if user.pk == by.pk:
        # Not even a role that reads nothing confidential: a class teacher sees their class's focus
        # list, and nobody widens their own access.
        raise RequestError(_("Another person must change your own role."))
    if role == user.role:
        raise RequestError(_("%(name)s already has this role.") % {"name": user})
    if staff_requests.needs_confirmation(StaffRequestKind.GRANT_ROLE, user, role):
        return Outcome(
            proposed=staff_requests.propose(
                kind=StaffRequestKind.GRANT_ROLE, target=user, by=by, role=role, request=request
            )
        )
    with transaction.atomic():
        old = user.role
        user.role = role
        user.save(update_fields=["role"])
        record(by, AuditAction.CHANGE, user, request=request, detail=f"role {old} -> {role}")
    return Outcome()


def set_active(user: User, active: bool, *, by: User, request: HttpRequest | None = None) -> Outcome:
    """Deactivate (at once) or reactivate a staff account; reactivating a role that reads
    confidential content is proposed like a grant of that role. Side effects: saved and audited,
    or proposed."""
    if user.pk == by.pk:
        raise RequestError(_("You cannot deactivate or reactivate your own account."))
    if user.is_active == active:
        return Outcome()
    if active and staff_requests.needs_confirmation(StaffRequestKind.GRANT_ROLE, user, user.role):
        return Outcome(
            proposed=staff_requests.propose(
                kind=StaffRequestKind.GRANT_ROLE, target=user, by=by, role=user.role, request=request
            )
        )
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(by, AuditAction.CHANGE, user, request=request, detail="activated" if active else "deactivated")
    return Outcome()


def reset_password(user: User, *, by: User, request: HttpRequest | None = None) -> Outcome:
    """A new password: proposed for a role that reads confidential content; else at once, the old
    password stops working and the administrator receives a one-time set-password link."""
    if user.pk == by.pk:
        raise RequestError(_("Change your own password on your account page."))
    if staff_requests.needs_confirmation(StaffRequestKind.RESET_PASSWORD, user):
        return Outcome(
            proposed=staff_requests.propose(kind=StaffRequestKind.RESET_PASSWORD, target=user, by=by, request=request)
        )
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(by, AuditAction.CHANGE, user, request=request, detail="password reset")
    return Outcome(link=staff_requests.set_password_link(user))


def reset_two_factor(user: User, *, by: User, request: HttpRequest | None = None) -> Outcome:
    """Remove the person's authenticator and recovery codes so they enrol again: proposed for a role
    that reads confidential content, else at once (audited)."""
    if user.pk == by.pk:
        raise RequestError(_("Another person must reset your own second factor."))
    if staff_requests.needs_confirmation(StaffRequestKind.RESET_TWO_FACTOR, user):
        return Outcome(
            proposed=staff_requests.propose(kind=StaffRequestKind.RESET_TWO_FACTOR, target=user, by=by, request=request)
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(by, AuditAction.CHANGE, user, request=request, detail="second factor reset")
    return Outcome()


def assign_class_teacher(
    school_class: SchoolClass, teacher: User | None, *, by: User, request: HttpRequest | None = None
) -> None:
    """Name (or clear) a class's class teacher. Side effects: saved, audited."""
    with transaction.atomic():
        school_class.class_teacher = teacher
        school_class.save(update_fields=["class_teacher"])
        record(
            by,
            AuditAction.CHANGE,
            school_class,
            request=request,
            detail=f"class teacher #{teacher.pk if teacher else '-'}",
        )


def set_committee_member(
    profile: StudentProfile, member: bool, *, by: User, request: HttpRequest | None = None
) -> None:
    """Mark a student as the class's psychology committee member, or not. Side effects: saved, audited."""
    with transaction.atomic():
        profile.is_committee_member = member
        profile.save(update_fields=["is_committee_member"])
        record(
            by,
            AuditAction.CHANGE,
            profile,
            request=request,
            student_id=profile.user_id,
            detail=f"committee member {'yes' if member else 'no'}",
        )


def save_category(category: ConcernCategory, *, by: User, request: HttpRequest | None = None) -> None:
    """Save a new or edited concern category. Side effects: saved, audited (create or change)."""
    created = category.pk is None
    with transaction.atomic():
        category.save()
        record(
            by,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            category,
            request=request,
            detail="concern category",
        )


def bootstrap_account(*, username: str, name: str, role: str, email: str = "", password: str | None = None) -> User:
    """Create an account from the server's command line (the first head counselor or administrator).

    Whoever runs manage.py on the server is trusted with the installation; this is the way to a first
    head counselor (no one can confirm a request before there is one). Side effects: inserts the
    active user (password set, or unusable when ``password`` is None), audits as "system".
    """
    if User.objects.filter(username=username).exists():
        raise RequestError(_("The user name %(username)s is taken.") % {"username": username})
    with transaction.atomic():
        user = User(username=username, name=name, email=email, role=role, is_active=True)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        record(None, AuditAction.CREATE, user, detail=f"account, role {role}, created on the command line")
    return user
