"""A guardian reaches none of their child's counseling records, and nothing at all of another family's child.

The child's right to ask for help stays theirs: appointments, letters, cases, the archive,
screening answers and warnings are closed to the guardian (403 for a page of the school, 404 for
an object outside their scope), whatever the link between them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.tests.factories import AppointmentFactory, MailboxItemFactory
from archives.models import Invitation, Submission
from archives.services import screenings
from archives.tests.factories import builtin, phq9_answers, published
from counseling.cases.tests.factories import CaseFactory, NoteFactory
from counseling.enums import ConsentPurpose, NoticeAudience
from counseling.services import consent_requests, family_notices
from counseling.tests.test_access_matrix import all_routes

pytestmark = pytest.mark.django_db

# Everything a guardian may open: their own family pages, and the pages for everyone signed in.
GUARDIAN_PAGES = {
    "home",
    "password_change",
    "password_change_done",
    "two_factor",
    "recovery_codes",
    "notifications",
    "family_join",
    "family_consent_list",
    "family_consent_answer",
    "family_notice",
    # Complaints and feedback are open to everyone signed in (the complaint channel).
    "cases:complaint_new",
    "cases:complaint_mine",
    # The guardian as the office's client: their own consultations and letters (the pages list the
    # signed-in person's own rows only: appointments/tests/test_adult_booking.py).
    "appointments:book",
    "appointments:book_confirm",
    "appointments:mine",
    "appointments:waitlist_join",
    "appointments:letter_new",
    "appointments:my_letters",
    # Parent classes for their children's grades (campaigns/tests/test_parent_classes.py).
    "campaigns:family_events",
    "campaigns:family_feedback",
    "campaigns:material_file",
    # A message a counselor wrote to this guardian (the row of the matrix is the guardian's own).
    "cases:family_message_read",
}


@pytest.fixture
def child_records(student, counselor, school_class):
    """Real counseling records of the guardian's child: an appointment, a letter, a case with a note,
    a named screening answer."""
    appointment = AppointmentFactory(student=student, counselor=counselor)
    letter = MailboxItemFactory(sender=student)
    case = CaseFactory(student=student, counselor=counselor)
    NoteFactory(case=case, author=counselor)
    screening = published([builtin("phq9")], [school_class], by=counselor)
    invitation = Invitation.objects.select_related("screening").get(screening=screening, student=student)
    screenings.submit(invitation, {"phq9": phq9_answers(4)})
    submission = Submission.objects.get(student=student)
    return {
        "appointment": reverse("appointments:detail", args=[appointment.pk]),
        "appointment_calendar": reverse("appointments:ics", args=[appointment.pk]),
        "letter": reverse("appointments:mailbox_item", args=[letter.pk]),
        "case": reverse("cases:detail", args=[case.pk]),
        "case_print": reverse("cases:case_print", args=[case.pk]),
        "archive": reverse("archives:archive_detail", args=[student.pk]),
        "archive_print": reverse("archives:archive_print", args=[student.pk]),
        "screening_answers": reverse("archives:submission_detail", args=[submission.pk]),
        "screening_results": reverse("archives:screening_results", args=[screening.pk]),
    }


def test_a_guardian_cannot_reach_any_of_their_child_s_counseling_records(
    client_for, guardian, student, child_records
) -> None:
    client = client_for(guardian)
    for name, url in child_records.items():
        status = client.get(url).status_code
        assert status in (403, 404), f"{name}: {status}"


def test_a_guardian_is_refused_every_page_but_the_family_s_and_everyone_s(cast, client_for) -> None:
    routes = all_routes(cast)
    client = client_for(cast.guardian)
    opened = []
    for name, route in sorted(routes.items()):
        # Public pages (office hours, the campaign programme, a calendar feed by its token) are anyone's.
        public = route.expect["anonymous"] == 200
        status = getattr(client, route.method)(route.url, route.data).status_code
        if status < 300 and name not in GUARDIAN_PAGES and not public:
            opened.append(f"{name}: {status}")
    assert not opened, "A guardian opens: " + ", ".join(opened)


def test_the_home_page_shows_the_child_s_name_and_class_only(client_for, guardian, student, child_records) -> None:
    page = client_for(guardian).get(reverse("home")).content.decode()
    assert student.get_full_name() in page and str(student.student_profile.school_class) in page
    for url in child_records.values():
        assert url not in page
    # No menu entry of the school's or a student's pages ("预约" is there: their own consultations).
    for label in ("个案", "档案", "筛查", "心理档案", "Cases", "Archive"):
        assert f">{label}<" not in page


def test_a_guardian_sees_nothing_of_another_family_s_child(
    client_for, guardian, other_guardian, student, other_student, counselor, class_teacher, school_class
) -> None:
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation="说明", by=counselor
    )
    notice = family_notices.send_notice(
        audience=NoticeAudience.CLASS, school_class=school_class, title="只给一班", text="x", by=class_teacher
    )
    client = client_for(other_guardian)
    home = client.get(reverse("home")).content.decode()
    assert student.get_full_name() not in home and "只给一班" not in home
    assert other_student.get_full_name() in home
    assert client.get(reverse("family_consent_answer", args=[request.pk, student.pk])).status_code == 404
    assert client.get(reverse("family_notice", args=[notice.pk])).status_code == 404
    assert student.get_full_name() not in client.get(reverse("family_consent_list")).content.decode()
    # And the guardian's own child is there, on their own page.
    assert client_for(guardian).get(reverse("family_notice", args=[notice.pk])).status_code == 200


def test_a_revoked_link_closes_the_family_pages_of_that_child(client_for, guardian, student, counselor, school_class):
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation="说明", by=counselor
    )
    guardian.child_links.update(revoked_at=timezone.now())
    client = client_for(guardian)
    assert client.get(reverse("family_consent_answer", args=[request.pk, student.pk])).status_code == 404
    assert student.get_full_name() not in client.get(reverse("home")).content.decode()
