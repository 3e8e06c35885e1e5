"""Complaints: anyone signed in files one and follows it; the head counselor handles it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from counseling.cases.enums import ComplaintStatus
from counseling.cases.forms import ComplaintForm, ComplaintHandleForm
from counseling.cases.models import Complaint
from counseling.cases.services.access import get_complaint_for
from counseling.cases.services.complaints import file_complaint, handle_complaint
from counseling.decorators import require_perm

from .common import audit_read, form_page


@require_perm("cases.file_complaint")
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        file_complaint(by=request.user, **form.cleaned_data)
        messages.success(request, _("Your complaint was received. The head of the counseling office will handle it."))
        return redirect("cases:complaint_mine")
    return form_page(
        request,
        title=_("Make a complaint"),
        form=form,
        back_url=reverse("cases:complaint_mine"),
        intro=_(
            "Tell us what went wrong with the counseling service. Only the head of the counseling office reads this."
        ),
    )


@require_perm("cases.file_complaint")
def complaint_mine(request: HttpRequest) -> HttpResponse:
    complaints = Complaint.objects.filter(filed_by=request.user).select_related("handled_by")
    page = Paginator(complaints, 20).get_page(request.GET.get("page"))
    return render(request, "cases/complaint_mine.html", {"page": page})


@require_perm("cases.handle_complaints")
def complaint_list(request: HttpRequest) -> HttpResponse:
    complaints = (
        Complaint.objects.visible_to(request.user)
        .select_related("filed_by", "handled_by")
        .defer("description", "outcome")
    )
    show = request.GET.get("show", "open")
    if show == "open":
        complaints = complaints.filter(status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS])
    page = Paginator(complaints, 30).get_page(request.GET.get("page"))
    return render(request, "cases/complaint_list.html", {"page": page, "show": show})


@require_perm("cases.handle_complaints")
def complaint_handle(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_complaint_for(request.user, pk)
    form = ComplaintHandleForm(request.POST or None, initial={"status": complaint.status, "outcome": complaint.outcome})
    if request.method == "POST" and form.is_valid():
        handle_complaint(complaint, by=request.user, **form.cleaned_data)
        messages.success(request, _("The complaint was updated."))
        return redirect("cases:complaint_list")
    audit_read(request, complaint)
    return render(request, "cases/complaint_handle.html", {"complaint": complaint, "form": form})
