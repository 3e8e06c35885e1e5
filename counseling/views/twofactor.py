"""Small views for two-factor sign-in (django-otp): enrol a TOTP device, verify a code, recovery codes.

Recovery codes (django-otp's static device) are shown once, right after the authenticator is set up
(and when the person asks for new ones); each works once on the two-factor page instead of the app's
code. They are stored as django-otp stores them and never shown again.
"""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.forms import TokenForm

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() takes a bare word for a URL name and fails to reverse it.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@sensitive_variables("codes")
def new_recovery_codes(user) -> list[str]:
    """Replace ``user``'s recovery codes with RECOVERY_CODES new ones; returns them (shown once).

    Side effects: the old codes stop working; one static device holds the new ones.
    """
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _recovery_device(user, token: str) -> StaticDevice | None:
    """The user's recovery-code device if ``token`` is one of its unused codes (which it then uses up)."""
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@never_cache
@sensitive_post_parameters("token")
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code (or a recovery code); a user without a confirmed device first enrols one by scanning a QR code."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        if device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            if enrolling:
                return render(
                    request,
                    "registration/recovery_codes.html",
                    {"codes": new_recovery_codes(user), "next": _safe_next(request), "first_time": True},
                )
            return redirect(_safe_next(request))
        recovery = None if enrolling else _recovery_device(user, token.lower())
        if recovery is not None:
            otp_login(request, recovery)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not valid. Check your phone's clock and try again."))
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, micro=False).svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "registration/two_factor.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a POST (after passing two-factor) replaces them and shows the new ones once."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return render(request, "registration/recovery_codes.html", {"no_device": True})
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect(f"{reverse('two_factor')}?next={reverse('recovery_codes')}")
        return render(
            request, "registration/recovery_codes.html", {"codes": new_recovery_codes(request.user), "next": "/"}
        )
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(request, "registration/recovery_codes.html", {"left": left})
