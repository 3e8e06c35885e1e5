"""Contests: organisers set them up and publish results; judges score; entry files behind a permission check."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import ContestForm, ScoreForm
from campaigns.models import Contest, Score
from campaigns.services import access, files
from campaigns.services import contests as contest_service
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_any_perm, require_perm
from counseling.models import SchoolClass


def _save(request: HttpRequest, form: ContestForm) -> bool:
    try:
        contest_service.save_contest(
            form.instance,
            by=request.user,
            judges=form.cleaned_data["judges"],
            criteria=form.cleaned_data["criteria"],
            request=request,
        )
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@require_perm("campaigns.manage_campaigns")
def contest_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    form = ContestForm(request.POST or None, instance=Contest(campaign=campaign))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Contest added."))
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/contest_form.html", {"form": form, "campaign": campaign, "contest": None})


@require_perm("campaigns.manage_campaigns")
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = access.get_editable_contest(request.user, pk)
    form = ContestForm(request.POST or None, instance=contest)
    if request.method == "POST" and form.is_valid():
        if _save(request, form):
            messages.success(request, _("Contest saved."))
            return redirect("campaigns:contest", contest.pk)
        contest.refresh_from_db()
    return render(
        request, "campaigns/contest_form.html", {"form": form, "campaign": contest.campaign, "contest": contest}
    )


@require_any_perm("campaigns.manage_campaigns", "campaigns.judge")
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Entries with their scores, judging progress, and the ranking (preview, or the published awards)."""
    user = request.user
    contest = access.get_contest_for(user, pk)
    judges = list(contest.judges.order_by("name"))
    is_judge = any(judge.pk == user.pk for judge in judges)
    office = user.has_perm("campaigns.manage_campaigns")
    if not (office or is_judge):
        raise PermissionDenied
    entries = list(contest_service.scored_entries(contest))
    for entry in entries:
        entry.score = contest_service.entry_score(entry.total, entry.judge_count)
    mine = dict(
        Score.objects.filter(entry__contest=contest, judge=user)
        .values("entry_id")
        .annotate(total=Sum("points"))
        .values_list("entry_id", "total")
    )
    progress = dict(
        Score.objects.filter(entry__contest=contest)
        .values("judge_id")
        .annotate(entries=Count("entry", distinct=True))
        .values_list("judge_id", "entries")
    )
    published = contest.results_published_at is not None
    context = {
        "contest": contest,
        "campaign": contest.campaign,
        "criteria": list(contest.criteria.all()),
        "judges": [(judge, progress.get(judge.pk, 0)) for judge in judges],
        "entries": entries,
        "my_scores": mine,
        "is_judge": is_judge,
        "is_organiser": access.is_organiser(user, contest.campaign),
        "judging_open": timezone.now() > contest.deadline and not published,
        "awards": list(contest.awards.select_related("school_class__grade")) if published else [],
        "preview": [] if published else _preview_rows(contest),
    }
    return render(request, "campaigns/contest_detail.html", context)


def _preview_rows(contest: Contest) -> list:
    placings = contest_service.preview(contest)
    classes = SchoolClass.objects.in_bulk([placing.class_id for placing in placings])
    return [(placing, classes.get(placing.class_id)) for placing in placings]


@require_perm("campaigns.judge")
def entry_score(request: HttpRequest, pk: int) -> HttpResponse:
    """A judge scores one entry against each criterion."""
    entry = get_object_or_404(
        access.entries_visible_to(request.user).select_related("contest__campaign", "school_class__grade"), pk=pk
    )
    contest = entry.contest
    if not contest.judges.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    criteria = list(contest.criteria.all())
    current = dict(Score.objects.filter(entry=entry, judge=request.user).values_list("criterion_id", "points"))
    problem = contest_service.scoring_problem(contest, request.user, timezone.now())
    form = ScoreForm(request.POST or None, criteria=criteria, initial_points=current)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            contest_service.save_scores(entry, judge=request.user, points=form.points())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Scores saved for “%(entry)s”.") % {"entry": entry.title})
            following = contest.entries.exclude(scores__judge=request.user).exclude(pk=entry.pk).order_by("pk").first()
            if following:
                return redirect("campaigns:entry_score", following.pk)
            return redirect("campaigns:contest", contest.pk)
    elif request.method == "POST" and problem:
        messages.error(request, problem)
    return render(
        request,
        "campaigns/entry_score.html",
        {"entry": entry, "contest": contest, "form": form, "problem": problem},
    )


@require_perm("campaigns.manage_campaigns")
@require_POST
def contest_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    contest = access.get_editable_contest(request.user, pk)
    try:
        contest_service.finalise(contest, by=request.user, request=request)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("Results published: class points are on the leaderboard."))
    return redirect("campaigns:contest", contest.pk)


@require_any_perm("campaigns.manage_campaigns", "campaigns.judge", "campaigns.submit_entry")
def entry_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's file, for the office, the contest's judges and the class's own teacher only."""
    entry = get_object_or_404(access.entries_visible_to(request.user).select_related("school_class__grade"), pk=pk)
    return files.file_response(entry, prefix=str(entry.school_class), inline=request.GET.get("inline") == "1")
