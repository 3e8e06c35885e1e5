"""The head counselor's side of two-person acts: the waiting requests, and confirming one with TOTP."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.decorators import require_perm
from counseling.forms import ConfirmRequestForm
from counseling.models import StaffRequest
from counseling.services import staff_requests
from counseling.services.staff_requests import EnrolmentNeededError, RequestError

PERM = "counseling.confirm_staff_requests"


@require_perm(PERM)
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for a head counselor, then the recent decisions."""
    staff_requests.expire_stale()
    rows = StaffRequest.objects.select_related("target", "proposed_by", "decided_by")[:100]
    return render(request, "counseling/staff/requests.html", {"rows": rows})


@never_cache
@sensitive_post_parameters("token")
@require_perm(PERM)
def request_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (with the current code of one's own authenticator app) or refuse one request."""
    staff_request = get_object_or_404(StaffRequest.objects.select_related("target", "proposed_by"), pk=pk)
    here = reverse("staff_request_confirm", args=[pk])
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, _("Set up your authenticator app first: a confirmation needs its code."))
        return redirect(f"{reverse('two_factor')}?next={here}")
    form = ConfirmRequestForm(request.POST or None)
    context = {"staff_request": staff_request, "form": form, "problem": ""}
    try:
        staff_requests.check_confirmer(staff_request, request.user)
    except RequestError as exc:
        context["problem"] = str(exc)
    if request.method != "POST":
        return render(request, "counseling/staff/confirm.html", context)
    if context["problem"]:
        return render(request, "counseling/staff/confirm.html", context, status=400)
    if "refuse" in request.POST:
        staff_requests.refuse(staff_request, by=request.user, request=request)
        messages.success(request, _("The request was refused. Nothing was changed."))
        return redirect("staff_requests")
    if not form.is_valid():
        return render(request, "counseling/staff/confirm.html", context, status=400)
    try:
        link = staff_requests.confirm(staff_request, by=request.user, token=form.cleaned_data["token"], request=request)
    except EnrolmentNeededError:
        return redirect(f"{reverse('two_factor')}?next={here}")
    except RequestError as exc:
        form.add_error("token", str(exc))
        return render(request, "counseling/staff/confirm.html", context, status=400)
    if link:
        return render(
            request,
            "counseling/staff/link.html",
            {"member": staff_request.target, "link": request.build_absolute_uri(link), "for_head": True},
        )
    messages.success(request, _("Confirmed. The change has taken effect."))
    return redirect("staff_requests")
