"""The doors of the archives (archives/access.py): each confidential object is reached through one
scope per model; inside it the page shows the object, outside it the answer is 404, never 403.

The first tests pin the bug the doors fixed: the archive page listed every warning of a student
while the warning page opened only the reader's own, so a counselor's "View" link answered 404.
"""

from __future__ import annotations

import re

import pytest
from django.http import Http404
from django.urls import Resolver404, resolve, reverse

from archives import access
from archives.models import ClassLogEntry, FocusEntry, Invitation, Result, ScreeningWarning, WarningStatus
from archives.services import screenings
from archives.services import warnings as warning_service
from archives.tests.factories import ClassLogEntryFactory, FocusEntryFactory, gad7_answers, phq9_answers, published
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db


def answer(screening, student, phq9_total: int, gad7_total: int | None = None) -> screenings.Outcome:
    answers = {"phq9": phq9_answers(phq9_total)}
    if gad7_total is not None:
        answers["gad7"] = gad7_answers(gad7_total)
    return screenings.submit(Invitation.objects.get(screening=screening, student=student), answers)


def linked_warnings(page: str) -> list[int]:
    """The ids of the warnings a page links to ("View"), in page order."""
    ids = []
    for href in re.findall(r'href="([^"?#]+)', page):
        try:
            match = resolve(href)
        except Resolver404:  # static files and other sites
            continue
        if match.view_name == "archives:warning_detail":
            ids.append(int(match.kwargs["pk"]))
    return ids


@pytest.fixture
def warning(screening, student, grade_counselor) -> ScreeningWarning:
    """A band warning for ``student``, assigned to ``counselor`` (the grade counselor)."""
    return answer(screening, student, 16, 3).warning


@pytest.fixture
def two_warnings(warning, phq9, school_class, student, counselor, other_counselor, head) -> list[ScreeningWarning]:
    """Two warnings of the same student: the first ``counselor``'s, the second handed to ``other_counselor``."""
    second_screening = published([phq9], [school_class], by=counselor, title="春季复查")
    second = answer(second_screening, student, 17).warning
    warning_service.reassign(second, counselor=other_counselor, by=head)
    return [warning, second]


# The archive page and the warning door ----------------------------------------------------


def test_every_warning_on_a_counselors_archive_page_opens_for_that_counselor(
    two_warnings, student, counselor, other_counselor, client_for
) -> None:
    mine, theirs = two_warnings
    for reader, own in ((counselor, mine), (other_counselor, theirs)):
        client = client_for(reader)
        page = client.get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
        listed = linked_warnings(page)
        assert listed == [own.pk]
        for pk in listed:
            response = client.get(reverse("archives:warning_detail", args=[pk]))
            assert response.status_code == 200
            assert student.get_full_name() in response.content.decode()


def test_the_head_sees_and_opens_every_warning_of_the_student(two_warnings, student, head, client_for) -> None:
    client = client_for(head)
    page = client.get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert sorted(linked_warnings(page)) == sorted(w.pk for w in two_warnings)
    for warning in two_warnings:
        assert client.get(reverse("archives:warning_detail", args=[warning.pk])).status_code == 200


def test_the_printed_archive_lists_the_same_warnings(two_warnings, student, counselor, client_for) -> None:
    page = client_for(counselor).get(reverse("archives:archive_print", args=[student.pk])).content.decode()
    assert linked_warnings(page) == [two_warnings[0].pk]


def test_the_open_warning_flag_counts_only_warnings_the_reader_may_open(
    warning, student, counselor, other_counselor, client_for
) -> None:
    search = {"q": student.student_profile.student_number}
    flag = '<span class="badge text-bg-danger">'
    assert flag in client_for(counselor).get(reverse("archives:archive_list"), search).content.decode()
    assert flag not in client_for(other_counselor).get(reverse("archives:archive_list"), search).content.decode()


def test_the_screening_page_counts_the_open_warnings_its_button_leads_to(
    warning, screening, counselor, other_counselor, client_for
) -> None:
    button = f'class="btn btn-outline-danger" href="{reverse("archives:warning_list")}"'
    assert (
        button in client_for(counselor).get(reverse("archives:screening_detail", args=[screening.pk])).content.decode()
    )
    other_page = client_for(other_counselor).get(reverse("archives:screening_detail", args=[screening.pk]))
    assert button not in other_page.content.decode()


def test_the_warning_door(warning, student, counselor, other_counselor, head, client_for) -> None:
    page = client_for(counselor).get(reverse("archives:warning_detail", args=[warning.pk])).content.decode()
    assert student.get_full_name() in page and warning.screening.title in page
    assert client_for(head).get(reverse("archives:warning_detail", args=[warning.pk])).status_code == 200
    client = client_for(other_counselor)
    assert client.get(reverse("archives:warning_detail", args=[warning.pk])).status_code == 404
    assert client.post(reverse("archives:warning_contacted", args=[warning.pk]), {"note": "x"}).status_code == 404
    assert client.post(reverse("archives:warning_open_case", args=[warning.pk])).status_code == 404
    warning.refresh_from_db()
    assert (warning.status, warning.note) == (WarningStatus.OPEN, "")


# Submissions (the answers) ---------------------------------------------------------------


def test_the_submission_door(
    screening, phq9, school_class, student, counselor, other_counselor, head, client_for
) -> None:
    named = answer(screening, student, 6, 2).submission
    for reader in (counselor, other_counselor, head):  # every archive reader, like the archive itself
        response = client_for(reader).get(reverse("archives:submission_detail", args=[named.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert student.get_full_name() in page and screening.title in page
    anonymous = published([phq9], [school_class], is_anonymous=True)
    nameless = answer(anonymous, student, 6).submission
    for reader in (counselor, head):
        assert client_for(reader).get(reverse("archives:submission_detail", args=[nameless.pk])).status_code == 404


def test_the_submission_door_answers_404_outside_the_scope(
    screening, student, other_student, class_teacher, leader, administrator
) -> None:
    named = answer(screening, student, 6, 2).submission
    for outsider in (student, other_student, class_teacher, leader, administrator):
        with pytest.raises(Http404):
            access.get_submission_for(outsider, named.pk)


# Results (the scores) --------------------------------------------------------------------


def test_the_result_door(screening, student, other_student, counselor, head, class_teacher, leader) -> None:
    result = next(r for r in answer(screening, student, 12, 4).results if r.instrument.code == "phq9")
    for reader in (counselor, head, student):
        assert access.get_result_for(reader, result.pk) == result
    for outsider in (other_student, class_teacher, leader):
        with pytest.raises(Http404):
            access.get_result_for(outsider, result.pk)


def test_results_on_the_pages_that_use_the_result_door(screening, student, counselor, client_for) -> None:
    outcome = answer(screening, student, 12, 4)
    client = client_for(counselor)
    archive_page = client.get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert "中度抑郁" in archive_page  # the PHQ-9 band of a total of 12
    answers_page = client.get(reverse("archives:submission_detail", args=[outcome.submission.pk])).content.decode()
    assert "<strong>12</strong>" in answers_page and "<strong>4</strong>" in answers_page


def test_a_student_sees_only_their_own_band(
    phq9, school_class, other_class, student, other_student, client_for
) -> None:
    screening = published([phq9], [school_class, other_class], show_bands=True)
    answer(screening, student, 22)
    answer(screening, other_student, 6)
    mine = client_for(student).get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert "重度抑郁" in mine and "轻度抑郁" not in mine
    theirs = client_for(other_student).get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert "轻度抑郁" in theirs and "重度抑郁" not in theirs


def test_an_anonymous_band_shows_only_in_the_browser_that_submitted(phq9, school_class, student, client_for) -> None:
    screening = published([phq9], [school_class], show_bands=True, is_anonymous=True)
    client = client_for(student)
    data = {"action": "submit"}
    part = screening.parts.get()
    data.update({screenings.field_name(part, item): str(value) for item, value in phq9_answers(6).items()})
    client.post(reverse("archives:survey", args=[screening.pk]), data)
    assert Result.objects.get(screening=screening).student is None
    assert "轻度抑郁" in client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    elsewhere = client_for(student).get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert "轻度抑郁" not in elsewhere


# The focus list --------------------------------------------------------------------------


def test_the_focus_entry_door_for_the_counseling_staff(student, counselor, other_counselor, client_for) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    for reader in (counselor, other_counselor):  # the focus list is the office's, not one counselor's
        response = client_for(reader).get(reverse("archives:focus_edit", args=[entry.pk]))
        assert response.status_code == 200
        assert "家庭变故后情绪低落" in response.content.decode()  # the counselor's note, in the form


def test_an_ended_entry_is_404_to_edit_or_review(student, counselor, client_for) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    FocusEntry.objects.filter(pk=entry.pk).update(ended_by=counselor, ended_at=entry.started_at)
    client = client_for(counselor)
    assert client.get(reverse("archives:focus_edit", args=[entry.pk])).status_code == 404
    assert client.get(reverse("archives:focus_review", args=[entry.pk])).status_code == 404


def test_the_focus_entry_door_for_class_teachers(
    student, counselor, class_teacher, other_teacher, other_student, administrator
) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    assert access.get_focus_entry_for(class_teacher, entry.pk) == entry  # a pupil of their class
    for outsider in (other_teacher, student, other_student, administrator):
        with pytest.raises(Http404):
            access.get_focus_entry_for(outsider, entry.pk)


def test_a_class_teacher_sees_the_request_not_the_note_and_logs_only_their_pupils(
    student, counselor, class_teacher, other_teacher, client_for
) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    page = client_for(class_teacher).get(reverse("archives:class_focus")).content.decode()
    assert student.get_full_name() in page and "每周谈心一次" in page
    assert "家庭变故后情绪低落" not in page
    # Another teacher cannot choose this pupil: the form's choices are their own door.
    response = client_for(other_teacher).post(
        reverse("archives:class_log_add"),
        {"entry": entry.pk, "date": entry.started_at.date().isoformat(), "channel": "face_to_face", "text": "x"},
    )
    assert response.status_code == 400
    assert not ClassLogEntry.objects.exists()


def test_editing_an_entry_saves_and_audits_only_what_changed(student, counselor, client_for) -> None:
    """The form writes into a fresh copy (access.fresh_copy), so the service sees old and new values."""
    entry = FocusEntryFactory(student=student, started_by=counselor)
    response = client_for(counselor).post(
        reverse("archives:focus_edit", args=[entry.pk]),
        {
            "level": "intensive",
            "category": entry.category_id,
            "teacher_request": entry.teacher_request,
            "note": entry.note,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.level == "intensive"
    audit = AuditEntry.objects.get(object_type="archives.focusentry", action="change")
    assert audit.detail == "fields: level"


# The class teachers' log ------------------------------------------------------------------


def test_the_class_log_scope(student, school_class, class_teacher, other_teacher, counselor, client_for) -> None:
    log = ClassLogEntryFactory(student=student, school_class=school_class, teacher=class_teacher, text="课间谈心")
    assert list(ClassLogEntry.objects.visible_to(class_teacher)) == [log]
    assert list(ClassLogEntry.objects.visible_to(counselor)) == [log]
    assert not ClassLogEntry.objects.visible_to(other_teacher).exists()
    assert "课间谈心" in client_for(class_teacher).get(reverse("archives:class_focus")).content.decode()
    assert "课间谈心" not in client_for(other_teacher).get(reverse("archives:class_focus")).content.decode()
    archive_page = client_for(counselor).get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert "课间谈心" in archive_page


# The students whose archive one may open --------------------------------------------------


def test_the_student_door(student, counselor, head, class_teacher, leader) -> None:
    assert access.get_student_for(counselor, student.pk) == student
    with pytest.raises(Http404):
        access.get_student_for(counselor, head.pk)  # not a student: no archive
    for outsider in (class_teacher, leader):
        with pytest.raises(Http404):
            access.get_student_for(outsider, student.pk)
