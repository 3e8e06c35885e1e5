"""Teachers and guardians book consultations for themselves through the students' booking pages.

The appointment is theirs alone: the counselor sees who comes (a "Teacher" or "Guardian" badge),
nobody else — not another teacher, another guardian, a leader or an administrator — sees it
anywhere. Which student rules hold for adults is decided here, one test per rule.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, OfficeRules, WaitlistEntry
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, GroupSessionFactory, WeeklyScheduleFactory
from counseling.cases import contract as cases
from counseling.cases.models import RiskSignal
from counseling.cases.services import signals
from counseling.enums import ClientKind
from counseling.models import ConcernCategory, OutboxMessage

pytestmark = pytest.mark.django_db


def book(client, counselor, moment, **data):
    url = f"{reverse('appointments:book_confirm')}?counselor={counselor.pk}&start={key(moment)}"
    return client.post(url, {"channel": "face_to_face", "topic": "", **data})


def test_a_guardian_books_a_phone_consultation_and_sees_it(login, guardian, counselor, hours) -> None:
    client = login(guardian)
    page = client.get(reverse("appointments:book")).content.decode()
    assert key(at(1, 17, 25)) in page
    response = book(client, counselor, at(1, 17, 25), channel="phone")
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("appointments:detail", args=[appointment.pk])
    assert (appointment.student, appointment.counselor, appointment.channel) == (guardian, counselor, "phone")
    assert appointment.client_kind == ClientKind.GUARDIAN
    # A guardian has no grade: the sessions by grade count it under "not given".
    assert appointment.grade is None
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert "Your appointment is booked." in client.get(response.url).content.decode()
    mine = client.get(reverse("appointments:mine")).content.decode()
    assert reverse("appointments:detail", args=[appointment.pk]) in mine
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="consultation-panel"' in home
    assert reverse("appointments:detail", args=[appointment.pk]) in home
    assert reverse("appointments:letter_new") in home


def test_a_guardians_notices_go_by_text_message_too(login, guardian, counselor, hours) -> None:
    book(login(guardian), counselor, at(1, 17, 25), channel="phone")
    to_guardian = OutboxMessage.objects.filter(recipient=guardian)
    # The booking notice and the two reminders, each also by SMS (which says only the kind and a link).
    assert to_guardian.count() == 3
    assert all(message.send_sms for message in to_guardian)
    assert not OutboxMessage.objects.filter(recipient=counselor, send_sms=True).exists()


def test_a_class_teacher_books_online_moves_and_cancels(login, class_teacher, counselor, hours) -> None:
    client = login(class_teacher)
    book(client, counselor, at(1, 17, 25), channel="online")
    appointment = Appointment.objects.get()
    assert (appointment.client_kind, appointment.channel, appointment.grade) == (ClientKind.TEACHER, "online", None)
    assert appointment.is_first_visit
    response = client.post(reverse("appointments:move", args=[appointment.pk]), {"start": key(at(2, 17, 25))})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(2, 17, 25)
    client.post(reverse("appointments:cancel", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_teachers_booking_is_nobody_elses(
    login, class_teacher, other_teacher, guardian, leader, administrator, other_counselor, counselor, hours
) -> None:
    book(login(class_teacher), counselor, at(1, 17, 25), channel="online")
    appointment = Appointment.objects.get()
    detail = reverse("appointments:detail", args=[appointment.pk])
    for person in (other_teacher, guardian, other_counselor):
        assert login(person).get(detail).status_code == 404
        assert login(person).post(reverse("appointments:cancel", args=[appointment.pk])).status_code == 404
    for person in (leader, administrator):
        assert login(person).get(detail).status_code == 403
    # Not in any list or panel of theirs.
    for person in (other_teacher, guardian):
        for page in (reverse("appointments:mine"), reverse("home")):
            assert detail not in login(person).get(page).content.decode()
    for person in (leader, administrator, other_teacher):
        assert detail not in login(person).get(reverse("home")).content.decode()
    assert Appointment.objects.visible_to(other_teacher).count() == 0
    assert Appointment.objects.visible_to(leader).count() == 0
    assert Appointment.objects.visible_to(administrator).count() == 0
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_the_counselors_week_day_and_requests_say_who_comes(
    login, class_teacher, guardian, student, counselor, hours
) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"approval_required": True})
    book(login(class_teacher), counselor, at(1, 17, 25))
    book(login(guardian), counselor, at(1, 17, 55))
    book(login(student), counselor, at(2, 17, 25))
    client = login(counselor)
    week = client.get(reverse("appointments:week")).content.decode()
    assert week.count('data-testid="client-kind"') == 2
    assert ">Teacher</span>" in week and ">Guardian</span>" in week
    day = client.get(f"{reverse('appointments:day')}?date={at(1, 0).date().isoformat()}").content.decode()
    assert ">Teacher</span>" in day and ">Guardian</span>" in day
    requests = client.get(reverse("appointments:requests")).content.decode()
    assert requests.count('data-testid="client-kind"') == 2
    teacher_visit = Appointment.objects.get(student=class_teacher)
    detail = client.get(reverse("appointments:detail", args=[teacher_visit.pk])).content.decode()
    assert ">Client</dt>" in detail and ">Teacher</span>" in detail


def test_the_limit_of_upcoming_appointments_holds_for_adults_too(login, guardian, counselor, hours) -> None:
    """Decided: the office's time is shared fairly, whoever books it."""
    OfficeRules.objects.update_or_create(pk=1, defaults={"max_upcoming_per_student": 1})
    client = login(guardian)
    book(client, counselor, at(1, 17, 25))
    response = book(client, counselor, at(2, 17, 25))
    assert response.status_code == 400
    assert "You already have an upcoming appointment." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_times_kept_for_key_students_are_not_offered_to_adults(login, class_teacher, counselor, term) -> None:
    """Decided: the daily slot for key students (重点学生) stays theirs; adults book the open hours."""
    WeeklyScheduleFactory(
        counselor=counselor, term=term, weekday=1, start_time="12:30", end_time="13:30", reserved_for_key_students=True
    )
    client = login(class_teacher)
    assert key(at(1, 12, 30)) not in client.get(reverse("appointments:book")).content.decode()
    response = book(client, counselor, at(1, 12, 30))
    assert response.status_code == 400
    assert "kept for students the counselors invite" in response.content.decode()
    assert not Appointment.objects.exists()


def test_group_sessions_stay_for_students(login, class_teacher, guardian, counselor) -> None:
    """Decided: group sessions (团体辅导) are run for pupils; adults neither see nor join them."""
    session = GroupSessionFactory(counselor=counselor)
    for person in (class_teacher, guardian):
        client = login(person)
        assert client.get(reverse("appointments:groups")).status_code == 403
        assert client.post(reverse("appointments:group_join", args=[session.pk])).status_code == 403
    assert not session.participants.exists()


def test_the_student_home_panel_stays_the_students(login, student, counselor) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    home = login(student).get(reverse("home")).content.decode()
    assert 'id="appointments-panel-title"' in home
    assert 'data-testid="consultation-panel"' not in home


def test_a_risk_topic_of_an_adult_names_nobody_and_reaches_the_head(
    login, class_teacher, counselor, head, leader, hours
) -> None:
    """A teacher's topic that signals risk must not become a risk signal about a student (or the
    teacher's name on the triage list): the signal names nobody and goes to the head counselor."""
    topic = ConcernCategory.objects.get(code="self_harm")
    book(login(class_teacher), counselor, at(1, 17, 25), topic=topic.pk)
    appointment = Appointment.objects.get()
    signal = RiskSignal.objects.get()
    assert (signal.student, signal.counselor) == (None, head)
    assert signal.case is None and signal.escalation is None
    assert signal.source_url == reverse("appointments:detail", args=[appointment.pk])
    assert signal.client_kind == ClientKind.TEACHER
    assert not OutboxMessage.objects.filter(recipient=leader).exists()
    # Unacknowledged, a student's signal climbs to the leaders; a teacher's stays with the office.
    signal.level = 1
    assert signals.recipients(signal) == [head]


def test_adults_may_wait_for_a_time_like_students(login, guardian, counselor, hours) -> None:
    """Decided: the waitlist is the office's fairness rule for everyone who books."""
    client = login(guardian)
    response = client.post(
        reverse("appointments:waitlist_join"), {"counselor": "", "time_of_day": "any", "channel": "phone"}
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.student, entry.channel) == (guardian, "phone")
    assert "waitlist" in client.get(reverse("appointments:mine")).content.decode().lower()


def test_the_counselor_is_not_offered_a_case_for_a_guardian_but_is_for_a_teacher(
    login, guardian, class_teacher, counselor
) -> None:
    """Decided: a teacher may have a case (counseling/cases); a guardian has consultations only.
    After an attended session the appointment page offers "Open a case" from these links."""
    assert cases.case_links(counselor, guardian).open_case_url == ""
    teacher_links = cases.case_links(counselor, class_teacher)
    assert teacher_links.open_case_url == f"{reverse('cases:case_open')}?student={class_teacher.pk}"
    visit = AppointmentFactory(
        student=class_teacher, counselor=counselor, starts_at=at(-1, 17, 25), status=AppointmentStatus.ATTENDED
    )
    page = login(counselor).get(reverse("appointments:detail", args=[visit.pk])).content.decode()
    assert teacher_links.open_case_url in page


def test_an_attended_teacher_visit_without_a_case_does_not_call_the_teacher_a_student(
    login, class_teacher, counselor
) -> None:
    visit = AppointmentFactory(
        student=class_teacher, counselor=counselor, starts_at=at(-1, 17, 25), status=AppointmentStatus.ATTENDED
    )
    page = login(counselor).get(reverse("appointments:detail", args=[visit.pk])).content.decode()
    assert "This client has no open case yet" in page
    assert "This student has no open case yet" not in page
