"""Referrals of a student to an outside institution."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from counseling.cases.forms import ReferralForm
from counseling.cases.models import Referral
from counseling.cases.services.access import get_case_for, get_referral_for
from counseling.cases.services.referrals import create_referral, update_referral
from counseling.decorators import require_perm

from .common import audit_read, form_page


def _values(form: ReferralForm) -> dict:
    return {name: form.cleaned_data[name] for name in ReferralForm.Meta.fields}


@require_perm("cases.view_cases")
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = create_referral(case, by=request.user, values=_values(form), request=request)
        messages.success(request, _("The referral was recorded."))
        return redirect("cases:referral_detail", pk=referral.pk)
    return form_page(
        request,
        title=_("Refer out") if case.is_teacher_case else _("Refer the student out"),
        form=form,
        back_url=reverse("cases:detail", args=[case.pk]),
        case=case,
    )


@require_perm("cases.view_cases")
@transaction.atomic
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request.user, pk)
    audit_read(request, referral)
    return render(request, "cases/referral_detail.html", {"referral": referral, "case": referral.case})


@require_perm("cases.view_cases")
@transaction.atomic
def referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_referral_for(request.user, pk)
    form = ReferralForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        stored = Referral.objects.get(pk=referral.pk)
        update_referral(stored, by=request.user, values=_values(form), request=request)
        messages.success(request, _("The referral was saved."))
        return redirect("cases:referral_detail", pk=referral.pk)
    if request.method == "GET":
        audit_read(request, referral, detail="edit form")
    return form_page(
        request,
        title=_("Change the referral"),
        form=form,
        back_url=reverse("cases:referral_detail", args=[referral.pk]),
        case=referral.case,
    )
