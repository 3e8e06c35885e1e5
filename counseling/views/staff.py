"""Staff accounts for the administrator: list, create, roles, deactivate, resets, withdraw a proposal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.decorators import require_perm
from counseling.forms import StaffAccountForm, StaffRoleForm
from counseling.models import StaffRequest, User
from counseling.models.staff import StaffRequestState
from counseling.services import staff, staff_requests
from counseling.services.staff import Outcome
from counseling.services.staff_requests import RequestError

PERM = "counseling.manage_staff"


def _get_staff_member(pk: int) -> User:
    """Staff accounts only: a student's account is not managed here (404)."""
    return get_object_or_404(staff.staff_members(), pk=pk)


def _report(request: HttpRequest, outcome: Outcome, done: str) -> None:
    if outcome.proposed is not None:
        messages.info(
            request,
            _("Proposed. It takes effect when a head counselor confirms it (within 72 hours)."),
        )
    else:
        messages.success(request, done)


@require_perm(PERM)
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every staff account with its role and second factor, and the requests waiting for a head counselor."""
    staff_requests.expire_stale()
    members = list(staff.staff_members())
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    for member in members:
        member.has_two_factor = member.pk in enrolled
    waiting = StaffRequest.objects.filter(state=StaffRequestState.PENDING).select_related("target", "proposed_by")
    return render(request, "counseling/staff/list.html", {"members": members, "waiting": waiting})


@never_cache
@require_perm(PERM)
def staff_create(request: HttpRequest) -> HttpResponse:
    """Create a staff account; a role that reads confidential content is proposed, not granted."""
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "counseling/staff/create.html", {"form": form}, status=400)
        data = form.cleaned_data
        user, outcome = staff.create_account(
            username=data["username"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            role=data["role"],
            by=request.user,
            request=request,
        )
        if outcome.link:
            return render(
                request,
                "counseling/staff/link.html",
                {"member": user, "link": request.build_absolute_uri(outcome.link)},
            )
        _report(request, outcome, _("The account was created."))
        return redirect("staff_detail", pk=user.pk)
    return render(request, "counseling/staff/create.html", {"form": form})


@require_perm(PERM)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One staff account: its role, state, and the requests about it."""
    member = _get_staff_member(pk)
    history = StaffRequest.objects.filter(target=member).select_related("proposed_by", "decided_by")
    return render(
        request,
        "counseling/staff/detail.html",
        {
            "member": member,
            "role_form": StaffRoleForm(initial={"role": member.role}),
            "history": history,
            "has_two_factor": TOTPDevice.objects.filter(user=member, confirmed=True).exists(),
            "is_self": member.pk == request.user.pk,
        },
    )


@require_perm(PERM)
@require_POST
def staff_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_staff_member(pk)
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the staff roles."))
        return redirect("staff_detail", pk=member.pk)
    try:
        outcome = staff.set_role(member, form.cleaned_data["role"], by=request.user, request=request)
    except RequestError as exc:
        messages.error(request, str(exc))
    else:
        _report(request, outcome, _("The role was changed."))
    return redirect("staff_detail", pk=member.pk)


@require_perm(PERM)
@require_POST
def staff_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (never delete: records name their authors) or reactivate an account."""
    member = _get_staff_member(pk)
    active = request.POST.get("active") == "1"
    try:
        outcome = staff.set_active(member, active, by=request.user, request=request)
    except RequestError as exc:
        messages.error(request, str(exc))
    else:
        _report(request, outcome, _("The account was reactivated.") if active else _("The account was deactivated."))
    return redirect("staff_detail", pk=member.pk)


@never_cache
@require_perm(PERM)
@require_POST
def staff_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset the password or the second factor: proposed for roles that read confidential content."""
    member = _get_staff_member(pk)
    what = request.POST.get("what")
    if what not in ("password", "two_factor"):
        messages.error(request, _("Choose what to reset."))
        return redirect("staff_detail", pk=member.pk)
    try:
        if what == "password":
            outcome = staff.reset_password(member, by=request.user, request=request)
        else:
            outcome = staff.reset_two_factor(member, by=request.user, request=request)
    except RequestError as exc:
        messages.error(request, str(exc))
        return redirect("staff_detail", pk=member.pk)
    if outcome.link:
        return render(
            request, "counseling/staff/link.html", {"member": member, "link": request.build_absolute_uri(outcome.link)}
        )
    _report(request, outcome, _("The second factor was reset: the person sets it up again at the next sign-in."))
    return redirect("staff_detail", pk=member.pk)


@require_perm(PERM)
@require_POST
def staff_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    staff_request = get_object_or_404(StaffRequest, pk=pk)
    try:
        staff_requests.withdraw(staff_request, by=request.user, request=request)
    except RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("staff_list")
