"""Counselors working through screening warnings: contacted, case opened, or dismissed with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from archives import access
from archives.forms import ContactedForm, DismissForm, ReassignForm
from archives.models import Result, ScreeningWarning, WarningStatus
from archives.services import warnings as service
from counseling.decorators import require_perm
from counseling.models.audit import AuditAction
from counseling.services.audit import record, record_list

FILTERS = {
    "open": (pgettext_lazy("warning status", "Open"), {"status": WarningStatus.OPEN}),
    "handled": (
        gettext_lazy("Handled"),
        {"status__in": [WarningStatus.CONTACTED, WarningStatus.CASE_OPENED, WarningStatus.DISMISSED]},
    ),
    "all": (gettext_lazy("All"), {}),
}


@require_perm("archives.handle_warnings")
def warning_list(request: HttpRequest) -> HttpResponse:
    """Open warnings first (critical first, oldest first); those open more than two days stand out."""
    current = request.GET.get("show", "open")
    if current not in FILTERS:
        current = "open"
    rows = (
        ScreeningWarning.objects.visible_to(request.user)
        .filter(**FILTERS[current][1])
        .select_related("student__student_profile__school_class__grade", "screening", "counselor")
        .order_by("-is_critical", "created_at", "id")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    record_list(request.user, ScreeningWarning, [w.student_id for w in page], request=request, detail="warning list")
    base = ScreeningWarning.objects.visible_to(request.user)
    context = {
        "page": page,
        "current": current,
        "filters": [(key, label) for key, (label, _f) in FILTERS.items()],
        "overdue_count": base.overdue().count(),
        "open_count": base.open().count(),
        "see_all": request.user.has_perm("archives.view_all_warnings"),
    }
    return render(request, "archives/warning_list.html", context)


@require_perm("archives.handle_warnings")
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for(request.user, pk)
    record(request.user, AuditAction.VIEW, warning, request=request, student_id=warning.student_id)
    results = list(
        Result.objects.visible_to(request.user).filter(submission_id=warning.submission_id).select_related("instrument")
    )
    contacted_form, dismiss_form = ContactedForm(), DismissForm()
    contacted_form.helper.form_action = reverse("archives:warning_contacted", args=[warning.pk])
    dismiss_form.helper.form_action = reverse("archives:warning_dismiss", args=[warning.pk])
    context = {
        "warning": warning,
        "results": results,
        "contacted_form": contacted_form,
        "dismiss_form": dismiss_form,
        "reassign_form": ReassignForm(initial={"counselor": warning.counselor_id})
        if request.user.has_perm("archives.view_all_warnings")
        else None,
        "case_url": _case_url(warning),
    }
    return render(request, "archives/warning_detail.html", context)


def _case_url(warning: ScreeningWarning) -> str:
    if warning.case_id is None:
        return ""
    try:
        return reverse("cases:detail", args=[warning.case_id])
    except NoReverseMatch:
        return ""


def _after(request: HttpRequest, warning: ScreeningWarning) -> HttpResponse:
    return redirect("archives:warning_detail", pk=warning.pk)


@require_perm("archives.handle_warnings")
@require_POST
def warning_contacted(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for(request.user, pk)
    form = ContactedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write how and when you talked with the student."))
        return _after(request, warning)
    try:
        service.mark_contacted(warning, by=request.user, note=form.cleaned_data["note"], request=request)
    except service.WarningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Marked as contacted."))
    return _after(request, warning)


@require_perm("archives.handle_warnings")
@require_POST
def warning_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for(request.user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for dismissing the warning."))
        return _after(request, warning)
    try:
        service.dismiss(warning, by=request.user, reason=form.cleaned_data["reason"], request=request)
    except service.WarningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Warning dismissed."))
    return _after(request, warning)


@require_perm("archives.handle_warnings")
@require_POST
def warning_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for(request.user, pk)
    try:
        case = service.open_case(warning, by=request.user, request=request)
    except service.WarningError as exc:
        messages.error(request, str(exc))
        return _after(request, warning)
    messages.success(request, _("Case opened and linked to the warning."))
    try:
        return redirect("cases:detail", pk=case.pk)
    except NoReverseMatch:
        return _after(request, warning)


@require_perm("archives.view_all_warnings")
@require_POST
def warning_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    warning = access.get_warning_for(request.user, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a counselor."))
        return _after(request, warning)
    try:
        service.reassign(warning, counselor=form.cleaned_data["counselor"], by=request.user, request=request)
    except service.WarningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Warning handed over to %(name)s.") % {"name": form.cleaned_data["counselor"]})
    return _after(request, warning)
