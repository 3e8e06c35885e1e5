"""Access rows for the campaigns app's URLs (see counseling.tests.access)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus, EventKind
from campaigns.models import EventMaterial, FamilyRegistration, ReportSubmission, Summary, SummaryPhoto
from campaigns.services import families as family_service
from campaigns.services import files
from campaigns.tests.factories import (
    CampaignFactory,
    ContestFactory,
    EventFactory,
    ReportFactory,
    TaskFactory,
    at,
    feedback_instrument,
    jpeg_bytes,
    make_entry,
    pdf_bytes,
    upload,
)
from counseling.tests.access import COUNSELING, GUARDIANS, ROLES, STAFF, STUDENTS, Route, expect

ORGANISER = ("counselor", "head")  # the campaign's organiser, and the head counselor who may edit any
TEACHERS = ("class_teacher", "other_teacher")
EVERYONE = dict.fromkeys(ROLES, 200)


def routes(cast, world: dict) -> dict[str, Route]:
    today = timezone.localdate()
    school_class = cast.class_teacher.taught_classes.get()
    campaign = CampaignFactory(organisers=[cast.counselor])
    event = EventFactory(campaign=campaign, registration_required=True, capacity=50)
    task = TaskFactory(campaign=campaign, owner=cast.class_teacher)
    open_contest = ContestFactory(campaign=campaign, judges=[cast.counselor, cast.leader])
    closed_contest = ContestFactory(
        campaign=campaign, judges=[cast.counselor, cast.leader], deadline=at(campaign.start_date, 8)
    )
    entry = make_entry(closed_contest, school_class, cast.class_teacher)
    open_entry = make_entry(open_contest, school_class, cast.class_teacher)
    report = ReportFactory(campaign=campaign)
    submission = ReportSubmission(report=report, school_class=school_class, submitted_by=cast.class_teacher)
    files.attach(submission, upload("班会.pdf", pdf_bytes()), files.PDF)
    submission.save()

    finished = CampaignFactory(
        organisers=[cast.counselor],
        start_date=today - datetime.timedelta(days=10),
        end_date=today - datetime.timedelta(days=4),
        status=CampaignStatus.FINISHED,
    )
    summary = Summary.objects.create(campaign=finished, highlights="活动周圆满结束。", written_by=cast.counselor)
    photo = SummaryPhoto(summary=summary, caption="签名墙", uploaded_by=cast.counselor)
    files.attach(photo, upload("photo.jpg", jpeg_bytes()), files.JPEG)
    photo.save()

    # A parent class that was held yesterday: the guardian's family registered and came; it has a handout.
    parents = CampaignFactory(organisers=[cast.counselor], start_date=today - datetime.timedelta(days=3))
    parent_class = EventFactory(
        campaign=parents,
        kind=EventKind.PARENT_CLASS,
        registration_required=True,
        capacity=40,
        starts_at=at(today - datetime.timedelta(days=1), 19),
    )
    FamilyRegistration.objects.create(
        event=parent_class, student=cast.student, guardian=cast.guardian, attended_at=timezone.now()
    )
    family_service.choose_feedback(parent_class, by=cast.counselor, code=feedback_instrument().code)
    material = EventMaterial(event=parent_class, title="讲义", uploaded_by=cast.counselor)
    files.attach(material, upload("讲义.pdf", pdf_bytes()), files.PDF)
    material.save()
    upcoming_class = EventFactory(
        campaign=parents,
        kind=EventKind.PARENT_MEETING,
        registration_required=True,
        capacity=40,
        starts_at=at(today + datetime.timedelta(days=2), 19),
    )

    def url(name: str, *args) -> str:
        return reverse(f"campaigns:{name}", args=args)

    organiser = expect(200, roles=ORGANISER)
    office = expect(200, roles=COUNSELING)
    post_office = expect(405, roles=COUNSELING)
    staff = expect(200, roles=STAFF)
    return {
        "campaigns:list": Route(url("list"), staff),
        "campaigns:create": Route(url("create"), office),
        "campaigns:create_blank": Route(url("create_blank"), office),
        # A single-school install has no district: no district campaign to start from.
        "campaigns:create_from_district": Route(url("create_from_district", 1), expect(404, roles=COUNSELING)),
        "campaigns:detail": Route(url("detail", campaign.pk), staff),
        "campaigns:edit": Route(url("edit", campaign.pk), organiser),
        "campaigns:publish": Route(url("publish", campaign.pk), post_office),
        "campaigns:event_add": Route(url("event_add", campaign.pk), organiser),
        "campaigns:event_edit": Route(url("event_edit", event.pk), organiser),
        "campaigns:event_delete": Route(url("event_delete", event.pk), post_office),
        "campaigns:event_registrations": Route(url("event_registrations", event.pk), organiser),
        "campaigns:task_add": Route(url("task_add", campaign.pk), organiser),
        "campaigns:task_edit": Route(url("task_edit", task.pk), organiser),
        "campaigns:task_status": Route(url("task_status", task.pk), expect(405, roles=STAFF)),
        "campaigns:contest_add": Route(url("contest_add", campaign.pk), organiser),
        "campaigns:contest": Route(url("contest", closed_contest.pk), expect(200, roles=(*COUNSELING, "leader"))),
        "campaigns:contest_edit": Route(url("contest_edit", open_contest.pk), organiser),
        "campaigns:contest_finalise": Route(url("contest_finalise", closed_contest.pk), post_office),
        # Only the contest's judges (counselor and leader) score; the head counselor is not one.
        "campaigns:entry_score": Route(url("entry_score", entry.pk), expect(200, roles=("counselor", "leader"))),
        # The office, the contest's judges and the class's own teacher; another teacher cannot see it exists.
        "campaigns:entry_file": Route(
            url("entry_file", entry.pk), expect(200, roles=(*COUNSELING, "leader", "class_teacher"), other_teacher=404)
        ),
        "campaigns:report_add": Route(url("report_add", campaign.pk), organiser),
        "campaigns:report": Route(url("report", report.pk), office),
        "campaigns:report_edit": Route(url("report_edit", report.pk), organiser),
        "campaigns:report_remind": Route(url("report_remind", report.pk), post_office),
        "campaigns:report_file": Route(
            url("report_file", submission.pk), expect(200, roles=(*COUNSELING, "class_teacher"), other_teacher=404)
        ),
        "campaigns:class_work": Route(url("class_work"), expect(200, roles=TEACHERS)),
        "campaigns:entry_submit": Route(url("entry_submit", open_contest.pk), expect(200, roles=TEACHERS)),
        "campaigns:entry_withdraw": Route(url("entry_withdraw", open_entry.pk), expect(405, roles=TEACHERS)),
        "campaigns:report_submit": Route(url("report_submit", report.pk), expect(200, roles=TEACHERS)),
        "campaigns:report_withdraw": Route(url("report_withdraw", submission.pk), expect(405, roles=TEACHERS)),
        "campaigns:my_events": Route(url("my_events"), expect(200, roles=STUDENTS)),
        "campaigns:register": Route(url("register", event.pk), expect(405, roles=STUDENTS)),
        "campaigns:unregister": Route(url("unregister", event.pk), expect(405, roles=STUDENTS)),
        "campaigns:summary": Route(url("summary", finished.pk), organiser),
        "campaigns:summary_photo_add": Route(url("summary_photo_add", finished.pk), post_office),
        "campaigns:summary_submit": Route(url("summary_submit", finished.pk), post_office),
        "campaigns:summary_send": Route(url("summary_send", finished.pk), post_office),
        "campaigns:summary_print": Route(url("summary_print", finished.pk), office),
        "campaigns:summary_pdf": Route(url("summary_pdf", finished.pk), office),
        "campaigns:materials_zip": Route(url("materials_zip", finished.pk), organiser),
        "campaigns:summary_photo": Route(url("summary_photo", photo.pk), office),
        "campaigns:summary_photo_delete": Route(url("summary_photo_delete", photo.pk), post_office),
        # Parent classes: guardians' pages; another guardian's family did not register, so the
        # feedback form and the handout do not exist for them.
        "campaigns:family_events": Route(url("family_events"), expect(200, roles=GUARDIANS)),
        "campaigns:family_register": Route(url("family_register", upcoming_class.pk), expect(405, roles=GUARDIANS)),
        "campaigns:family_cancel": Route(url("family_cancel", upcoming_class.pk), expect(405, roles=GUARDIANS)),
        "campaigns:family_feedback": Route(
            url("family_feedback", parent_class.pk), expect(200, roles=("guardian",), other_guardian=404)
        ),
        "campaigns:material_file": Route(
            url("material_file", material.pk), expect(200, roles=(*COUNSELING, "guardian"), other_guardian=404)
        ),
        "campaigns:family_event": Route(url("family_event", parent_class.pk), organiser),
        "campaigns:family_attendance": Route(url("family_attendance", parent_class.pk), post_office),
        "campaigns:family_walk_in": Route(url("family_walk_in", parent_class.pk), post_office),
        "campaigns:material_add": Route(url("material_add", parent_class.pk), post_office),
        "campaigns:material_delete": Route(url("material_delete", material.pk), post_office),
        "campaigns:feedback_choose": Route(url("feedback_choose", parent_class.pk), post_office),
        "campaigns:planner": Route(url("planner"), staff),
        "campaigns:leaderboard": Route(url("leaderboard"), staff),
        "campaigns:calendar_feed": Route(url("calendar_feed"), EVERYONE),
        "campaigns:programme_index": Route(url("programme_index"), EVERYONE),
        "campaigns:programme": Route(url("programme", campaign.pk), EVERYONE),
        "campaigns:programme_ics": Route(url("programme_ics", campaign.pk), EVERYONE),
    }
