"""Class teachers: what their classes owe (contest entries, required reports) and handing it in."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.enums import CampaignStatus
from campaigns.forms import EntryForm, ReportSubmitForm
from campaigns.models import Campaign, Contest, ContestAward, Entry, ReportSubmission, RequiredReport
from campaigns.services import access, files
from campaigns.services import contests as contest_service
from campaigns.services import reports as report_service
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_perm

# Contests and reports of campaigns that ended longer ago than this drop off the class page.
RECENT = datetime.timedelta(days=60)


def _eligible_classes(user, campaign: Campaign):
    classes = access.own_classes(user)
    grade_ids = [grade.pk for grade in campaign.grades.all()]
    return classes.filter(grade_id__in=grade_ids) if grade_ids else classes


def _open_campaigns(today: datetime.date):
    return Campaign.objects.public().filter(end_date__gte=today - RECENT)


@require_perm("campaigns.submit_entry")
def class_work(request: HttpRequest) -> HttpResponse:
    """Per own class: contests to enter and reports to hand in, what was handed in, and results."""
    user = request.user
    today, now = timezone.localdate(), timezone.now()
    classes = list(access.own_classes(user))
    class_ids = [school_class.pk for school_class in classes]
    grade_ids = {school_class.grade_id for school_class in classes}
    for_my_grades = Q(campaign__grades=None) | Q(campaign__grades__in=grade_ids)
    campaigns = _open_campaigns(today)
    contests = (
        list(
            Contest.objects.filter(campaign__in=campaigns)
            .filter(for_my_grades)
            .distinct()
            .select_related("campaign")
            .order_by("deadline")
        )
        if classes
        else []
    )
    reports = (
        list(
            RequiredReport.objects.filter(campaign__in=campaigns)
            .filter(for_my_grades)
            .distinct()
            .select_related("campaign")
            .order_by("deadline")
        )
        if classes
        else []
    )
    entries = Entry.objects.filter(contest__in=contests, school_class_id__in=class_ids).select_related(
        "school_class__grade"
    )
    awards = ContestAward.objects.filter(contest__in=contests, school_class_id__in=class_ids).select_related(
        "school_class__grade"
    )
    submissions = ReportSubmission.objects.filter(report__in=reports, school_class_id__in=class_ids).select_related(
        "school_class__grade"
    )
    for contest in contests:
        contest.my_entries = [entry for entry in entries if entry.contest_id == contest.pk]
        contest.my_awards = [award for award in awards if award.contest_id == contest.pk]
        contest.problem = contest_service.submission_problem(contest, now)
    for report in reports:
        report.my_submissions = [item for item in submissions if item.report_id == report.pk]
        report.is_open = report.campaign.status != CampaignStatus.SUMMARISED
        report.before_deadline = now <= report.deadline
    context = {"classes": classes, "contests": contests, "reports": reports, "now": now}
    return render(request, "campaigns/class_work.html", context)


@require_perm("campaigns.submit_entry")
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = access.get_contest_for(request.user, pk)
    classes = _eligible_classes(request.user, contest.campaign)
    accepted = files.CONTEST_TYPES[contest.kind]
    form = EntryForm(request.POST or None, request.FILES or None, classes=classes, accepted=accepted)
    problem = contest_service.submission_problem(contest, timezone.now())
    if request.method == "POST" and problem:
        messages.error(request, problem)
    elif request.method == "POST" and form.is_valid():
        try:
            contest_service.submit_entry(
                contest,
                school_class=form.cleaned_data["school_class"],
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Entry handed in."))
            return redirect("campaigns:class_work")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/entry_submit.html",
        {"contest": contest, "form": form, "problem": problem, "has_classes": classes.exists()},
        status=status,
    )


def _withdraw(request: HttpRequest, handed_in, pk: int, withdraw, done: str) -> HttpResponse:
    """Withdraw one thing a class handed in; only the class's own teacher reaches it (else 404)."""
    item = get_object_or_404(handed_in.filter(school_class__class_teacher=request.user), pk=pk)
    try:
        withdraw(item, by=request.user)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("campaigns:class_work")


@require_perm("campaigns.submit_entry")
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entries = Entry.objects.select_related("contest__campaign", "school_class")
    return _withdraw(request, entries, pk, contest_service.withdraw_entry, _("Entry withdrawn."))


@require_perm("campaigns.submit_entry")
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_report_for(request.user, pk)
    classes = _eligible_classes(request.user, report.campaign)
    form = ReportSubmitForm(request.POST or None, request.FILES or None, classes=classes)
    if request.method == "POST" and form.is_valid():
        try:
            report_service.submit_report(
                report,
                school_class=form.cleaned_data["school_class"],
                by=request.user,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Report handed in."))
            return redirect("campaigns:class_work")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "campaigns/report_submit.html",
        {"report": report, "form": form, "has_classes": classes.exists(), "late": timezone.now() > report.deadline},
        status=status,
    )


@require_perm("campaigns.submit_entry")
@require_POST
def report_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    submissions = ReportSubmission.objects.select_related("report", "school_class")
    return _withdraw(request, submissions, pk, report_service.withdraw_report, _("Report withdrawn."))
