"""Students answering surveys: the list of their own surveys, the survey itself, the thank-you page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from archives import access
from archives.forms import AnswerForm
from archives.models import Invitation, ScreeningStatus
from archives.services import screenings
from archives.services.participation import Participation, may_take_part
from counseling.decorators import require_perm

LAST_SUBMISSION = "archives:last_submission"


def _invitation(request: HttpRequest, screening_id: int) -> Invitation | None:
    """The signed-in student's own invitation to a published screening, or None."""
    return (
        Invitation.objects.select_related("screening")
        .filter(student=request.user, screening_id=screening_id, screening__status=ScreeningStatus.PUBLISHED)
        .first()
    )


def help_lines() -> list[tuple[str, str]]:
    """The numbers of the help block (templates/partials/help_block.html): ``settings.HELP_LINES``
    ("label=number") as (label, number) pairs."""
    pairs = (line.rpartition("=") for line in settings.HELP_LINES)
    return [(label.strip(), number.strip()) for label, sep, number in pairs if sep and number.strip()]


def _unavailable(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "archives/survey_unavailable.html", {"message": message}, status=status)


@require_perm("archives.answer_survey")
def my_surveys(request: HttpRequest) -> HttpResponse:
    """The student's surveys: open ones to answer, and those already answered."""
    now = timezone.now()
    invitations = list(
        Invitation.objects.filter(
            student=request.user, screening__status=ScreeningStatus.PUBLISHED, screening__opens_at__lte=now
        )
        .select_related("screening")
        .order_by("-screening__opens_at")[:50]
    )
    participation = Participation(request.user)
    for invitation in invitations:
        invitation.may_take_part = invitation.is_submitted or participation.may_take_part(invitation.screening)
    return render(request, "archives/my_surveys.html", {"invitations": invitations, "now": now})


@require_perm("archives.answer_survey")
def survey(request: HttpRequest, screening_id: int) -> HttpResponse:
    """Answer a survey on a phone: save and continue later, or submit once every question is answered."""
    invitation = _invitation(request, screening_id)
    if invitation is None:
        # Not published, not meant for this student, or no such survey: the same answer for all.
        return _unavailable(request, _("This survey is not meant for you, or it does not exist."), 404)
    screening = invitation.screening
    if invitation.is_submitted:
        if request.method == "POST":
            messages.info(request, _("You have already submitted this survey. Thank you!"))
        return redirect("archives:survey_done", screening_id=screening.pk)
    now = timezone.now()
    if now < screening.opens_at:
        return _unavailable(
            request,
            _("This survey opens on %(time)s.") % {"time": _when(screening.opens_at)},
            200 if request.method == "GET" else 400,
        )
    if not screening.is_open(now):
        return _unavailable(
            request,
            _("This survey closed on %(time)s; answers can no longer be given.") % {"time": _when(screening.closes_at)},
            200 if request.method == "GET" else 400,
        )
    if not may_take_part(request.user, screening):
        return _unavailable(request, screenings.consent_message(), 200 if request.method == "GET" else 400)
    parts = screenings.parts_of(screening)
    status = 200
    if request.method == "POST":
        answers = screenings.answers_from_post(parts, request.POST)
        action = request.POST.get("action")
        try:
            if action == "save":
                count = screenings.save_draft(invitation, answers)
                messages.success(
                    request,
                    _("Your answers are saved (%(count)d so far). You can continue any time before %(time)s.")
                    % {"count": count, "time": _when(screening.closes_at)},
                )
                return redirect("archives:survey", screening_id=screening.pk)
            if action == "submit":
                outcome = screenings.submit(invitation, answers, request=request)
                request.session[LAST_SUBMISSION] = outcome.submission.pk
                return redirect("archives:survey_done", screening_id=screening.pk)
            messages.error(request, _("Choose “Save and continue later” or “Submit”."))
            status = 400
        except screenings.IncompleteAnswersError as exc:
            messages.error(request, str(exc))
            form = AnswerForm(parts, request.POST)
            for part_id, (missing, invalid) in exc.problems.items():
                part = next(p for p in parts if p.pk == part_id)
                for item_id in missing:
                    form.add_error(screenings.field_name(part, item_id), _("Please answer this question."))
                for item_id in invalid:
                    form.add_error(screenings.field_name(part, item_id), _("Choose one of the answers shown."))
            context = _context(screening, form, invitation, critical=exc.critical)
            return render(request, "archives/survey.html", context, status=400)
        except screenings.AlreadySubmittedError as exc:
            messages.info(request, str(exc))
            return redirect("archives:survey_done", screening_id=screening.pk)
        except screenings.SurveyError as exc:
            return _unavailable(request, str(exc), 400)
        form = AnswerForm(parts, request.POST)
    else:
        draft = invitation.draft_answers()
        initial = {
            screenings.field_name(part, item_id): str(value)
            for part in parts
            for item_id, value in (draft.get(part.instrument.code) or {}).items()
        }
        form = AnswerForm(parts, initial=initial)
    # A saved draft that answers a critical item shows the help block until the survey is submitted.
    critical = screenings.draft_is_critical(invitation, parts)
    return render(
        request, "archives/survey.html", _context(screening, form, invitation, critical=critical), status=status
    )


def _context(screening, form, invitation, *, critical: bool = False) -> dict:
    return {
        "screening": screening,
        "form": form,
        "groups": form.grouped_fields(),
        "invitation": invitation,
        "question_count": len(form.fields),
        "critical": critical,
        "help_lines": help_lines(),
    }


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@require_perm("archives.answer_survey")
def survey_done(request: HttpRequest, screening_id: int) -> HttpResponse:
    """Thank the student. Band labels only when the screening allows it; otherwise encouragement.

    A submission that answered a critical item shows the help block first and no band for that
    instrument: a "minimal" band next to thoughts of self-harm would tell the student all is well.
    """
    invitation = _invitation(request, screening_id)
    if invitation is None or not invitation.is_submitted:
        return _unavailable(request, _("This survey is not meant for you, or it does not exist."), 404)
    screening = invitation.screening
    rows = list(
        access.own_results_for(
            request.user, screening, last_submission_id=request.session.get(LAST_SUBMISSION)
        ).select_related("instrument")
    )
    critical = any(r.is_critical for r in rows)
    results = [r for r in rows if r.band and not r.is_critical] if screening.show_bands else []
    context = {"screening": screening, "results": results, "critical": critical, "help_lines": help_lines()}
    return render(request, "archives/survey_done.html", context)
