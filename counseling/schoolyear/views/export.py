"""A student's data on request (head counselor): find the student, say why, download the ZIP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from counseling.decorators import require_perm
from counseling.schoolyear.forms import ConfirmConfidentialForm, ExportForm, StudentSearchForm
from counseling.schoolyear.models import DataExport
from counseling.schoolyear.services import export as exports


@require_perm("counseling.export_student_data")
def export_search(request: HttpRequest) -> HttpResponse:
    form = StudentSearchForm(request.GET or None)
    results = exports.search_students(form.cleaned_data["q"]) if form.is_valid() else []
    recent = DataExport.objects.select_related("student__student_profile", "requested_by")[:20]
    return render(
        request,
        "schoolyear/export_search.html",
        {"form": form, "results": results, "recent": recent, "searched": form.is_bound},
    )


@never_cache
@require_perm("counseling.export_student_data")
def export_student(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: the request and whether case records go in; step 2 (case records only): confirm with
    a reason; then the ZIP."""
    student = get_object_or_404(exports.exportable_students(), pk=pk)
    offer = exports.has_confidential_sources()
    context = {"student": student, "profile": student.student_profile}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = ConfirmConfidentialForm(request.POST)
        if not confirm.is_valid():
            context["form"] = confirm
            context["sections"] = exports.sections(include_confidential=True)
            return render(request, "schoolyear/export_confirm.html", context, status=400)
        return _download(
            request, student, confirm.cleaned_data["reason"], True, confirm.cleaned_data["confidential_reason"]
        )
    form = ExportForm(request.POST or None, offer_confidential=offer)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("include_confidential"):
            context["form"] = ConfirmConfidentialForm(initial={"reason": form.cleaned_data["reason"]})
            context["sections"] = exports.sections(include_confidential=True)
            return render(request, "schoolyear/export_confirm.html", context)
        return _download(request, student, form.cleaned_data["reason"], False, "")
    context["form"] = form
    context["sections"] = exports.sections(include_confidential=False)
    context["offer_confidential"] = offer
    return render(request, "schoolyear/export_student.html", context, status=400 if request.method == "POST" else 200)


def _download(request: HttpRequest, student, reason: str, include: bool, why: str) -> HttpResponse:
    record, data = exports.export_student_data(
        student, by=request.user, reason=reason, include_confidential=include, confidential_reason=why, request=request
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(record)}"'
    return response
