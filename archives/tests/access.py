"""Access rows for the archives app's URLs (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from archives.models import GradeCounselor, Invitation, VisitChannel
from archives.services import screenings, visits
from archives.tests.factories import (
    FocusEntryFactory,
    ReportingWindowFactory,
    ScreeningFactory,
    builtin,
    gad7_answers,
    phq9_answers,
    published,
)
from counseling.tests.access import COUNSELING, STUDENTS, Route, expect


def routes(cast, world: dict) -> dict[str, Route]:
    phq9, gad7 = builtin("phq9"), builtin("gad7")
    school_class = cast.student.student_profile.school_class
    GradeCounselor.objects.get_or_create(grade=school_class.grade, defaults={"counselor": cast.counselor})
    # The student's class only: the other student is not invited.
    pending = published([phq9], [school_class], by=cast.counselor, title="access: pending")
    answered = published([phq9, gad7], [school_class], by=cast.counselor, title="access: answered")
    outcome = screenings.submit(
        Invitation.objects.get(screening=answered, student=cast.student),
        {"phq9": phq9_answers(16), "gad7": gad7_answers(3)},
    )
    warning = outcome.warning  # assigned to cast.counselor (the grade counselor)
    draft = ScreeningFactory(created_by=cast.counselor, title="access: draft")
    entry = FocusEntryFactory(student=cast.student, started_by=cast.counselor)
    window = ReportingWindowFactory(created_by=cast.head)
    visit = visits.plan(
        cast.student, planned_for=timezone.localdate(), channel=VisitChannel.HOME, by=cast.class_teacher
    )

    counseling = expect(200, roles=COUNSELING)
    counseling_post = expect(405, roles=COUNSELING)
    teachers = expect(200, roles=("class_teacher", "other_teacher"))
    head_only = expect(200, roles=("head",))
    results = expect(200, roles=(*COUNSELING, "leader", "administrator"))
    visit_readers = expect(200, roles=("class_teacher", "other_teacher", *COUNSELING), other_teacher=404)
    visit_teacher = expect(200, roles=("class_teacher", "other_teacher"), other_teacher=404)
    return {
        # Students
        "archives:my_surveys": Route(reverse("archives:my_surveys"), expect(200, roles=STUDENTS)),
        "archives:survey": Route(
            reverse("archives:survey", args=[pending.pk]), expect(200, roles=STUDENTS, other_student=404)
        ),
        "archives:survey_done": Route(
            reverse("archives:survey_done", args=[answered.pk]), expect(200, roles=STUDENTS, other_student=404)
        ),
        # Instrument library
        "archives:instrument_list": Route(reverse("archives:instrument_list"), counseling),
        "archives:instrument_format": Route(reverse("archives:instrument_format"), counseling),
        "archives:instrument_import": Route(reverse("archives:instrument_import"), counseling),
        "archives:instrument_build": Route(reverse("archives:instrument_build"), counseling),
        "archives:instrument_detail": Route(reverse("archives:instrument_detail", args=[phq9.pk]), counseling),
        "archives:instrument_export": Route(reverse("archives:instrument_export", args=[phq9.pk]), counseling),
        "archives:instrument_retire": Route(reverse("archives:instrument_retire", args=[phq9.pk]), counseling_post),
        # Screenings
        "archives:screening_list": Route(reverse("archives:screening_list"), counseling),
        "archives:screening_create": Route(reverse("archives:screening_create"), counseling),
        # The head counselor runs a district's screening (POST only; no district on a single school).
        "archives:screening_from_district": Route(
            reverse("archives:screening_from_district", args=[1]), expect(405, roles=("head",))
        ),
        "archives:screening_detail": Route(reverse("archives:screening_detail", args=[pending.pk]), counseling),
        "archives:screening_edit": Route(reverse("archives:screening_edit", args=[draft.pk]), counseling),
        "archives:screening_publish": Route(reverse("archives:screening_publish", args=[draft.pk]), counseling_post),
        "archives:screening_close": Route(reverse("archives:screening_close", args=[pending.pk]), counseling_post),
        "archives:screening_delete": Route(reverse("archives:screening_delete", args=[draft.pk]), counseling_post),
        "archives:screening_remind": Route(reverse("archives:screening_remind", args=[pending.pk]), counseling_post),
        "archives:screening_paper": Route(reverse("archives:screening_paper", args=[pending.pk]), counseling),
        "archives:screening_results": Route(reverse("archives:screening_results", args=[answered.pk]), results),
        "archives:results_index": Route(reverse("archives:results_index"), results),
        "archives:submission_detail": Route(
            reverse("archives:submission_detail", args=[outcome.submission.pk]), counseling
        ),
        # Warnings: the counselor it is assigned to and the head; a colleague gets 404.
        "archives:warning_list": Route(reverse("archives:warning_list"), counseling),
        "archives:warning_detail": Route(
            reverse("archives:warning_detail", args=[warning.pk]), expect(200, roles=COUNSELING, other_counselor=404)
        ),
        "archives:warning_contacted": Route(reverse("archives:warning_contacted", args=[warning.pk]), counseling_post),
        "archives:warning_dismiss": Route(reverse("archives:warning_dismiss", args=[warning.pk]), counseling_post),
        "archives:warning_open_case": Route(reverse("archives:warning_open_case", args=[warning.pk]), counseling_post),
        "archives:warning_reassign": Route(
            reverse("archives:warning_reassign", args=[warning.pk]), expect(405, roles=("head",))
        ),
        # Archives and the focus list
        "archives:archive_list": Route(reverse("archives:archive_list"), counseling),
        "archives:archive_detail": Route(reverse("archives:archive_detail", args=[cast.student.pk]), counseling),
        "archives:archive_print": Route(reverse("archives:archive_print", args=[cast.student.pk]), counseling),
        "archives:focus_add": Route(reverse("archives:focus_add", args=[cast.other_student.pk]), counseling),
        "archives:focus_list": Route(reverse("archives:focus_list"), counseling),
        "archives:focus_edit": Route(reverse("archives:focus_edit", args=[entry.pk]), counseling),
        "archives:focus_review": Route(reverse("archives:focus_review", args=[entry.pk]), counseling),
        # Class teachers
        "archives:class_focus": Route(reverse("archives:class_focus"), teachers),
        "archives:class_log_add": Route(
            reverse("archives:class_log_add"), expect(405, roles=("class_teacher", "other_teacher"))
        ),
        "archives:class_completion": Route(reverse("archives:class_completion"), teachers),
        # Home visits: the class teacher of the pupil's class plans and records; the counseling staff
        # read; another class teacher gets 404; leaders, administrators, students, guardians 403.
        "archives:visit_overview": Route(
            reverse("archives:visit_overview"), expect(200, roles=("class_teacher", "other_teacher", *COUNSELING))
        ),
        "archives:visit_class": Route(reverse("archives:visit_class", args=[school_class.pk]), visit_readers),
        "archives:visit_card": Route(reverse("archives:visit_card", args=[cast.student.pk]), visit_readers),
        "archives:visit_plan": Route(reverse("archives:visit_plan", args=[cast.student.pk]), visit_teacher),
        "archives:visit_record": Route(reverse("archives:visit_record", args=[cast.student.pk]), visit_teacher),
        "archives:visit_edit": Route(reverse("archives:visit_edit", args=[visit.pk]), visit_teacher),
        "archives:visit_cancel": Route(
            reverse("archives:visit_cancel", args=[visit.pk]), expect(405, roles=("class_teacher", "other_teacher"))
        ),
        # Zero report: a teacher files for their own class only.
        "archives:zero_mine": Route(reverse("archives:zero_mine"), teachers),
        "archives:zero_file": Route(
            reverse("archives:zero_file", args=[window.pk, school_class.pk]),
            expect(200, roles=("class_teacher", "other_teacher"), other_teacher=404),
        ),
        "archives:zero_windows": Route(reverse("archives:zero_windows"), head_only),
        "archives:zero_window_create": Route(reverse("archives:zero_window_create"), head_only),
        "archives:zero_window_detail": Route(reverse("archives:zero_window_detail", args=[window.pk]), head_only),
        # Office set-up
        "archives:grade_counselors": Route(reverse("archives:grade_counselors"), head_only),
    }
