"""Screenings: creating and publishing them, answering (online or on paper), scoring on submit,
completion figures and reminders for non-responders."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from archives.models import (
    Instrument,
    Invitation,
    InvitationStatus,
    Result,
    Screening,
    ScreeningInstrument,
    ScreeningStatus,
    Submission,
    SubmissionSource,
    TargetScope,
)
from archives.texts import localized
from counseling import prepared
from counseling.models import Grade, SchoolClass, StudentProfile, Term
from counseling.models.audit import AuditAction
from counseling.services.audit import record
from counseling.services.consent import opted_out_students
from counseling.services.district_screening import DistrictScreening
from counseling.services.messages import Msg
from counseling.services.notify import notify

from . import scoring, signals
from .participation import Participation, may_take_part
from .warnings import evaluate


class SurveyError(Exception):
    """A request about a survey that cannot be carried out; the message is for the user."""


class AlreadySubmittedError(SurveyError):
    pass


class WindowClosedError(SurveyError):
    pass


class ConsentRequiredError(SurveyError):
    """The guardian-consent rule keeps this student out of this screening."""


class IncompleteAnswersError(SurveyError):
    """Some required items are unanswered or have an answer outside their options.

    ``problems`` maps each ScreeningInstrument id to (missing item ids, invalid item ids);
    ``critical`` says that the answers given include a critical one (the office was told).
    """

    def __init__(
        self, message: str, problems: dict[int, tuple[list[str], list[str]]], *, critical: bool = False
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.critical = critical


# Creating and publishing ---------------------------------------------------------------------


def save_screening(
    screening: Screening,
    *,
    by,
    grades: Iterable = (),
    classes: Iterable = (),
    parts: list[tuple[Instrument, str]],
    request: HttpRequest | None = None,
) -> Screening:
    """Save a draft screening with its target and its instruments (with their warning bands).

    Side effects, in one transaction: the screening row, its grades/classes, its instrument rows
    (replaced), an audit entry. Published screenings cannot be changed (SurveyError).
    """
    if screening.pk and screening.status != ScreeningStatus.DRAFT:
        raise SurveyError(_("A published screening cannot be changed."))
    with transaction.atomic():
        created = screening.pk is None
        if created:
            screening.created_by = by
            screening.term = screening.term or Term.objects.current()
        screening.save()
        screening.grades.set(grades if screening.scope == TargetScope.GRADES else [])
        screening.classes.set(classes if screening.scope == TargetScope.CLASSES else [])
        screening.parts.all().delete()
        ScreeningInstrument.objects.bulk_create(
            ScreeningInstrument(screening=screening, instrument=instrument, order=index, warn_band=warn_band or "")
            for index, (instrument, warn_band) in enumerate(parts)
        )
        record(by, AuditAction.CREATE if created else AuditAction.CHANGE, screening, request=request)
    return screening


def start_district_screening(template: DistrictScreening, *, by, request: HttpRequest | None = None) -> Screening:
    """This school's draft screening made from the district's ``template`` (the same one if it exists).

    The draft takes the template's title, instrument, grades (by level) and suggested window (whole
    days, local time); the head counselor then sets the school's own window and publishes it as
    any screening. Side effects: the draft, its grades and instrument row, an audit entry
    (``save_screening``). SurveyError when this school's library lacks the instrument.
    """
    existing = Screening.objects.filter(district_template=template.id).first()
    if existing is not None:
        return existing
    instrument = Instrument.objects.active().filter(code=template.instrument_code).first()
    if instrument is None:
        raise SurveyError(_("This school's instrument library does not have the instrument of this district screening."))
    tz = timezone.get_current_timezone()
    screening = Screening(
        title=template.title,
        scope=TargetScope.GRADES,
        opens_at=datetime.datetime.combine(template.opens_on, datetime.time(8, 0), tzinfo=tz),
        closes_at=datetime.datetime.combine(template.closes_on, datetime.time(23, 59), tzinfo=tz),
        district_template=template.id,
    )
    try:
        with transaction.atomic():
            return save_screening(
                screening,
                by=by,
                grades=Grade.objects.filter(level__in=template.grade_levels),
                parts=[(instrument, "")],
                request=request,
            )
    except IntegrityError:
        # Someone started it at the same moment: theirs is the one.
        return Screening.objects.get(district_template=template.id)


def targeted_profiles(screening: Screening) -> QuerySet[StudentProfile]:
    """Active students in the active classes the screening is meant for."""
    profiles = StudentProfile.objects.active().filter(school_class__is_archived=False)
    if screening.scope == TargetScope.GRADES:
        profiles = profiles.filter(school_class__grade__in=screening.grades.all())
    elif screening.scope == TargetScope.CLASSES:
        profiles = profiles.filter(school_class__in=screening.classes.all())
    return profiles


def age_mismatches(screening: Screening) -> list[tuple[Instrument, int]]:
    """For each instrument with an age range, how many targeted students fall outside it today."""
    today = timezone.localdate()
    out = []
    for part in screening.parts.select_related("instrument"):
        instrument = part.instrument
        if instrument.min_age is None and instrument.max_age is None:
            continue
        outside = Q()
        if instrument.min_age is not None:
            # Younger than min_age: born after today minus min_age years.
            outside |= Q(date_of_birth__gt=_years_before(today, instrument.min_age))
        if instrument.max_age is not None:
            outside |= Q(date_of_birth__lte=_years_before(today, instrument.max_age + 1))
        count = targeted_profiles(screening).filter(outside).count()
        if count:
            out.append((instrument, count))
    return out


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def publish(screening: Screening, *, by, request: HttpRequest | None = None) -> int:
    """Publish a draft: invite every targeted student. Returns the number invited.

    Side effects, in one transaction: the status (claimed with a conditional update, so two
    clicks publish once), one Invitation per targeted student (class copied), an audit entry.
    Students see the survey on their home page once it opens; reminders go out later (tasks).
    """
    if not screening.parts.exists():
        raise SurveyError(_("Add at least one instrument before publishing."))
    if screening.closes_at <= timezone.now():
        raise SurveyError(_("The window has already closed; choose a later closing time."))
    profiles = list(targeted_profiles(screening).values_list("user_id", "school_class_id"))
    if not profiles:
        raise SurveyError(_("No student is targeted: choose grades or classes that have students."))
    with transaction.atomic():
        claimed = Screening.objects.filter(pk=screening.pk, status=ScreeningStatus.DRAFT).update(
            status=ScreeningStatus.PUBLISHED, published_at=timezone.now()
        )
        if not claimed:
            raise SurveyError(_("This screening has already been published."))
        Invitation.objects.bulk_create(
            [
                Invitation(screening=screening, student_id=user_id, school_class_id=class_id)
                for user_id, class_id in profiles
            ],
            batch_size=1000,
        )
        record(by, AuditAction.CHANGE, screening, request=request, detail=f"published; invited={len(profiles)}")
    screening.refresh_from_db()
    return len(profiles)


def close_now(screening: Screening, *, by, request: HttpRequest | None = None) -> None:
    """End an open window early. Side effects: the closing time; an audit entry."""
    now = timezone.now()
    if not screening.is_open(now):
        raise SurveyError(_("This screening is not open."))
    # The window must stay longer than zero (check constraint), hence the max().
    screening.closes_at = max(now, screening.opens_at + datetime.timedelta(seconds=1))
    screening.save(update_fields=["closes_at"])
    record(by, AuditAction.CHANGE, screening, request=request, detail="closed early")


def delete_draft(screening: Screening, *, by, request: HttpRequest | None = None) -> None:
    if screening.status != ScreeningStatus.DRAFT:
        raise SurveyError(_("A published screening cannot be deleted."))
    with transaction.atomic():
        record(by, AuditAction.DELETE, screening, request=request)
        screening.delete()


# Answering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingSurvey:
    """One survey a student has still to answer, as the home page lists it."""

    screening_id: int
    title: str
    closes_at: datetime.datetime
    draft_saved_at: datetime.datetime | None


def pending_for(student, now: datetime.datetime | None = None, limit: int = 20) -> list[PendingSurvey]:
    """The student's unanswered invitations to screenings open now that they may take part in
    (guardian consent, see services.participation): one query, plus at most two for the rule.

    For the home page's list: each row carries the screening's id, title and closing time and the
    draft's time, read as values (it is on every student's home page).
    """
    now = now or timezone.now()
    rows = prepared.rows(
        "archives.pending_for",
        lambda student, now: Invitation.objects.filter(
            student=student,
            status=InvitationStatus.PENDING,
            screening__status=ScreeningStatus.PUBLISHED,
            screening__opens_at__lte=now,
            screening__closes_at__gt=now,
        )
        .order_by("screening__closes_at")
        .values_list(
            "screening_id", "screening__title", "screening__closes_at", "draft_saved_at", "screening__is_anonymous"
        )[:limit],
        shape=(limit,),
        student=student,
        now=now,
    )
    if not rows:
        return []
    participation = Participation(student, timezone.localdate(now))
    # The rule reads only whether a screening is anonymous: one unsaved screening for each kind.
    kinds = {True: Screening(is_anonymous=True), False: Screening(is_anonymous=False)}
    return [
        PendingSurvey(screening_id, title, closes_at, draft_saved_at)
        for screening_id, title, closes_at, draft_saved_at, anonymous in rows
        if participation.may_take_part(kinds[anonymous])
    ]


def consent_message() -> str:
    return _(
        "You can take part in this survey once your guardian's consent is on record. Your class teacher can tell you more."
    )


def parts_of(screening: Screening) -> list[ScreeningInstrument]:
    return list(screening.parts.select_related("instrument"))


def field_name(part: ScreeningInstrument, item_id: str) -> str:
    """The form field name of one item: q<part id>_<item id> (split on the first underscore)."""
    return f"q{part.pk}_{item_id}"


def answers_from_post(parts: list[ScreeningInstrument], data) -> dict[str, dict[str, str]]:
    """{instrument code: {item id: raw value}} from a posted form."""
    return {
        part.instrument.code: {
            item["id"]: data.get(field_name(part, item["id"]))
            for item in part.instrument.items
            if data.get(field_name(part, item["id"])) not in (None, "")
        }
        for part in parts
    }


def check_all(parts: list[ScreeningInstrument], answers: dict[str, dict]) -> tuple[dict, dict]:
    """Check each instrument's answers: ({code: clean answers}, {part id: (missing, invalid)})."""
    clean, problems = {}, {}
    for part in parts:
        check = scoring.check_answers(part.instrument.definition, answers.get(part.instrument.code) or {})
        clean[part.instrument.code] = check.clean
        if not check.complete:
            problems[part.pk] = (check.missing, check.invalid)
    return clean, problems


def describe_problems(parts: list[ScreeningInstrument], problems: dict) -> str:
    """One message naming every unanswered or invalid item, by instrument and question number."""
    pieces = []
    for part in parts:
        if part.pk not in problems:
            continue
        missing, invalid = problems[part.pk]
        numbers = {item["id"]: index for index, item in enumerate(part.instrument.items, start=1)}
        listed = pgettext("between numbers", ", ").join(
            str(numbers[item_id]) for item_id in sorted(missing + invalid, key=numbers.get)
        )
        pieces.append(
            _("%(instrument)s: question %(numbers)s") % {"instrument": part.instrument.short_name, "numbers": listed}
        )
    return _("Please answer every question before submitting. Still to answer: %(list)s.") % {
        "list": pgettext("between groups", "; ").join(pieces)
    }


def save_draft(invitation: Invitation, answers: dict[str, dict]) -> int:
    """Keep the student's answers so far (valid ones only) to continue later; returns how many.

    Side effects, in one transaction: the invitation's encrypted draft and its time; when a
    critical item is answered, a risk signal (see ``signals.signal_critical_answer``: a crisis for
    a named screening, an unnamed urgent signal for an anonymous one). Refused once submitted or
    when the window is closed.
    """
    screening = invitation.screening
    if invitation.is_submitted:
        raise AlreadySubmittedError(_("You have already submitted this survey. Thank you!"))
    if not screening.is_open():
        raise WindowClosedError(_("This survey is closed; answers can no longer be saved."))
    if not may_take_part(invitation.student, screening):
        raise ConsentRequiredError(consent_message())
    parts = parts_of(screening)
    clean, _problems = check_all(parts, answers)
    with transaction.atomic():
        kept = _store_draft(invitation, clean)
        if kept is None:
            raise AlreadySubmittedError(_("You have already submitted this survey. Thank you!"))
        if signals.critical_answered(parts, kept):
            signals.signal_critical_answer(invitation)
    return sum(len(values) for values in kept.values())


def _store_draft(invitation: Invitation, clean: dict[str, dict]) -> dict[str, dict] | None:
    """Store the answered part of ``clean`` as the pending invitation's draft; return what was kept,
    or None when the invitation was submitted meanwhile (a conditional update)."""
    kept = {code: values for code, values in clean.items() if values}
    updated = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        draft=json.dumps(kept, ensure_ascii=False) if kept else "", draft_saved_at=timezone.now()
    )
    return kept if updated else None


def draft_is_critical(invitation: Invitation, parts: list[ScreeningInstrument]) -> bool:
    """True when the saved draft answers a critical item (the survey page then shows the help block)."""
    return signals.critical_answered(parts, invitation.draft_answers())


@dataclass
class Outcome:
    submission: Submission
    results: list[Result]
    warning: object | None


def submit(
    invitation: Invitation,
    answers: dict[str, dict],
    *,
    source: SubmissionSource = SubmissionSource.ONLINE,
    entered_by=None,
    request: HttpRequest | None = None,
) -> Outcome:
    """Submit a complete set of answers for an invitation and score it at once.

    Online answers are accepted only while the window is open; a counselor may record a paper
    answer sheet from the opening time on, also after the window closed (sheets come in late).
    Raises IncompleteAnswersError (naming every missing item), WindowClosedError,
    ConsentRequiredError (the guardian-consent rule keeps the student out) or
    AlreadySubmittedError; in each case nothing is submitted. One exception to "nothing happens":
    answers refused for missing items that answer a critical item are acted on at once (see
    ``_act_on_critical_answers``) and the error says so (``critical``).

    Side effects, in one transaction: the invitation is claimed (pending -> submitted, a
    conditional update, so a double click or a second tab stores nothing twice) and its draft
    cleared; the Submission (no student for anonymous screenings) with encrypted answers; one
    Result per instrument; for named screenings a warning when a total reaches the warning band
    or a critical item is answered (see services.warnings.evaluate: notification); a risk signal
    for a critical item or a total in an instrument's top band (see
    services.signals.signal_submission: a critical item starts the crisis path); for paper
    sheets an audit entry.
    """
    screening = invitation.screening
    now = timezone.now()
    if invitation.is_submitted:
        raise AlreadySubmittedError(_("This survey has already been submitted. Thank you!"))
    if source == SubmissionSource.ONLINE and not screening.is_open(now):
        raise WindowClosedError(_("This survey is closed; answers can no longer be submitted."))
    if source == SubmissionSource.PAPER and not (screening.is_published and screening.opens_at <= now):
        raise WindowClosedError(_("Paper answer sheets can be recorded once the screening has opened."))
    if not may_take_part(invitation.student, screening, timezone.localdate(now)):
        raise ConsentRequiredError(consent_message())
    parts = parts_of(screening)
    clean, problems = check_all(parts, answers)
    if problems:
        critical = signals.critical_answered(parts, clean)
        if critical:
            _act_on_critical_answers(invitation, clean, source=source, entered_by=entered_by, request=request)
        raise IncompleteAnswersError(describe_problems(parts, problems), problems, critical=critical)

    try:
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
                status=InvitationStatus.SUBMITTED, submitted_at=now, draft="", draft_saved_at=None
            )
            if not claimed:
                raise AlreadySubmittedError(_("This survey has already been submitted. Thank you!"))
            student = None if screening.is_anonymous else invitation.student
            submission = Submission.objects.create(
                screening=screening,
                student=student,
                school_class_id=invitation.school_class_id,
                submitted_at=now,
                source=source,
                entered_by=entered_by,
                answers=json.dumps(clean, ensure_ascii=False),
            )
            results = [score_part(part, clean[part.instrument.code], submission) for part in parts]
            Result.objects.bulk_create(results)
            scored = list(zip(parts, results, strict=True))
            warning = evaluate(submission, scored) if student else None
            signals.signal_submission(
                invitation,
                submission,
                scored,
                warning=warning,
                raised_by=entered_by,
                request=request if entered_by is not None else None,
            )
            if source == SubmissionSource.PAPER:
                record(
                    entered_by,
                    AuditAction.CREATE,
                    submission,
                    request=request,
                    student_id=student.pk if student else None,
                    detail="paper answer sheet",
                )
    except IntegrityError as exc:
        # The unique constraint caught a concurrent second submission the claim did not see.
        raise AlreadySubmittedError(_("This survey has already been submitted. Thank you!")) from exc
    invitation.status = InvitationStatus.SUBMITTED
    invitation.submitted_at = now
    return Outcome(submission, results, warning)


def _act_on_critical_answers(
    invitation: Invitation,
    clean: dict[str, dict],
    *,
    source: SubmissionSource,
    entered_by,
    request: HttpRequest | None,
) -> None:
    """A submission refused for missing items answers a critical item: it must not wait for the rest.

    Side effects, in one transaction: online, the valid answers are kept as the invitation's draft
    (the critical answer is stored, and the student finds their answers again); the risk signal
    (``signals.signal_critical_answer``). A paper sheet being entered keeps the student's online
    draft as it was: the sheet is in the counselor's hands.
    """
    with transaction.atomic():
        if source == SubmissionSource.ONLINE:
            _store_draft(invitation, clean)
        signals.signal_critical_answer(
            invitation, raised_by=entered_by, request=request if entered_by is not None else None
        )


def score_part(part: ScreeningInstrument, answers: dict, submission: Submission) -> Result:
    """An unsaved Result: the score of one instrument's answers in ``submission``."""
    outcome = scoring.score(part.instrument.definition, answers)
    return Result(
        submission=submission,
        screening_id=submission.screening_id,
        instrument=part.instrument,
        school_class_id=submission.school_class_id,
        student=submission.student,
        submitted_at=submission.submitted_at,
        total=outcome.total,
        band=outcome.band.code if outcome.band else "",
        band_level=outcome.band.level if outcome.band else None,
        subscales=outcome.subscales,
        critical_items=list(outcome.critical_items),
        is_critical=outcome.is_critical,
    )


# Completion and reminders --------------------------------------------------------------------


def completion_by_class(screening: Screening, classes: Iterable[SchoolClass] | None = None) -> list[dict]:
    """Invited, answered and opted-out counts per class, in one query:
    [{"school_class_id", "invited", "answered", "opted_out"}]."""
    rows = Invitation.objects.filter(screening=screening)
    if classes is not None:
        rows = rows.filter(school_class__in=classes)
    return list(
        rows.values("school_class_id")
        .annotate(
            invited=Count("id"),
            answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)),
            opted_out=Count("id", filter=opted_out_filter()),
        )
        .order_by("school_class_id")
    )


def opted_out_filter() -> Q:
    """Unanswered invitations of students whose guardian opted them out: counted apart, never reminded."""
    return Q(status=InvitationStatus.PENDING, student__in=opted_out_students())


# Reminder stages: the first halfway through the window, the last a day before it closes.
def reminder_stage(screening: Screening, now: datetime.datetime) -> int:
    """How many reminders a non-responder should have had by ``now`` (0, 1 or 2)."""
    if not screening.is_open(now):
        return 0
    window = screening.closes_at - screening.opens_at
    stage = 0
    if now >= screening.opens_at + window / 2:
        stage = 1
    if now >= screening.closes_at - datetime.timedelta(days=1) and window > datetime.timedelta(days=1):
        stage = 2
    return stage


def send_reminders(screening: Screening, now: datetime.datetime | None = None, *, manual: bool = False) -> int:
    """Remind every student who has not answered; returns how many reminders were queued.

    Automatic reminders follow ``reminder_stage``; each invitation is claimed with a conditional
    update (reminders_sent < stage) and the outbox key names the stage, so no reminder repeats
    even when two workers scan at once. Students the guardian-consent rule keeps out are not
    reminded. A manual reminder (a counselor's button) is keyed by the
    day: at most one per student per day. Side effects: invitation counters, outbox messages.
    """
    now = now or timezone.now()
    if not screening.is_open(now):
        return 0
    pending = Invitation.objects.filter(screening=screening, status=InvitationStatus.PENDING)
    if manual:
        stage_key = f"day-{timezone.localdate(now).isoformat()}"
        targets = list(pending.select_related("student"))
    else:
        stage = reminder_stage(screening, now)
        if stage == 0:
            return 0
        ids = list(pending.filter(reminders_sent__lt=stage).values_list("id", flat=True))
        if not ids:
            return 0
        Invitation.objects.filter(id__in=ids, reminders_sent__lt=stage).update(reminders_sent=stage)
        targets = list(Invitation.objects.filter(id__in=ids).select_related("student"))
        stage_key = f"stage-{stage}"
    today = timezone.localdate(now)
    sent = 0
    for invitation in targets:
        if not may_take_part(invitation.student, screening, today):
            continue
        title = Msg(
            gettext_noop("Reminder: please answer “%(title)s” by %(time)s"),
            title=screening.title,
            time=screening.closes_at,
        )
        sent += notify(
            invitation.student,
            key=f"archives:screening:{screening.pk}:remind:{stage_key}:{invitation.student_id}",
            title=title,
            url=reverse("archives:survey", args=[screening.pk]),
        )
    return sent


def instrument_text(part: ScreeningInstrument, key: str) -> str:
    return localized(part.instrument.definition.get(key))
