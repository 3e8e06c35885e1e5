"""Two-person acts on staff accounts: the administrator proposes, a head counselor confirms with TOTP.

Which acts need a second person is asked of the role table (``counseling.roles.reads_confidential``):
granting a role that reads confidential content, and resetting the password or the second factor of
someone who holds one. Nothing changes before a head counselor confirms; every proposal, confirmation,
refusal and withdrawal is audited and told to every head counselor in the app (the e-mail says only
that an account request waits: see ``counseling.services.notify.quiet_email``).
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.enums import Role
from counseling.models import StaffRequest, User
from counseling.models.audit import AuditAction
from counseling.models.staff import REQUEST_LIFETIME, StaffRequestKind, StaffRequestState
from counseling.roles import reads_confidential, users_with_perm
from counseling.services.audit import record
from counseling.services.messages import Msg, choice_label
from counseling.services.notify import Kind, notify

CONFIRMER_PERM = "counseling.confirm_staff_requests"


class RequestError(Exception):
    """A proposal or a decision that cannot be made; the message is translated, for the page."""


class EnrolmentNeededError(RequestError):
    """The head counselor has no confirmed TOTP device yet: they enrol one first."""


def needs_confirmation(kind: str, target: User, role: str = "") -> bool:
    """Whether this act on ``target`` waits for a head counselor (see the module docstring)."""
    if kind == StaffRequestKind.GRANT_ROLE:
        return reads_confidential(role)
    return reads_confidential(target.role)


def set_password_link(user: User) -> str:
    """A one-time link (a site path) with which ``user`` chooses a new password.

    Django's password-reset token: it stops working once the password is set, or after
    PASSWORD_RESET_TIMEOUT. It is never stored, mailed or logged: shown once to the person
    who hands it over.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


def _describe(staff_request: StaffRequest) -> Msg:
    target = staff_request.target.get_full_name()
    if staff_request.kind == StaffRequestKind.GRANT_ROLE:
        return Msg(gettext_noop("%(role)s for %(name)s"), role=choice_label(Role, staff_request.role), name=target)
    if staff_request.kind == StaffRequestKind.RESET_PASSWORD:
        return Msg(gettext_noop("a new password for %(name)s"), name=target)
    return Msg(gettext_noop("a new second factor for %(name)s"), name=target)


def _tell_heads(staff_request: StaffRequest, event: str, by: User) -> None:
    """One in-app notice to every head counselor (and the proposer): names staff, never a student."""
    recipients = {user.pk: user for user in users_with_perm(CONFIRMER_PERM)}
    recipients.setdefault(staff_request.proposed_by_id, staff_request.proposed_by)
    titles = {
        "proposed": gettext_noop("Account request to confirm: %(what)s (proposed by %(by)s)"),
        "confirmed": gettext_noop("Account request confirmed: %(what)s (by %(by)s)"),
        "refused": gettext_noop("Account request refused: %(what)s (by %(by)s)"),
        "withdrawn": gettext_noop("Account request withdrawn: %(what)s (by %(by)s)"),
    }
    title = Msg(titles[event], what=_describe(staff_request), by=by.get_full_name())
    head_url = (
        reverse("staff_request_confirm", args=[staff_request.pk]) if event == "proposed" else reverse("staff_requests")
    )
    for user in recipients.values():
        notify(
            user,
            key=f"staffreq:{staff_request.pk}:{event}:{user.pk}",
            title=title,
            url=head_url if user.has_perm(CONFIRMER_PERM) else reverse("staff_list"),
            kind=Kind.ACCOUNT,
        )


def expire_stale() -> int:
    """Mark pending requests past their time as expired; returns how many."""
    return StaffRequest.objects.filter(state=StaffRequestState.PENDING, expires_at__lte=timezone.now()).update(
        state=StaffRequestState.EXPIRED
    )


def propose(*, kind: str, target: User, by: User, role: str = "", request: HttpRequest | None = None) -> StaffRequest:
    """Record a pending two-person act; nothing about ``target`` changes yet.

    Side effects, in order: marks stale pending requests expired, inserts the request (one pending
    request per person and kind), writes an audit entry (create), tells every head counselor.
    Raises RequestError when the same request already waits.
    """
    expire_stale()
    with transaction.atomic():
        if StaffRequest.objects.open().filter(target=target, kind=kind).exists():
            raise RequestError(_("A request of this kind for %(name)s is already waiting.") % {"name": target})
        staff_request = StaffRequest.objects.create(
            kind=kind, target=target, role=role, proposed_by=by, expires_at=timezone.now() + REQUEST_LIFETIME
        )
        record(
            by,
            AuditAction.CREATE,
            staff_request,
            request=request,
            detail=f"proposed {kind} {role} for user #{target.pk}".strip(),
        )
        _tell_heads(staff_request, "proposed", by)
    return staff_request


def check_confirmer(staff_request: StaffRequest, by: User) -> None:
    """Raise RequestError unless ``by`` may decide this request now."""
    if not by.has_perm(CONFIRMER_PERM):
        raise RequestError(_("Only a head counselor can confirm or refuse an account request."))
    if by.pk in (staff_request.proposed_by_id, staff_request.target_id):
        raise RequestError(_("You cannot decide a request you proposed or one about yourself."))
    if not staff_request.is_open:
        raise RequestError(_("This request is no longer waiting: it was decided, withdrawn or has expired."))


def _claim(staff_request: StaffRequest, state: str, by: User) -> None:
    """Move the request out of pending once: a second head counselor deciding at the same time loses."""
    claimed = StaffRequest.objects.filter(pk=staff_request.pk, state=StaffRequestState.PENDING).update(
        state=state, decided_by=by, decided_at=timezone.now()
    )
    if not claimed:
        raise RequestError(_("This request is no longer waiting: it was decided, withdrawn or has expired."))
    staff_request.refresh_from_db()


def confirm(staff_request: StaffRequest, *, by: User, token: str, request: HttpRequest | None = None) -> str:
    """A head counselor confirms with the current code of their own TOTP device; the change takes effect.

    Returns a one-time set-password link (a site path) when the person now needs one (a granted role
    or a password reset: both start from fresh credentials), for the head counselor to hand over; else "".
    Side effects, in order: checks the code against the head counselor's confirmed TOTP device
    (django-otp counts failures and throttles), claims the request, applies it (role and activation
    with fresh credentials; a password made unusable; or the person's TOTP and recovery-code devices
    removed, so they enrol again), audits the change on the person and the confirmation, tells every head counselor.
    Raises EnrolmentNeededError without a confirmed device, RequestError on a wrong code or a request
    that cannot be confirmed: nothing changes then.
    """
    check_confirmer(staff_request, by)
    device = TOTPDevice.objects.filter(user=by, confirmed=True).first()
    if device is None:
        raise EnrolmentNeededError(_("Set up your authenticator app first: a confirmation needs its code."))
    if not device.verify_token((token or "").strip()):
        raise RequestError(_("That code is not valid. Check your phone's clock and try again."))
    link = ""
    with transaction.atomic():
        _claim(staff_request, StaffRequestState.CONFIRMED, by)
        target = User.objects.select_for_update().get(pk=staff_request.target_id)
        if staff_request.kind == StaffRequestKind.GRANT_ROLE:
            old = target.role
            target.role = staff_request.role
            target.is_active = True
            # Fresh credentials: a password, device or session the administrator could have known for
            # this account (they created it, or it had a role they manage) stops working now.
            target.set_unusable_password()
            target.save(update_fields=["role", "is_active", "password"])
            TOTPDevice.objects.filter(user=target).delete()
            StaticDevice.objects.filter(user=target).delete()
            link = set_password_link(target)
            detail = f"role {old} -> {target.role}, active, new credentials (request #{staff_request.pk})"
        elif staff_request.kind == StaffRequestKind.RESET_PASSWORD:
            target.set_unusable_password()
            target.save(update_fields=["password"])
            link = set_password_link(target)
            detail = f"password reset (request #{staff_request.pk})"
        else:
            TOTPDevice.objects.filter(user=target).delete()
            StaticDevice.objects.filter(user=target).delete()
            detail = f"second factor reset (request #{staff_request.pk})"
        record(by, AuditAction.CHANGE, target, request=request, detail=detail)
        record(by, AuditAction.SIGN, staff_request, request=request, detail="confirmed with TOTP")
        _tell_heads(staff_request, "confirmed", by)
    return link


def refuse(staff_request: StaffRequest, *, by: User, request: HttpRequest | None = None) -> None:
    """A head counselor refuses: nothing changes. Side effects: claims the request, audits, tells the heads."""
    check_confirmer(staff_request, by)
    with transaction.atomic():
        _claim(staff_request, StaffRequestState.REFUSED, by)
        record(by, AuditAction.CHANGE, staff_request, request=request, detail="refused")
        _tell_heads(staff_request, "refused", by)


def withdraw(staff_request: StaffRequest, *, by: User, request: HttpRequest | None = None) -> None:
    """The administrator withdraws a waiting request. Side effects: claims it, audits, tells the heads."""
    if not staff_request.is_open:
        raise RequestError(_("This request is no longer waiting: it was decided, withdrawn or has expired."))
    with transaction.atomic():
        _claim(staff_request, StaffRequestState.WITHDRAWN, by)
        record(by, AuditAction.CHANGE, staff_request, request=request, detail="withdrawn")
        _tell_heads(staff_request, "withdrawn", by)
