from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.models import Term
from counseling.reports import files as report_files
from counseling.reports import render as outputs
from counseling.reports import services
from counseling.reports.forms import GenerateForm, NarrativeForm
from counseling.reports.layout import find_table, sections
from counseling.reports.models import ReportStatus, SemesterReport


def _report_for(request: HttpRequest, pk: int) -> SemesterReport:
    """The one door to a report: the head sees every version, leaders and administrators published ones."""
    return get_object_or_404(SemesterReport.objects.visible_to(request.user).select_related("term"), pk=pk)


@require_perm("reports.view_reports")
def report_list(request: HttpRequest) -> HttpResponse:
    reports = SemesterReport.objects.visible_to(request.user).select_related("term", "requested_by")
    form = (
        GenerateForm(initial={"term": Term.objects.current()})
        if request.user.has_perm("reports.edit_reports")
        else None
    )
    return render(request, "reports/list.html", {"reports": reports, "form": form})


@require_perm("reports.edit_reports")
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a term to report on."))
        return redirect("reports:list")
    report = services.request_report(form.cleaned_data["term"], request.user)
    return redirect("reports:detail", pk=report.pk)


@require_perm("reports.view_reports")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    context = {"report": report, "sections": sections(report.data) if report.is_ready else []}
    if request.user.has_perm("reports.edit_reports") and report.status == ReportStatus.DRAFT:
        context["narrative_form"] = NarrativeForm(instance=report)
    return render(request, "reports/detail.html", context)


@require_perm("reports.view_reports")
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx while a version is built; tells the page to reload itself when it is ready."""
    report = _report_for(request, pk)
    response = render(request, "reports/_progress.html", {"report": report})
    if not report.in_progress and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_perm("reports.edit_reports")
@require_POST
def report_narrative(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited. Generate a new version to change a published report."))
        return redirect("reports:detail", pk=pk)
    form = NarrativeForm(request.POST, instance=report)
    if form.is_valid():
        services.save_narrative(report, **{k: form.cleaned_data[k] for k in ("highlights", "problems", "next_plan")})
        messages.success(request, _("The narrative is saved."))
        return redirect("reports:detail", pk=pk)
    return render(
        request,
        "reports/detail.html",
        {"report": report, "sections": sections(report.data), "narrative_form": form},
        status=400,
    )


@require_perm("reports.edit_reports")
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if report.status != ReportStatus.DRAFT:
        messages.error(request, _("Only a draft can be published."))
    else:
        services.publish(report, request.user)
        messages.success(request, _("Published: leaders and administrators can now read and print it."))
    return redirect("reports:detail", pk=pk)


def _ready(request: HttpRequest, pk: int) -> SemesterReport:
    report = _report_for(request, pk)
    if not report.is_ready:
        raise Http404
    return report


def _file_response(report: SemesterReport, kind: str) -> FileResponse:
    """The version's stored file, streamed (rendered and stored first if no one has yet)."""
    handle, length = report_files.open_file(report, kind)
    response = FileResponse(
        handle,
        content_type=report_files.content_type(kind),
        as_attachment=True,
        filename=f"semester-report-{report.term.school_year}-{report.term.semester}-v{report.version}.{kind}",
    )
    if length is not None:
        response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    return response


@require_perm("reports.view_reports")
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_response(_ready(request, pk), "pdf")


@require_perm("reports.view_reports")
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _file_response(_ready(request, pk), "xlsx")


# pygal's SVG carries its own <style> element; it is served as an image, which runs no script.
@csp_update({"style-src": [UNSAFE_INLINE]})
@require_perm("reports.view_reports")
def report_chart(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    report = _ready(request, pk)
    table = find_table(report.data, key)
    if table is None or not table.chart:
        raise Http404
    return HttpResponse(outputs.chart_svg(table), content_type="image/svg+xml")
