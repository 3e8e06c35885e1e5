"""Required reports: organisers set them, see who is missing and remind them; files behind a permission check."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaigns.forms import ReportForm
from campaigns.models import RequiredReport
from campaigns.services import access, files
from campaigns.services import reports as report_service
from campaigns.views.common import add_errors
from counseling.decorators import require_any_perm, require_perm


def _save(request: HttpRequest, form: ReportForm) -> bool:
    try:
        report_service.save_report(form.instance, by=request.user, request=request)
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@require_perm("campaigns.manage_campaigns")
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    form = ReportForm(request.POST or None, instance=RequiredReport(campaign=campaign))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Required report added."))
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/report_form.html", {"form": form, "campaign": campaign, "report": None})


@require_perm("campaigns.manage_campaigns")
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_editable_report(request.user, pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        if _save(request, form):
            messages.success(request, _("Required report saved."))
            return redirect("campaigns:report", report.pk)
        report.refresh_from_db()
    return render(request, "campaigns/report_form.html", {"form": form, "campaign": report.campaign, "report": report})


@require_perm("campaigns.manage_campaigns")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Received reports and the classes still missing, with their class teachers."""
    report = access.get_report_for(request.user, pk)
    submissions = report.submissions.select_related("school_class__grade", "submitted_by")
    context = {
        "report": report,
        "campaign": report.campaign,
        "submissions": list(submissions),
        "missing": list(report_service.missing_classes(report)),
        "is_organiser": access.is_organiser(request.user, report.campaign),
        "now": timezone.now(),
    }
    return render(request, "campaigns/report_detail.html", context)


@require_perm("campaigns.manage_campaigns")
@require_POST
def report_remind(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_editable_report(request.user, pk)
    sent = report_service.remind_missing(report)
    if sent:
        messages.success(
            request,
            ngettext("Reminder sent to %(count)d class teacher.", "Reminders sent to %(count)d class teachers.", sent)
            % {"count": sent},
        )
    else:
        messages.info(request, _("Nobody new to remind today."))
    return redirect("campaigns:report", report.pk)


@require_any_perm("campaigns.manage_campaigns", "campaigns.submit_entry")
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        access.report_submissions_visible_to(request.user).select_related("school_class__grade"), pk=pk
    )
    return files.file_response(submission, prefix=str(submission.school_class))
