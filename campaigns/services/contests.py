"""Class contests: entries by class teachers, scores by judges, ranked awards and class points."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from campaigns.enums import Award, CampaignStatus
from campaigns.models import Campaign, Contest, ContestAward, Criterion, Entry, Score
from campaigns.services import files
from counseling.models import SchoolClass, Term
from counseling.models.audit import AuditAction
from counseling.services import audit, notify
from counseling.services.messages import Msg

TWO_PLACES = Decimal("0.01")


def check_deadline(deadline: datetime.datetime, campaign: Campaign) -> None:
    if timezone.localdate(deadline) > campaign.end_date:
        raise ValidationError(
            {
                "deadline": _("The deadline is after the campaign's last day (%(end)s).")
                % {"end": formats.date_format(campaign.end_date, "SHORT_DATE_FORMAT")}
            }
        )


@transaction.atomic
def save_contest(contest: Contest, *, by, judges, criteria: list[tuple[str, int]], request=None) -> Contest:
    """Create or change a contest with its judges and criteria.

    Side effects, in order: checks the deadline; refuses to change criteria once a judge has
    scored, or anything once results are published; saves; replaces criteria (when changed); sets
    judges; audit entry.
    """
    check_deadline(contest.deadline, contest.campaign)
    if contest.pk and contest.results_published_at:
        raise ValidationError(_("The results are published; the contest can no longer be changed."))
    current = list(contest.criteria.values_list("name", "max_points")) if contest.pk else []
    changed = [tuple(item) for item in current] != [tuple(item) for item in criteria]
    if changed and contest.pk and Score.objects.filter(entry__contest=contest).exists():
        raise ValidationError({"criteria": _("Judges have started scoring; the criteria can no longer change.")})
    is_new = contest.pk is None
    contest.save()
    if changed:
        contest.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(contest=contest, name=name, max_points=points, order=index)
            for index, (name, points) in enumerate(criteria)
        )
    contest.judges.set(judges)
    audit.record(by, AuditAction.CREATE if is_new else AuditAction.CHANGE, contest, request=request)
    return contest


def submission_problem(contest: Contest, now: datetime.datetime) -> str | None:
    """Why a class cannot submit to this contest now, or None when it can."""
    campaign = contest.campaign
    if campaign.status == CampaignStatus.DRAFT:
        return _("The campaign is not published yet.")
    if contest.results_published_at or campaign.status == CampaignStatus.SUMMARISED:
        return _("The contest is closed.")
    if now > contest.deadline:
        return _("The deadline (%(deadline)s) has passed.") % {
            "deadline": formats.date_format(timezone.localtime(contest.deadline), "SHORT_DATETIME_FORMAT")
        }
    return None


def class_takes_part(campaign: Campaign, school_class: SchoolClass) -> bool:
    grade_ids = [grade.pk for grade in campaign.grades.all()]
    return not grade_ids or school_class.grade_id in grade_ids


@transaction.atomic
def submit_entry(contest: Contest, *, school_class: SchoolClass, by, title: str, upload: UploadedFile) -> Entry:
    """A class teacher hands in one entry for their own class.

    Side effects, in order: locks the contest row (two uploads at once cannot exceed the limit),
    checks the teacher, the deadline, the class's grade and the number of entries, checks the file
    by content, stores it (MEDIA_ROOT or the bucket) and creates the entry. A refusal stores nothing.
    """
    contest = Contest.objects.select_for_update().select_related("campaign").get(pk=contest.pk)
    if school_class.class_teacher_id != by.pk or school_class.is_archived:
        raise PermissionDenied
    problem = submission_problem(contest, timezone.now())
    if problem:
        raise ValidationError(problem)
    if not class_takes_part(contest.campaign, school_class):
        raise ValidationError(_("This campaign is not for your class's grade."))
    count = Entry.objects.filter(contest=contest, school_class=school_class).count()
    if count >= contest.entries_per_class:
        raise ValidationError(
            ngettext(
                "This contest takes %(limit)d entry per class and your class has handed it in. Withdraw it first to replace it.",
                "This contest takes %(limit)d entries per class and your class has handed them all in. Withdraw one first to replace it.",
                contest.entries_per_class,
            )
            % {"limit": contest.entries_per_class}
        )
    mime = files.check_upload(upload, files.CONTEST_TYPES[contest.kind])
    entry = Entry(contest=contest, school_class=school_class, title=title, submitted_by=by)
    files.attach(entry, upload, mime)
    entry.save()
    return entry


@transaction.atomic
def withdraw_entry(entry: Entry, *, by) -> None:
    """The class teacher takes an entry back before the deadline. Side effects: row deleted, file removed after commit."""
    if entry.school_class.class_teacher_id != by.pk:
        raise PermissionDenied
    problem = submission_problem(entry.contest, timezone.now())
    if problem:
        raise ValidationError(problem)
    files.delete_after_commit(entry)
    entry.delete()


def scored_entries(contest: Contest) -> QuerySet[Entry]:
    """The contest's entries with their judges' point totals (``total``) and how many judges scored."""
    return (
        contest.entries.select_related("school_class__grade")
        .annotate(total=Sum("scores__points"), judge_count=Count("scores__judge", distinct=True))
        .order_by("school_class__grade__level", "school_class__number", "id")
    )


def entry_score(total, judge_count) -> Decimal | None:
    if not judge_count:
        return None
    return (Decimal(total) / judge_count).quantize(TWO_PLACES, ROUND_HALF_UP)


def scoring_problem(contest: Contest, judge, now: datetime.datetime) -> str | None:
    """Why this person cannot score this contest now, or None."""
    if not contest.judges.filter(pk=judge.pk).exists():
        return _("Only the contest's judges score entries.")
    if now <= contest.deadline:
        return _("Judging opens after the submission deadline.")
    if contest.results_published_at:
        return _("The results are published; scores can no longer change.")
    return None


@transaction.atomic
def save_scores(entry: Entry, *, judge, points: dict[int, int]) -> list[Score]:
    """One judge's points for one entry, one number per criterion (0 to its maximum).

    Side effects: checks the judge and timing, then creates or replaces this judge's scores for
    the entry. Raises PermissionDenied for a non-judge and ValidationError for bad numbers.
    """
    # Read the contest afresh: its results may have been published since the entry was loaded.
    contest = Contest.objects.get(pk=entry.contest_id)
    problem = scoring_problem(contest, judge, timezone.now())
    if problem and not contest.judges.filter(pk=judge.pk).exists():
        raise PermissionDenied(problem)
    if problem:
        raise ValidationError(problem)
    criteria = list(contest.criteria.all())
    errors = {}
    for criterion in criteria:
        value = points.get(criterion.pk)
        if value is None or not 0 <= value <= criterion.max_points:
            errors[f"criterion_{criterion.pk}"] = _("Give %(name)s a score from 0 to %(max)d.") % {
                "name": criterion.name,
                "max": criterion.max_points,
            }
    if errors:
        raise ValidationError(errors)
    saved = []
    for criterion in criteria:
        score, _created = Score.objects.update_or_create(
            entry=entry, judge=judge, criterion=criterion, defaults={"points": points[criterion.pk]}
        )
        saved.append(score)
    return saved


@dataclass(frozen=True)
class Placing:
    class_id: int
    score: Decimal
    rank: int
    award: str
    points: int


def assign_awards(class_scores: dict[int, Decimal], contest: Contest) -> list[Placing]:
    """Rank classes by score (equal scores share a rank) and give each rank its award and points.

    Ranks 1..first_places get the first prize, the next second_places the second, the next
    third_places the third; every other class that took part gets the participation award. A tie
    across a boundary gives both classes the better award.
    """
    ordered = sorted(class_scores.items(), key=lambda item: (-item[1], item[0]))
    limits = [
        (contest.first_places, Award.FIRST),
        (contest.first_places + contest.second_places, Award.SECOND),
        (contest.first_places + contest.second_places + contest.third_places, Award.THIRD),
    ]
    placings = []
    for class_id, score in ordered:
        rank = 1 + sum(1 for _other, other_score in ordered if other_score > score)
        award = next((award for limit, award in limits if rank <= limit), Award.PARTICIPATION)
        placings.append(Placing(class_id, score, rank, award, contest.points_for(award)))
    return placings


def class_scores(contest: Contest) -> tuple[dict[int, Decimal], int]:
    """Each class's score (the mean of its entries' scores) and the number of entries not yet scored.

    The mean is taken of the entries' exact scores and rounded once, to two places: the mean of
    scores already rounded drifted by a hundredth (78.84 where the judges' points give 78.83).
    """
    per_class: dict[int, list[Fraction]] = {}
    unscored = 0
    for entry in scored_entries(contest):
        if not entry.judge_count:
            unscored += 1
            continue
        per_class.setdefault(entry.school_class_id, []).append(Fraction(entry.total, entry.judge_count))
    means = {class_id: two_places(sum(scores) / len(scores)) for class_id, scores in per_class.items()}
    return means, unscored


def two_places(value: Fraction) -> Decimal:
    """An exact fraction rounded half up to two places (rounded once, from the exact value)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)


def preview(contest: Contest) -> list[Placing]:
    return assign_awards(class_scores(contest)[0], contest)


@transaction.atomic
def finalise(contest: Contest, *, by, request=None) -> list[ContestAward]:
    """Publish a contest's results: awards and class points for every class that took part.

    Side effects, in order: locks the contest; refuses before the deadline, twice, or while an
    entry has no score; creates one award per class; stamps results_published_at; audit entry;
    tells each class teacher (once per contest and class) that the results are out.
    """
    contest = Contest.objects.select_for_update().select_related("campaign").get(pk=contest.pk)
    if contest.results_published_at:
        raise ValidationError(_("The results are already published."))
    if timezone.now() <= contest.deadline:
        raise ValidationError(_("Results can be published after the submission deadline."))
    scores, unscored = class_scores(contest)
    if unscored:
        raise ValidationError(
            ngettext("%(count)d entry has no score yet.", "%(count)d entries have no score yet.", unscored)
            % {"count": unscored}
        )
    if not scores:
        raise ValidationError(_("No class has handed in an entry."))
    awards = ContestAward.objects.bulk_create(
        ContestAward(
            contest=contest,
            school_class_id=placing.class_id,
            rank=placing.rank,
            award=placing.award,
            points=placing.points,
            score=placing.score,
        )
        for placing in assign_awards(scores, contest)
    )
    contest.results_published_at = timezone.now()
    contest.save(update_fields=["results_published_at"])
    audit.record(by, AuditAction.CHANGE, contest, request=request, detail="results published")
    teachers = SchoolClass.objects.filter(pk__in=scores).exclude(class_teacher=None).select_related("class_teacher")
    for school_class in teachers:
        notify.notify(
            school_class.class_teacher,
            key=f"campaigns:contest:{contest.pk}:results:{school_class.pk}",
            title=Msg(gettext_noop("Results of “%(contest)s” are published"), contest=contest.title),
            url=reverse("campaigns:class_work"),
        )
    return awards


def _leaderboard(awards: QuerySet[ContestAward]) -> list[dict]:
    return list(
        awards.values(
            "school_class_id",
            grade_name=F("school_class__grade__name"),
            grade_level=F("school_class__grade__level"),
            number=F("school_class__number"),
        )
        .annotate(
            points=Sum("points"),
            firsts=Count("pk", filter=Q(award=Award.FIRST)),
            seconds=Count("pk", filter=Q(award=Award.SECOND)),
            thirds=Count("pk", filter=Q(award=Award.THIRD)),
            contests=Count("contest", distinct=True),
        )
        .order_by("-points", "-firsts", "grade_level", "number")
    )


def campaign_leaderboard(campaign: Campaign) -> list[dict]:
    """Class points per class from the campaign's published contests, best first (one query)."""
    return _leaderboard(ContestAward.objects.filter(contest__campaign=campaign))


def term_leaderboard(term: Term, public_only: bool = True) -> list[dict]:
    """Class points per class over every campaign that starts within the term (one query)."""
    awards = ContestAward.objects.filter(contest__campaign__start_date__range=(term.start, term.end))
    if public_only:
        awards = awards.exclude(contest__campaign__status=CampaignStatus.DRAFT)
    return _leaderboard(awards)
