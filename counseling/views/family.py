"""Families, for guardians: joining with an invitation, consent asked online, notices from the school.

Nothing here reaches a child's counseling records: every page goes through ``family.children_of``
and shows only the school's requests to the family.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm, sms_link_safe
from counseling.enums import ConsentState, InvitationChannel
from counseling.forms import ConsentAnswerForm, JoinByCodeForm, JoinByLinkForm
from counseling.services import consent_requests, family_notices, invitations
from counseling.services.consent import ConsentError, consent_state
from counseling.services.invitations import InvitationError
from counseling.validators import normalise_phone

BACKEND = "counseling.backends.PasswordBackend"


def _guardian_or_anonymous(request: HttpRequest) -> bool:
    """The join pages are for families: signed out, or signed in as a guardian. School accounts get 403."""
    if request.user.is_authenticated and not request.user.has_perm("counseling.answer_consent"):
        raise PermissionDenied
    return request.user.is_authenticated


def _refused(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    messages.error(request, _("Too many wrong attempts. Please wait a quarter of an hour and try again."))
    return render(request, template, context, status=429)


@never_cache
@sensitive_post_parameters("code")
@sensitive_variables("code")
def family_join(request: HttpRequest) -> HttpResponse:
    """Enter the code of a printed slip. Signed out, with a phone: a one-time link is texted to that
    phone (the account is made from it); signed in as a guardian: the child is added at once."""
    signed_in = _guardian_or_anonymous(request)
    form = JoinByCodeForm(request.POST or None, signed_in=signed_in)
    template, context = "counseling/family/join.html", {"form": form, "signed_in": signed_in}
    if request.method != "POST":
        return render(request, template, context)
    phone = request.user.username if signed_in else normalise_phone(request.POST.get("phone", "")[:20])
    if invitations.too_many_failures(request, phone):
        return _refused(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    invitation = invitations.open_invitation(secret=form.cleaned_data["code"], channel=InvitationChannel.SLIP)
    if invitation is None:
        invitations.record_failure(request, phone)
        form.add_error("code", _("This code is wrong, used or expired. Check the slip, or ask the class teacher."))
        return render(request, template, context, status=400)
    try:
        if not signed_in:
            sent = invitations.request_slip_link(
                slip=invitation,
                phone=form.cleaned_data["phone"],
                name=form.cleaned_data["name"],
                relation=form.cleaned_data["relation"],
                request=request,
            )
            return render(request, "counseling/family/join_sent.html", {"sent": sent})
        guardian = invitations.accept_invitation(
            invitation=invitation, relation=form.cleaned_data["relation"], signed_in=request.user, request=request
        )
    except InvitationError as exc:
        invitations.record_failure(request, phone)
        form.add_error(None, str(exc))
        return render(request, template, context, status=400)
    return _welcome(request, guardian, signed_in)


def _welcome(request: HttpRequest, guardian, signed_in: bool) -> HttpResponse:
    if not signed_in:
        login(request, guardian, backend=BACKEND)
    messages.success(request, _("Your account is linked to your child. Welcome."))
    return redirect("home")


@sms_link_safe  # the invitation's own link goes in its text message (invitations.invite_guardian)
@never_cache
@sensitive_post_parameters("password1", "password2")
@sensitive_variables("token")
def family_join_link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time link: a new guardian chooses a name and password; an existing one is asked to sign in."""
    signed_in = _guardian_or_anonymous(request)
    template = "counseling/family/join_link.html"
    if invitations.too_many_failures(request):
        return _refused(request, template, {"form": None})
    invitation = invitations.open_invitation(secret=token, channel=InvitationChannel.LINK)
    if invitation is None:
        invitations.record_failure(request)
        return render(request, "counseling/family/join_invalid.html", status=404)
    exists = invitations.account_exists(invitation.phone)
    if signed_in or exists:
        # An existing account accepts signed in, from its home page (never by setting a password here).
        if signed_in and request.user.username == invitation.phone:
            return redirect("home")
        return render(request, template, {"form": None, "exists": True, "phone": invitation.phone})
    form = JoinByLinkForm(request.POST or None, phone=invitation.phone, initial={"name": invitation.name})
    context = {"form": form, "phone": invitation.phone}
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        guardian = invitations.accept_invitation(
            invitation=invitation,
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
            request=request,
        )
    except InvitationError as exc:
        form.add_error(None, str(exc))
        return render(request, template, context, status=400)
    return _welcome(request, guardian, False)


@require_perm("counseling.answer_consent")
@require_POST
def family_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in guardian accepts an open link invitation to their own phone."""
    invitation = get_object_or_404(invitations.pending_for(request.user), pk=pk)
    try:
        invitations.accept_invitation(invitation=invitation, signed_in=request.user, request=request)
    except InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your account is linked to your child. Welcome."))
    return redirect("home")


@require_perm("counseling.answer_consent")
def family_consent_list(request: HttpRequest) -> HttpResponse:
    """The school's open consent requests, one row per child."""
    rows = consent_requests.open_requests_for(request.user)
    return render(request, "counseling/family/consent_list.html", {"rows": rows})


@require_perm("counseling.answer_consent")
def family_consent_answer(request: HttpRequest, pk: int, student: int) -> HttpResponse:
    """Read the explanation and give, refuse or withdraw consent for one's own child (404 for anyone else's)."""
    consent_request, child = consent_requests.get_request_for(request.user, pk, student)
    current = consent_state(child, consent_request.purpose)
    form = ConsentAnswerForm(request.POST or None, can_withdraw=current == ConsentState.GIVEN)
    if request.method == "POST" and form.is_valid():
        try:
            consent_requests.answer(
                consent_request=consent_request,
                child=child,
                guardian=request.user,
                state=form.cleaned_data["state"],
                request=request,
            )
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. Your answer is recorded."))
            return redirect("family_consent_list")
    context = {
        "consent_request": consent_request,
        "child": child,
        "current": consent_requests.answer_label(current),
        "form": form,
    }
    return render(
        request, "counseling/family/consent_answer.html", context, status=400 if request.method == "POST" else 200
    )


@require_perm("counseling.read_family_notices")
def family_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice from the school, if it was addressed to this guardian (404 otherwise)."""
    notice = family_notices.get_notice_for(request.user, pk)
    return render(request, "counseling/family/notice.html", {"notice": notice})
