"""Concerns passed on by class teachers and committee members, and the office's inbox of them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.cases.enums import ConcernStatus
from counseling.cases.forms import ConcernForm
from counseling.cases.models import Concern, RiskSignal
from counseling.cases.services.access import get_concern_for_office, get_concern_for_referrer
from counseling.cases.services.cases import colleague_holding
from counseling.cases.services.concerns import (
    ConcernError,
    close_concern_without_case,
    concern_signal,
    pass_on_concern,
    referable_students,
    take_up_concern,
)
from counseling.decorators import require_perm

from .common import audit_list, audit_read, form_page


@require_perm("cases.refer_student")
def concern_new(request: HttpRequest) -> HttpResponse:
    """Pass on a concern about a student of your class."""
    form = ConcernForm(request.POST or None, students=referable_students(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = pass_on_concern(
                by=request.user,
                student=data["student"],
                category=data["category"],
                urgency=data["urgency"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error("student", error.messages[0])
        else:
            messages.success(request, _("Thank you. The counseling office has received your message."))
            return redirect("cases:concern_status", pk=concern.pk)
    return form_page(
        request,
        title=_("Pass on a concern"),
        form=form,
        back_url=reverse("cases:concern_mine"),
        intro=_(
            "The counseling office reads what you write here. You will see that it was received and whether the student is being followed, nothing more: what students share with counselors stays confidential."
        )
        if request.user.has_perm("counseling.see_referral_outcome")
        else _(
            "The counseling office reads what you write here. You will see that it was passed to the office, nothing more: what happens next stays between your classmate and the office."
        ),
    )


@require_perm("cases.refer_student")
def concern_mine(request: HttpRequest) -> HttpResponse:
    """The concerns you passed on, each with only its status."""
    concerns = (
        Concern.objects.filed_by(request.user)
        .select_related("student__student_profile__school_class__grade", "case")
        .defer("description")
    )
    page = Paginator(concerns, 30).get_page(request.GET.get("page"))
    return render(request, "cases/concern_mine.html", {"page": page})


@require_perm("cases.refer_student")
def concern_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Received, and whether the student is being followed: nothing else."""
    concern = get_concern_for_referrer(request.user, pk)
    return render(request, "cases/concern_status.html", {"concern": concern})


@require_perm("cases.view_cases")
def concern_inbox(request: HttpRequest) -> HttpResponse:
    """Concerns waiting for the office, and the ones already handled."""
    concerns = (
        Concern.objects.visible_to_office(request.user)
        .select_related("student__student_profile__school_class__grade", "referred_by", "category", "handled_by")
        .defer("description")
    )
    show = request.GET.get("show", "waiting")
    if show == "waiting":
        concerns = concerns.filter(status=ConcernStatus.RECEIVED)
    page = Paginator(concerns.order_by("-urgency", "-created_at", "-id"), 30).get_page(request.GET.get("page"))
    audit_list(request, Concern, [concern.student_id for concern in page], "concern inbox")
    return render(request, "cases/concern_inbox.html", {"page": page, "show": show})


@require_perm("cases.view_cases")
@transaction.atomic
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_office(request.user, pk)
    audit_read(request, concern)
    holder = colleague_holding(concern.student)
    # An urgent or risky concern raised a risk signal: the page leads to its triage actions.
    signal = concern_signal(concern)
    context = {
        "concern": concern,
        "holder": holder,
        "signal": signal,
        "signal_visible": signal is not None
        and RiskSignal.objects.visible_to(request.user).filter(pk=signal.pk).exists(),
    }
    return render(request, "cases/concern_detail.html", context)


@require_perm("cases.view_cases")
@require_POST
def concern_take_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the concern up in the student's open case, or in a new case you hold."""
    concern = get_concern_for_office(request.user, pk)
    if concern.status != ConcernStatus.RECEIVED:
        messages.info(request, _("This concern was already handled."))
        return redirect("cases:concern_detail", pk=concern.pk)
    case = take_up_concern(concern, by=request.user, request=request)
    if case.counselor_id == request.user.pk:
        messages.success(request, _("The concern is taken up in your case."))
        return redirect("cases:detail", pk=case.pk)
    messages.success(
        request,
        _("The student is already followed by %(name)s; the concern was added to that case.")
        % {"name": case.counselor.get_full_name()},
    )
    return redirect("cases:concern_inbox")


@require_perm("cases.view_cases")
@require_POST
def concern_no_case(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_office(request.user, pk)
    if concern.status != ConcernStatus.RECEIVED:
        messages.info(request, _("This concern was already handled."))
        return redirect("cases:concern_detail", pk=concern.pk)
    try:
        close_concern_without_case(concern, by=request.user, request=request)
    except ConcernError as error:
        messages.error(request, error.message)
        return redirect("cases:concern_detail", pk=concern.pk)
    messages.success(request, _("The concern is marked as handled without a case."))
    return redirect("cases:concern_inbox")
