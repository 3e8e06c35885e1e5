"""Guardian accounts: invitations by one-time link or printed slip, and accepting them (家长账号邀请).

The secret of an invitation (the link's token, the slip's code) exists only in what ``invite_guardian``
and ``issue_slips`` return, for the one response that shows or prints it: the database keeps a keyed
hash. It is never logged, queued or put in the outbox; an existing guardian is told by SMS that an
invitation waits and accepts it signed in, from their home page.

A guardian signs in with their phone number (the user name). Accepting creates the account, or
adds the child to the guardian account that already has that phone; a phone that belongs to a
student's or staff member's account is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from axes.helpers import get_client_ip_address, get_client_user_agent
from axes.models import AccessFailureLog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_variables

from counseling.backends import spraying_refused
from counseling.enums import GuardianRelation, InvitationChannel, Role
from counseling.models import GuardianInvitation, GuardianLink, SchoolClass, StudentProfile, User
from counseling.models.audit import AuditAction
from counseling.services import audit
from counseling.services.messages import Msg
from counseling.services.notify import Kind, cancel, notify, text_number
from counseling.services.sms import mask_phone
from counseling.validators import normalise_phone, validate_mainland_mobile

VALID_FOR = datetime.timedelta(days=14)
# A link texted to the phone typed with a slip's code: to be opened on that phone the same day.
SLIP_LINK_VALID_FOR = datetime.timedelta(hours=24)
# How many texted links one slip may ask for, whatever the phones (then the class teacher prints a new one).
SLIP_LINK_LIMIT = 5
# No 0/O/o, 1/l/I: a code read off paper must not be misread. 10 of 56 signs: about 58 bits.
CODE_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
# The failure log's user name for wrong invitation codes (django-axes' table, shared by every worker).
FAILURE_KEY = "guardian-invitation:"


class InvitationError(Exception):
    """The invitation cannot be issued or accepted as asked; the message says why, for the user."""


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: GuardianInvitation
    student: User
    # repr=False: the secret must not turn up in a traceback or a log line.
    secret: str = field(repr=False)
    # Whether a text message with the link is in the outbox for the phone (``send_text``).
    texted: bool = False


def secret_hash(secret: str) -> str:
    """The stored form of a token or code: a keyed hash (a copy of the table alone opens nothing)."""
    key = hashlib.sha256(f"guardian-invitation:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, secret.strip().encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- who may invite for whom --------------------------------------------------------------------


def invitation_classes_for(user: User) -> QuerySet[SchoolClass]:
    """The current classes whose guardians ``user`` may invite: every class for the office, a class
    teacher the classes they teach."""
    if not user.is_authenticated or not user.has_perm("counseling.invite_guardians"):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.active().select_related("grade")
    if user.has_perm("counseling.invite_any_class"):
        return classes
    return classes.filter(class_teacher=user)


def classes_with_link_counts(user: User) -> QuerySet[SchoolClass]:
    """The user's classes with ``student_count`` and ``linked`` (pupils with at least one linked guardian)."""
    active = Q(students__is_archived=False, students__user__is_active=True)
    linked = active & Q(
        students__user__guardian_links__revoked_at__isnull=True,
        students__user__guardian_links__guardian__is_active=True,
        students__user__guardian_links__guardian__role=Role.GUARDIAN,
    )
    return (
        invitation_classes_for(user)
        .annotate(
            student_count=Count("students", filter=active, distinct=True),
            linked=Count("students", filter=linked, distinct=True),
        )
        .order_by("grade__level", "number")
    )


def pupils_with_guardians(school_class: SchoolClass) -> list[User]:
    """The class's current pupils by number, each with ``profile``, ``live_links`` (their guardians'
    links, guardian loaded) and ``open_invitation`` (the latest open link or slip, or None):
    three queries, whatever the size of the class."""
    links = GuardianLink.objects.filter(
        revoked_at__isnull=True, guardian__role=Role.GUARDIAN, guardian__is_active=True
    ).select_related("guardian")
    profiles = (
        school_class.students.active()
        .filter(user__is_active=True)
        .select_related("user")
        .prefetch_related(Prefetch("user__guardian_links", queryset=links, to_attr="live_links"))
        .order_by("student_number")
    )
    pupils = []
    for profile in profiles:
        pupil = profile.user
        pupil.profile = profile
        pupils.append(pupil)
    latest = {}
    for invitation in GuardianInvitation.objects.usable().filter(student__in=pupils).order_by("created_at"):
        latest[invitation.student_id] = invitation
    for pupil in pupils:
        pupil.open_invitation = latest.get(pupil.pk)
    return pupils


def invitable_student(user: User, pk: int) -> User | None:
    """The current pupil ``pk`` if ``user`` may invite their guardians, else None (the caller answers 404)."""
    profile = (
        StudentProfile.objects.active()
        .filter(school_class__in=invitation_classes_for(user), user_id=pk, user__is_active=True)
        .select_related("user")
        .first()
    )
    return profile.user if profile else None


def links_for(user: User) -> QuerySet[GuardianLink]:
    """Live links of pupils in ``user``'s classes (the door to revoking one)."""
    return GuardianLink.objects.filter(
        revoked_at__isnull=True,
        student__student_profile__school_class__in=invitation_classes_for(user),
        student__student_profile__is_archived=False,
    ).select_related("guardian", "student")


# --- issuing --------------------------------------------------------------------------------------


def _valid_phone(phone: str) -> str:
    phone = normalise_phone(phone)
    try:
        validate_mainland_mobile(phone)
    except ValidationError as exc:
        raise InvitationError(exc.messages[0]) from exc
    return phone


def _phone_owner(phone: str) -> User | None:
    """The account signed in by ``phone``, else a school account that lists it as its phone (kept
    as typed there: "+86 139 1234 5678" is the same phone)."""
    owner = User.objects.filter(username=phone).first()
    if owner is not None:
        return owner
    school = User.objects.filter(phone__contains=phone[-4:]).exclude(role=Role.GUARDIAN).order_by("pk")
    return next((user for user in school if normalise_phone(user.phone) == phone), None)


def _refuse_school_phone(phone: str) -> User | None:
    """The guardian account with ``phone``, None if there is none; InvitationError if a school account has it."""
    owner = _phone_owner(phone)
    if owner is not None and owner.role != Role.GUARDIAN:
        raise InvitationError(
            _(
                "This phone number belongs to a school account (a student or a member of staff). "
                "A guardian needs a phone number of their own."
            )
        )
    return owner


@sensitive_variables("token")
def invite_guardian(
    *,
    student: User,
    phone: str,
    name: str,
    relation: str,
    by: User,
    send_text: bool = False,
    request: HttpRequest | None = None,
) -> IssuedInvitation:
    """Issue a one-time link for the guardian with ``phone`` to link an account to ``student``.

    Side effects, in order, in one transaction: withdraws the open link invitations for the same
    pupil and phone; stores the new invitation (a hash of its token, expiring after VALID_FOR);
    writes an audit entry (CREATE, by ``by``, about the student). After that, when a guardian
    account with that phone exists, puts a quiet message for it in the outbox (with SMS): the
    guardian accepts from their home page, signed in. Otherwise, with ``send_text``, puts a text
    message with the link for the phone number in the outbox (``notify.text_number``: the quiet
    phrase and the link, which the outbox blanks once sent; dropped unsent when the link expires).
    Returns the token, shown once.
    """
    phone = _valid_phone(phone)
    if relation not in GuardianRelation.values:
        raise InvitationError(_("Choose the guardian's relation to the pupil."))
    existing = _refuse_school_phone(phone)
    return _issue_link(
        student=student,
        phone=phone,
        name=name,
        relation=relation,
        by=by,
        created_by=by,
        expires_at=timezone.now() + VALID_FOR,
        existing=existing,
        send_text=send_text,
        request=request,
    )


@sensitive_variables("token")
def _issue_link(
    *,
    student: User,
    phone: str,
    name: str,
    relation: str,
    by: User | None,
    created_by: User | None,
    expires_at: datetime.datetime,
    existing: User | None,
    send_text: bool,
    slip: GuardianInvitation | None = None,
    request: HttpRequest | None = None,
) -> IssuedInvitation:
    """Store a link invitation and tell its phone (the side effects of ``invite_guardian``; with
    ``slip``, the open links asked for with that slip are withdrawn as well)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    texted = False
    with transaction.atomic():
        earlier = (
            Q(student=student, phone=phone) | Q(slip=slip) if slip is not None else Q(student=student, phone=phone)
        )
        withdrawn = GuardianInvitation.objects.open(now).filter(earlier, channel=InvitationChannel.LINK)
        for pk in withdrawn.values_list("pk", flat=True):
            cancel(text_key(pk))
        withdrawn.update(revoked_at=now)
        invitation = GuardianInvitation.objects.create(
            student=student,
            channel=InvitationChannel.LINK,
            phone=phone,
            name=name.strip()[:60],
            relation=relation,
            secret_hash=secret_hash(token),
            created_by=created_by,
            expires_at=expires_at,
            slip=slip,
        )
        audit.record(
            by,
            AuditAction.CREATE,
            invitation,
            request=request,
            student_id=student.pk,
            detail="guardian invitation: link" + (" asked for with a slip" if slip is not None else ""),
        )
        if existing is not None and existing.is_active:
            notify(
                existing,
                key=f"family:invitation:{invitation.pk}",
                title=Msg(gettext_noop("An invitation to link your account to a child is waiting")),
                url=reverse("home"),
                email=False,
                kind=Kind.FAMILY_LINK,
                sms=True,
            )
        elif send_text:
            texted = text_number(
                phone,
                key=text_key(invitation.pk),
                kind=Kind.INVITATION,
                url=reverse("family_join_link", args=[token]),
                stale_after=invitation.expires_at,
            )
    return IssuedInvitation(invitation, student, token, texted=texted)


@dataclass(frozen=True)
class SlipLinkSent:
    """What the slip's join page may say: the same for every phone (no account is named)."""

    masked_phone: str
    valid_hours: int


@sensitive_variables("code")
def request_slip_link(
    *, slip: GuardianInvitation, phone: str, name: str, relation: str, request: HttpRequest | None = None
) -> SlipLinkSent:
    """Signed out, a slip's code asks for a one-time link texted to ``phone``; nothing else happens yet.

    Typing a phone proves nothing: the account is made (and the slip used) only by opening the
    texted link, on that phone (``family_join_link``, ``accept_invitation``). The answer is the same
    whoever has the phone, so the page tells nobody whether it belongs to an account.

    Side effects, in order: counts the request on the slip (``link_requests``; past SLIP_LINK_LIMIT,
    whatever the phone, InvitationError and nothing else). Then, for a phone of a school account,
    nothing more. Otherwise, in one transaction:
    withdraws the open links asked for with this slip (and the open links to the same pupil and
    phone) and their unsent texts; stores a LINK invitation for the slip's pupil, ``phone``,
    ``name`` and ``relation``, tied to ``slip``, issued by the slip's issuer, expiring after
    SLIP_LINK_VALID_FOR (at the latest with the slip); writes an audit entry (CREATE, no actor,
    about the pupil). Then, as ``invite_guardian(send_text=True)``: a guardian account with that
    phone gets a quiet message (with SMS) that an invitation waits on its home page; any other
    phone gets a text message with the link (``notify.text_number``). Raises InvitationError for a
    phone that is not a mainland mobile number or a relation that is not one of the choices.
    """
    phone = _valid_phone(phone)
    if relation not in GuardianRelation.values:
        raise InvitationError(_("Choose the guardian's relation to the pupil."))
    counted = GuardianInvitation.objects.filter(pk=slip.pk, link_requests__lt=SLIP_LINK_LIMIT).update(
        link_requests=F("link_requests") + 1
    )
    if not counted:
        raise InvitationError(
            _("This slip has asked for too many text messages. Ask the class teacher for a new slip.")
        )
    hours = int(SLIP_LINK_VALID_FOR.total_seconds() // 3600)
    answer = SlipLinkSent(mask_phone(phone), hours)
    owner = _phone_owner(phone)
    if owner is not None and owner.role != Role.GUARDIAN:
        return answer
    _issue_link(
        student=slip.student,
        phone=phone,
        name=name,
        relation=relation,
        by=None,
        created_by=slip.created_by,
        expires_at=min(timezone.now() + SLIP_LINK_VALID_FOR, slip.expires_at),
        existing=owner,
        send_text=True,
        slip=slip,
        request=request,
    )
    return answer


def text_key(invitation_id: int) -> str:
    """The outbox key of the text message carrying an invitation's link."""
    return f"family:invitation:{invitation_id}:text"


@sensitive_variables("issued", "code")
def issue_slips(*, school_class: SchoolClass, by: User, request: HttpRequest | None = None) -> list[IssuedInvitation]:
    """A printed slip with a fresh code for every current pupil of ``school_class``, by student number.

    Side effects, in order, in one transaction: withdraws every open slip of those pupils; stores
    one invitation per pupil (a hash of its code, expiring after VALID_FOR); writes one audit
    entry per pupil (CREATE, by ``by``). Returns the codes, in the order of the class list; they are
    kept nowhere else.
    """
    now = timezone.now()
    profiles = list(
        school_class.students.active().filter(user__is_active=True).select_related("user").order_by("student_number")
    )
    issued: list[IssuedInvitation] = []
    with transaction.atomic():
        GuardianInvitation.objects.open(now).filter(
            channel=InvitationChannel.SLIP, student__in=[profile.user for profile in profiles]
        ).update(revoked_at=now)
        for profile in profiles:
            code = _new_code()
            invitation = GuardianInvitation.objects.create(
                student=profile.user,
                channel=InvitationChannel.SLIP,
                secret_hash=secret_hash(code),
                created_by=by,
                expires_at=now + VALID_FOR,
            )
            issued.append(IssuedInvitation(invitation, profile.user, code))
        for item in issued:
            audit.record(
                by,
                AuditAction.CREATE,
                item.invitation,
                request=request,
                student_id=item.student.pk,
                detail="guardian invitation: slip",
            )
    return issued


def revoke_link(*, link: GuardianLink, by: User, request: HttpRequest | None = None) -> None:
    """End a guardian's link to a pupil.

    Side effects, in order, in one transaction: sets ``revoked_at`` (the row stays, as history);
    withdraws the pupil's open slip and the open links to the guardian's phone for the pupil (the
    slip may be in the revoked guardian's hands: it would link them again at once), and their
    unsent texts; writes an audit entry (CHANGE, by ``by``, about the student). The guardian's next
    page no longer lists the child (``children_of`` reads the links on every request).
    """
    now = timezone.now()
    with transaction.atomic():
        GuardianLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now)
        withdrawn = GuardianInvitation.objects.open(now).filter(
            Q(channel=InvitationChannel.SLIP) | Q(channel=InvitationChannel.LINK, phone=link.guardian.username),
            student_id=link.student_id,
        )
        for earlier in withdrawn.filter(channel=InvitationChannel.LINK).values_list("pk", flat=True):
            cancel(text_key(earlier))
        withdrawn.update(revoked_at=now)
        audit.record(
            by, AuditAction.CHANGE, link, request=request, student_id=link.student_id, detail="guardian link revoked"
        )


# --- accepting ------------------------------------------------------------------------------------


def too_many_failures(request: HttpRequest, phone: str = "") -> bool:
    """Whether this address (or this address for this phone) has failed too often for now.

    The same limits as the sign-in (counseling.backends): django-axes' failure limit for one name on
    one address within its cool-off time, and the address-wide spraying limit over every name.
    """
    key = FAILURE_KEY + phone
    if spraying_refused(request, key):
        return True
    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return (
        AccessFailureLog.objects.filter(
            username=key, ip_address=get_client_ip_address(request), attempt_time__gte=since
        ).count()
        >= settings.AXES_FAILURE_LIMIT
    )


def record_failure(request: HttpRequest, phone: str = "") -> None:
    """One row in django-axes' failure log (the table the sign-in's limits count)."""
    AccessFailureLog.objects.create(
        username=FAILURE_KEY + phone,
        ip_address=get_client_ip_address(request),
        user_agent=get_client_user_agent(request)[:255],
        http_accept=request.META.get("HTTP_ACCEPT", "")[:1025],
        path_info=request.path[:255],
        locked_out=False,
    )


def open_invitation(*, secret: str, channel: str) -> GuardianInvitation | None:
    """The open invitation of ``channel`` with this token or code, or None (also for a link asked
    for with a slip that has since been used or withdrawn)."""
    if not secret or len(secret) > 100:
        return None
    return (
        GuardianInvitation.objects.usable()
        .filter(channel=channel, secret_hash=secret_hash(secret))
        .select_related("student__student_profile__school_class__grade")
        .first()
    )


def pending_for(guardian: User) -> QuerySet[GuardianInvitation]:
    """Open link invitations to ``guardian``'s phone (they accept them signed in, from the home page)."""
    if not (guardian.is_authenticated and guardian.is_guardian):
        return GuardianInvitation.objects.none()
    return (
        GuardianInvitation.objects.usable()
        .filter(channel=InvitationChannel.LINK, phone=guardian.username)
        .select_related("student__student_profile__school_class__grade")
        .order_by("created_at")
    )


@sensitive_variables("password")
def accept_invitation(
    *,
    invitation: GuardianInvitation,
    password: str = "",
    name: str = "",
    relation: str = "",
    signed_in: User | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Use ``invitation``: make the guardian's account (or take the signed-in one) and link it to the pupil.

    The phone is the invitation's (a link) or the signed-in guardian's (a slip's code, used directly
    only signed in: signed out, a slip asks for a texted link, ``request_slip_link``). A school
    account with that phone is refused. An existing guardian account must be the one
    ``signed_in``: accepting never sets an existing account's password, so whoever holds an
    invitation cannot take over an account with it. A new account gets ``password`` (the caller
    has run Django's validators) and ``name``; it signs in with the phone.

    Side effects, in order, in one transaction: claims the invitation (a conditional update, so it
    is used once even by two requests at once), and the slip a link was asked for with (likewise:
    a slip works once); creates the guardian account if needed; creates
    the link (relation from the invitation, else ``relation``; invited by the invitation's issuer)
    unless a live one exists; writes an audit entry (CREATE on the link, by the guardian, about
    the pupil). Returns the guardian. Raises InvitationError, changing nothing, when refused.
    """
    signed_in = signed_in if signed_in is not None and signed_in.is_authenticated else None
    if signed_in is not None and not signed_in.is_guardian:
        raise InvitationError(_("A school account cannot accept a guardian invitation. Sign out first."))
    if invitation.channel == InvitationChannel.SLIP and signed_in is None:
        raise InvitationError(_("Sign in first, or ask for a link by text message with the slip's code."))
    phone = _valid_phone(invitation.phone or signed_in.username)
    if signed_in is not None and signed_in.username != phone:
        raise InvitationError(_("This invitation is for another phone number."))
    relation = invitation.relation if invitation.channel == InvitationChannel.LINK else relation
    if relation not in GuardianRelation.values:
        relation = GuardianRelation.OTHER
    now = timezone.now()
    with transaction.atomic():
        claimed = GuardianInvitation.objects.open(now).filter(pk=invitation.pk).update(used_at=now)
        if claimed and invitation.slip_id is not None:
            claimed = GuardianInvitation.objects.open(now).filter(pk=invitation.slip_id).update(used_at=now)
        if not claimed:
            raise InvitationError(_("This invitation is no longer valid. Ask the class teacher for a new one."))
        guardian = _refuse_school_phone(phone)
        if guardian is not None and guardian != signed_in:
            raise InvitationError(
                _(
                    "An account with this phone number already exists. Sign in with it first; then "
                    "accept the invitation (or enter the code) again."
                )
            )
        if guardian is None:
            guardian = User(
                username=phone,
                phone=phone,
                name=(name or invitation.name).strip()[:60] or phone,
                role=Role.GUARDIAN,
                email="",
            )
            guardian.set_password(password)
            guardian.save()
        GuardianInvitation.objects.filter(pk__in=[invitation.pk, invitation.slip_id]).update(used_by=guardian)
        link = GuardianLink.objects.filter(guardian=guardian, student_id=invitation.student_id, revoked_at=None).first()
        if link is None:
            link = GuardianLink.objects.create(
                guardian=guardian,
                student_id=invitation.student_id,
                relation=relation,
                created_by_id=invitation.created_by_id,
            )
        audit.record(
            guardian,
            AuditAction.CREATE,
            link,
            request=request,
            student_id=invitation.student_id,
            detail=f"guardian invitation accepted: {invitation.channel}",
        )
    return guardian


def account_exists(phone: str) -> bool:
    """Whether a guardian account signs in with ``phone`` (the join page then asks to sign in first)."""
    return User.objects.filter(username=normalise_phone(phone), role=Role.GUARDIAN).exists()
