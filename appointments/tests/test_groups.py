"""Group sessions: students join until full; the database never holds more seats than the capacity."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from appointments.models import GroupParticipant, GroupSession
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, GroupSessionFactory
from counseling.models import OutboxMessage
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def test_a_counselor_offers_a_group_session(login, counselor) -> None:
    data = {
        "title": "考试减压",
        "description": "放松练习",
        "date": "2026-11-20",
        "start_time": "14:00",
        "end_time": "15:00",
        "room": "306",
        "capacity": 6,
    }
    response = login(counselor).post(reverse("appointments:group_new"), data)
    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert (session.counselor, session.capacity, session.starts_at) == (counselor, 6, at(4, 14, 0))


def test_a_group_session_cannot_clash_with_the_counselors_appointments(login, counselor, student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(4, 14, 30))
    data = {
        "title": "x",
        "date": "2026-11-20",
        "start_time": "14:00",
        "end_time": "15:00",
        "room": "306",
        "capacity": 6,
    }
    response = login(counselor).post(reverse("appointments:group_new"), data)
    assert response.status_code == 400
    assert "already has an appointment at that time" in response.content.decode()
    assert not GroupSession.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x" * 1000, "date": "x", "start_time": "x", "end_time": "x", "room": "", "capacity": "-5"},
        {"title": "x", "date": "2026-11-20", "start_time": "15:00", "end_time": "14:00", "room": "1", "capacity": 6},
        {"title": "x", "date": "2026-11-01", "start_time": "14:00", "end_time": "15:00", "room": "1", "capacity": 6},
    ],
)
def test_garbage_for_a_group_session_is_refused(login, counselor, data) -> None:
    assert login(counselor).post(reverse("appointments:group_new"), data).status_code == 400
    assert not GroupSession.objects.exists()


def test_students_join_until_the_session_is_full(login, counselor, student, other_student, school_class) -> None:
    session = GroupSessionFactory(counselor=counselor, capacity=2)
    third = make_student("third", school_class, student_number="20250003")
    for person in (student, other_student):
        response = login(person).post(reverse("appointments:group_join", args=[session.pk]), follow=True)
        assert "You have a seat in this group session." in response.content.decode()
    response = login(third).post(reverse("appointments:group_join", args=[session.pk]), follow=True)
    assert "This group session is full." in response.content.decode()
    session.refresh_from_db()
    assert (session.seats_taken, session.participants.count()) == (2, 2)
    # A seat given back can be taken again.
    login(student).post(reverse("appointments:group_leave", args=[session.pk]))
    login(third).post(reverse("appointments:group_join", args=[session.pk]))
    session.refresh_from_db()
    assert session.seats_taken == 2
    assert set(GroupParticipant.objects.values_list("student__username", flat=True)) == {"otherstudent", "third"}
    assert any(
        title.startswith("You joined a group session")
        for title in notices.titles(OutboxMessage.objects.filter(recipient=third))
    )


def test_joining_twice_is_refused(login, counselor, student) -> None:
    session = GroupSessionFactory(counselor=counselor)
    client = login(student)
    client.post(reverse("appointments:group_join", args=[session.pk]))
    response = client.post(reverse("appointments:group_join", args=[session.pk]), follow=True)
    assert "You have already joined this group session." in response.content.decode()
    assert GroupParticipant.objects.count() == 1


def test_the_database_refuses_more_seats_than_the_capacity(counselor) -> None:
    session = GroupSessionFactory(counselor=counselor, capacity=2, seats_taken=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)


def test_cancelling_tells_the_participants(login, counselor, student) -> None:
    session = GroupSessionFactory(counselor=counselor)
    login(student).post(reverse("appointments:group_join", args=[session.pk]))
    login(counselor).post(reverse("appointments:group_cancel", args=[session.pk]))
    session.refresh_from_db()
    assert session.is_cancelled
    assert any("is cancelled" in title for title in notices.titles(OutboxMessage.objects.filter(recipient=student)))
    response = login(student).post(reverse("appointments:group_join", args=[session.pk]), follow=True)
    assert "This group session has been cancelled." in response.content.decode()


def test_only_staff_see_who_takes_part(login, counselor, student, other_student) -> None:
    session = GroupSessionFactory(counselor=counselor)
    login(other_student).post(reverse("appointments:group_join", args=[session.pk]))
    assert (
        other_student.name
        not in login(student).get(reverse("appointments:group_detail", args=[session.pk])).content.decode()
    )
    assert (
        other_student.name
        in login(counselor).get(reverse("appointments:group_detail", args=[session.pk])).content.decode()
    )


def test_a_student_in_a_group_session_cannot_book_over_it(
    login, counselor, other_counselor, student, other_hours
) -> None:
    from appointments.tests.conftest import key

    session = GroupSessionFactory(counselor=counselor, starts_at=at(1, 17, 0), ends_at=at(1, 18, 0))
    login(student).post(reverse("appointments:group_join", args=[session.pk]))
    url = f"{reverse('appointments:book_confirm')}?counselor={other_counselor.pk}&start={key(at(1, 17, 25))}"
    response = login(student).post(url, {"channel": "face_to_face"})
    assert response.status_code == 400
    assert "You already have an appointment at that time." in response.content.decode()
