"""The zero report: class teachers file, the head counselor opens windows and sees who has not filed."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.forms import ReportingWindowForm, ZeroReportForm
from archives.models import ReportingWindow, ZeroReport
from archives.services import zero as service
from counseling.decorators import require_perm
from counseling.models import SchoolClass
from counseling.models.audit import AuditAction
from counseling.services.audit import record


@require_perm("archives.file_zero_report")
def zero_mine(request: HttpRequest) -> HttpResponse:
    """Open windows and recent ones, with my classes' reports."""
    classes = list(request.user.taught_classes.filter(is_archived=False).select_related("grade"))
    windows = list(ReportingWindow.objects.filter(opens_on__lte=timezone.localdate()).order_by("-opens_on")[:10])
    reports = {
        (r.window_id, r.school_class_id): r
        for r in ZeroReport.objects.filter(window__in=windows, school_class__in=classes)
    }
    rows = [
        {"window": w, "classes": [(c, reports.get((w.pk, c.pk))) for c in classes], "open": w.is_open()}
        for w in windows
    ]
    return render(request, "archives/zero_mine.html", {"rows": rows, "classes": classes})


@require_perm("archives.file_zero_report")
def zero_file(request: HttpRequest, window_pk: int, class_pk: int) -> HttpResponse:
    """File (or correct, while open) the report of one of my classes."""
    window = get_object_or_404(ReportingWindow, pk=window_pk, opens_on__lte=timezone.localdate())
    school_class = get_object_or_404(
        SchoolClass.objects.select_related("grade"), pk=class_pk, class_teacher=request.user, is_archived=False
    )
    report = ZeroReport.objects.filter(window=window, school_class=school_class).first()
    initial = {}
    if report is not None:
        initial = {
            "nothing_to_report": report.nothing_to_report,
            "incident_count": report.incident_count or None,
            "incidents": report.incidents,
        }
    form = ZeroReportForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _report, created = service.file_report(
                    window,
                    school_class,
                    by=request.user,
                    nothing_to_report=form.cleaned_data["nothing_to_report"],
                    incident_count=form.cleaned_data["incident_count"] or 0,
                    incidents=form.cleaned_data["incidents"],
                    request=request,
                )
            except service.ZeroReportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Report filed. Thank you.") if created else _("Report corrected."))
                return redirect("archives:zero_mine")
        status = 400
    context = {"window": window, "school_class": school_class, "form": form, "report": report}
    return render(request, "archives/zero_file.html", context, status=status)


@require_perm("archives.view_zero_reports")
def zero_windows(request: HttpRequest) -> HttpResponse:
    windows = list(ReportingWindow.objects.order_by("-opens_on")[:50])
    expected = service.expected_classes().count()
    filed = dict(
        ZeroReport.objects.filter(window__in=windows).values_list("window_id").annotate(n=Count("id")).order_by()
    )
    rows = [
        {"window": w, "filed": filed.get(w.pk, 0), "missing": max(expected - filed.get(w.pk, 0), 0)} for w in windows
    ]
    form = ReportingWindowForm()
    return render(request, "archives/zero_windows.html", {"rows": rows, "form": form, "expected": expected})


@require_perm("archives.view_zero_reports")
def zero_window_create(request: HttpRequest) -> HttpResponse:
    form = ReportingWindowForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            window = service.open_window(by=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Reporting window “%(title)s” created.") % {"title": window.title})
            return redirect("archives:zero_window_detail", pk=window.pk)
        return render(request, "archives/zero_window_form.html", {"form": form}, status=400)
    return render(request, "archives/zero_window_form.html", {"form": form})


@require_perm("archives.view_zero_reports")
def zero_window_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every class: filed (with incidents) or not yet. Reading the reports is audited."""
    window = get_object_or_404(ReportingWindow, pk=pk)
    record(request.user, AuditAction.VIEW, window, request=request, detail="zero reports")
    status = service.class_status(window)
    missing = [c for c, report in status if report is None]
    incidents = [(c, r) for c, r in status if r is not None and not r.nothing_to_report]
    context = {
        "window": window,
        "status": status,
        "missing": missing,
        "incidents": incidents,
        "filed_count": len(status) - len(missing),
    }
    return render(request, "archives/zero_window_detail.html", context)
