"""Handover (交接) of one case, or of all a counselor's cases, by the head counselor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from counseling.cases.forms import HandoverAllForm, HandoverForm
from counseling.cases.services.access import get_case_for
from counseling.cases.services.handover import hand_over_all, hand_over_case
from counseling.decorators import require_perm
from counseling.roles import users_with_perm

from .common import form_page


@require_perm("cases.handover")
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    form = HandoverForm(request.POST or None, counselors=users_with_perm("cases.view_cases").order_by("name"), exclude=case.counselor)
    if request.method == "POST" and form.is_valid():
        try:
            hand_over_case(
                case,
                to=form.cleaned_data["to_counselor"],
                by=request.user,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("to_counselor", error.messages[0])
        else:
            messages.success(
                request,
                _("The case is now held by %(name)s.") % {"name": form.cleaned_data["to_counselor"].get_full_name()},
            )
            return redirect("cases:detail", pk=case.pk)
    return form_page(
        request,
        title=_("Hand the case over"),
        form=form,
        back_url=reverse("cases:detail", args=[case.pk]),
        case=case,
    )


@require_perm("cases.handover")
def handover_all(request: HttpRequest) -> HttpResponse:
    form = HandoverAllForm(request.POST or None, counselors=users_with_perm("cases.view_cases").order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = hand_over_all(
                data["from_counselor"], to=data["to_counselor"], by=request.user, note=data["note"], request=request
            )
        except ValidationError as error:
            form.add_error("to_counselor", error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d case was handed over to %(name)s.",
                    "%(count)d cases were handed over to %(name)s.",
                    len(done),
                )
                % {"count": len(done), "name": data["to_counselor"].get_full_name()},
            )
            return redirect("cases:case_list")
    return form_page(
        request,
        title=_("Hand over all cases of a counselor"),
        form=form,
        back_url=reverse("cases:case_list"),
        intro=_(
            "Every case of the counselor, open and closed, moves to the new counselor with the same note. The previous counselor loses access at once."
        ),
    )
