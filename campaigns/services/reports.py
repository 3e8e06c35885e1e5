"""Required reports (e.g. each class's class-meeting report): submissions, the missing list, reminders."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns import conf
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, ReportSubmission, RequiredReport
from campaigns.services import files
from campaigns.services.contests import check_deadline, class_takes_part
from counseling.models import SchoolClass
from counseling.models.audit import AuditAction
from counseling.services import audit, notify
from counseling.services.messages import Msg

# Reports stay on the reminder scan this long after their deadline.
OVERDUE_WINDOW = datetime.timedelta(days=14)


@transaction.atomic
def save_report(report: RequiredReport, *, by, request=None) -> RequiredReport:
    """Create or change a required report. Side effects: deadline check, save, audit entry."""
    check_deadline(report.deadline, report.campaign)
    is_new = report.pk is None
    report.save()
    audit.record(by, AuditAction.CREATE if is_new else AuditAction.CHANGE, report, request=request)
    return report


def expected_classes(campaign: Campaign, grade_ids: Collection[int] | None = None) -> QuerySet[SchoolClass]:
    """The active classes that owe each of the campaign's reports (its grades, or every grade).

    ``grade_ids``: the campaign's grades, when the caller has read them already.
    """
    classes = SchoolClass.objects.active()
    if grade_ids is None:
        grade_ids = [grade.pk for grade in campaign.grades.all()]
    if grade_ids:
        classes = classes.filter(grade_id__in=grade_ids)
    return classes


def missing_classes(report: RequiredReport) -> QuerySet[SchoolClass]:
    return (
        expected_classes(report.campaign)
        .exclude(pk__in=report.submissions.values("school_class_id"))
        .select_related("grade", "class_teacher")
        .order_by("grade__level", "number")
    )


@transaction.atomic
def submit_report(
    report: RequiredReport, *, school_class: SchoolClass, by, upload: UploadedFile, note: str = ""
) -> ReportSubmission:
    """A class teacher hands in their class's report; one per class. Late reports are accepted and shown as late.

    Side effects, in order: checks the teacher, the campaign, the class's grade and that the class
    has not handed one in; checks the file by content; stores it and creates the row. The unique
    constraint refuses a concurrent second submission, which then stores nothing.
    """
    if school_class.class_teacher_id != by.pk or school_class.is_archived:
        raise PermissionDenied
    campaign = report.campaign
    if campaign.status == CampaignStatus.DRAFT:
        raise ValidationError(_("The campaign is not published yet."))
    if campaign.status == CampaignStatus.SUMMARISED:
        raise ValidationError(_("The campaign is closed."))
    if not class_takes_part(campaign, school_class):
        raise ValidationError(_("This campaign is not for your class's grade."))
    if ReportSubmission.objects.filter(report=report, school_class=school_class).exists():
        raise ValidationError(_("Your class has already handed in this report. Withdraw it first to replace it."))
    mime = files.check_upload(upload, files.DOCUMENTS)
    submission = ReportSubmission(report=report, school_class=school_class, submitted_by=by, note=note)
    files.attach(submission, upload, mime)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as exc:
        submission.file.storage.delete(submission.file.name)
        raise ValidationError(_("Your class has already handed in this report.")) from exc
    notify.cancel(f"campaigns:report:{report.pk}:class:{school_class.pk}:")
    return submission


@transaction.atomic
def withdraw_report(submission: ReportSubmission, *, by) -> None:
    """Take a report back before the deadline. Side effects: row deleted, file removed after commit."""
    if submission.school_class.class_teacher_id != by.pk:
        raise PermissionDenied
    if timezone.now() > submission.report.deadline:
        raise ValidationError(_("The deadline has passed; the report can no longer be withdrawn."))
    files.delete_after_commit(submission)
    submission.delete()


def _remind(report: RequiredReport, school_class: SchoolClass, key: str, title: str) -> bool:
    """Tell the class teacher (``title`` a message id with report, class and deadline arguments)."""
    if school_class.class_teacher is None:
        return False
    message = Msg(title, report=report.title, deadline=report.deadline, **{"class": school_class})
    return notify.notify(school_class.class_teacher, key=key, title=message, url=reverse("campaigns:class_work"))


def remind_missing(report: RequiredReport, *, today: datetime.date | None = None) -> int:
    """The organiser's "remind now": one message per missing class, at most once a day.

    Side effects: outbox messages keyed by report, class and day; returns how many were new.
    """
    today = today or timezone.localdate()
    title = gettext_noop("Reminder: the %(report)s of %(class)s is due %(deadline)s")
    sent = 0
    for school_class in missing_classes(report):
        key = f"campaigns:report:{report.pk}:class:{school_class.pk}:manual:{today.isoformat()}"
        sent += _remind(report, school_class, key, title)
    return sent


def scan_reminders(now: datetime.datetime | None = None) -> int:
    """The periodic scan: remind missing classes shortly before a deadline, and once after it.

    Side effects: outbox messages keyed "before" and "overdue" per report and class, so a scan
    that runs every hour never repeats one. Returns how many were new.
    """
    now = now or timezone.now()
    lead = conf.reminder_lead()
    reports = (
        RequiredReport.objects.exclude(campaign__status__in=[CampaignStatus.DRAFT, CampaignStatus.SUMMARISED])
        .filter(deadline__gt=now - OVERDUE_WINDOW, deadline__lte=now + lead)
        .select_related("campaign")
        .prefetch_related("campaign__grades")
    )
    sent = 0
    for report in reports:
        overdue = report.deadline <= now
        stage = "overdue" if overdue else "before"
        title = (
            gettext_noop("Overdue: the %(report)s of %(class)s was due %(deadline)s")
            if overdue
            else gettext_noop("Reminder: the %(report)s of %(class)s is due %(deadline)s")
        )
        for school_class in missing_classes(report):
            key = f"campaigns:report:{report.pk}:class:{school_class.pk}:{stage}"
            sent += _remind(report, school_class, key, title)
    return sent
