"""Small helpers shared by the case-record views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counseling.cases.services.trail import log
from counseling.models.audit import AuditAction
from counseling.services.audit import record_list


def audit_read(request: HttpRequest, obj, action: AuditAction = AuditAction.VIEW, detail: str = "") -> None:
    """Record that the signed-in user read (or printed, exported) ``obj``; call inside the view's transaction."""
    log(request.user, action, obj, request=request, detail=detail)


def audit_list(request: HttpRequest, model, student_ids, detail: str) -> None:
    """Record that the signed-in user saw a list of ``model`` rows about these students: one entry."""
    record_list(request.user, model, student_ids, request=request, detail=detail)


def form_page(request: HttpRequest, *, title: str, form, back_url: str, case=None, status: int = 200, **extra):
    """Render the shared one-form page."""
    context = {"title": title, "form": form, "back_url": back_url, "case": case, **extra}
    return render(request, "cases/form.html", context, status=status)


def bad_request_page(request: HttpRequest, message: str, back_url: str) -> HttpResponse:
    return render(request, "cases/problem.html", {"message": message, "back_url": back_url}, status=400)
