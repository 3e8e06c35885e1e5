"""Parent classes and meetings: guardians sign up for their own children's families, the office marks
who came (and walk-ins), shares the materials; the term report counts sessions and families reached."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from campaigns import export, reporting, retention
from campaigns.enums import EventKind
from campaigns.models import EventMaterial, FamilyRegistration, Registration
from campaigns.services import events as event_service
from campaigns.services import families as family_service
from campaigns.services import files
from campaigns.services import summary as summary_service
from campaigns.tests.factories import CampaignFactory, at, exe_bytes, parent_class, pdf_bytes, upload
from counseling.models import OutboxMessage
from counseling.tests.factories import GradeFactory, SchoolClassFactory, make_guardian, make_student

pytestmark = pytest.mark.django_db


def _held(campaign=None, **kwargs):
    """A parent class that took place yesterday evening."""
    return parent_class(campaign, starts_at=at(timezone.localdate() - datetime.timedelta(days=1), 19), **kwargs)


def test_a_guardian_sees_the_parent_class_and_registers_their_childs_family(guardian, student, client_for) -> None:
    event = parent_class(title="家长课堂：如何倾听孩子", capacity=30)
    client = client_for(guardian)
    page = client.get(reverse("campaigns:family_events")).content.decode()
    assert "家长课堂：如何倾听孩子" in page and "Parent class" in page
    assert f"{student.get_full_name()}&#x27;s family" in page or f"{student.get_full_name()}'s family" in page
    response = client.post(reverse("campaigns:family_register", args=[event.pk]), {"child": student.pk}, follow=True)
    text = response.content.decode()
    assert "Your family is registered for “家长课堂：如何倾听孩子”." in text
    registration = FamilyRegistration.objects.get(event=event)
    assert (registration.student, registration.guardian, registration.attended_at) == (student, guardian, None)
    assert "1 of 30 places taken" in text and "Withdraw" in text


def test_a_guardian_cannot_register_another_childs_family(guardian, other_student, client_for) -> None:
    event = parent_class()
    response = client_for(guardian).post(
        reverse("campaigns:family_register", args=[event.pk]), {"child": other_student.pk}
    )
    assert response.status_code == 404
    assert not FamilyRegistration.objects.exists()
    # The service refuses it too, whatever a view did.
    with pytest.raises(Exception, match="only register for your own children"):
        family_service.register(event.pk, guardian=guardian, student_id=other_student.pk)


@pytest.mark.parametrize("child", ["", "abc", "-1", "99999999999999"])
def test_bad_input_for_the_child_changes_nothing(guardian, client_for, child) -> None:
    event = parent_class()
    response = client_for(guardian).post(reverse("campaigns:family_register", args=[event.pk]), {"child": child})
    assert response.status_code == 404
    assert not FamilyRegistration.objects.exists()


def test_the_other_guardian_sees_nothing_of_another_familys_registration(
    guardian, other_guardian, student, client_for
) -> None:
    event = parent_class(title="心理专题家长会")
    family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    page = client_for(other_guardian).get(reverse("campaigns:family_events")).content.decode()
    assert "心理专题家长会" in page  # the class is for their child's grade too
    assert student.get_full_name() not in page and guardian.get_full_name() not in page
    assert "Registered" not in page and "0 of 30 places taken" not in page


def test_two_guardians_of_one_child_are_one_family(guardian, student, client_for) -> None:
    father = make_guardian("13800000009", student, name="张爸爸", relation="father")
    event = parent_class()
    family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    response = client_for(father).post(
        reverse("campaigns:family_register", args=[event.pk]), {"child": student.pk}, follow=True
    )
    assert "Your family is already registered for this event." in response.content.decode()
    assert FamilyRegistration.objects.count() == 1
    # Either guardian may withdraw the family's registration before the start.
    client_for(father).post(reverse("campaigns:family_cancel", args=[event.pk]), {"child": student.pk})
    assert not FamilyRegistration.objects.exists()


def test_a_full_parent_class_refuses_the_next_family(guardian, other_guardian, student, other_student, client_for):
    event = parent_class(capacity=1)
    family_service.register(event.pk, guardian=other_guardian, student_id=other_student.pk)
    response = client_for(guardian).post(
        reverse("campaigns:family_register", args=[event.pk]), {"child": student.pk}, follow=True
    )
    assert "This event is full." in response.content.decode()
    assert list(FamilyRegistration.objects.values_list("student", flat=True)) == [other_student.pk]


def test_grades_limit_which_families_may_register(guardian, student, client_for) -> None:
    senior = GradeFactory(level=4, name="高一")
    event = parent_class(title="高一家长会")
    event.grades.set([senior])
    client = client_for(guardian)
    assert "高一家长会" not in client.get(reverse("campaigns:family_events")).content.decode()
    response = client.post(reverse("campaigns:family_register", args=[event.pk]), {"child": student.pk}, follow=True)
    assert "Registration for this event is not open to your family." in response.content.decode()
    assert not FamilyRegistration.objects.exists()


def test_students_cannot_sign_up_for_a_parent_class(student, client_for) -> None:
    event = parent_class(title="家长课堂：青春期")
    assert "家长课堂：青春期" not in client_for(student).get(reverse("campaigns:my_events")).content.decode()
    client_for(student).post(reverse("campaigns:register", args=[event.pk]))
    assert not Registration.objects.exists()


def test_cancelling_after_the_start_is_refused(guardian, student) -> None:
    event = _held()
    FamilyRegistration.objects.create(event=event, student=student, guardian=guardian)
    with pytest.raises(Exception, match="can no longer be withdrawn"):
        family_service.cancel(event.pk, guardian=guardian, student_id=student.pk)
    assert FamilyRegistration.objects.count() == 1


def test_registered_guardians_are_reminded_by_text_the_day_before_once(guardian, other_guardian, student) -> None:
    today = timezone.localdate()
    event = parent_class(title="家长课堂：亲子沟通", starts_at=at(today + datetime.timedelta(days=1), 19))
    later = parent_class(starts_at=at(today + datetime.timedelta(days=2), 19))
    family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    family_service.register(later.pk, guardian=guardian, student_id=student.pk)
    now = timezone.now()
    assert family_service.scan_reminders(now) == 1
    assert family_service.scan_reminders(now) == 0
    message = OutboxMessage.objects.get()
    assert (message.recipient, message.send_sms) == (guardian, True)
    assert "亲子沟通" in message.title and student.get_full_name() not in message.title
    assert message.url == reverse("campaigns:family_events")


def test_withdrawing_drops_the_unsent_reminder(guardian, student) -> None:
    event = parent_class(starts_at=at(timezone.localdate() + datetime.timedelta(days=1), 19))
    family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    assert family_service.scan_reminders() == 1
    family_service.cancel(event.pk, guardian=guardian, student_id=student.pk)
    assert not OutboxMessage.objects.exists()


def test_the_organiser_marks_attendance_idempotently(
    counselor, guardian, other_guardian, student, other_student, client_for
):
    event = _held(CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3)))
    came = FamilyRegistration.objects.create(event=event, student=student, guardian=guardian)
    absent = FamilyRegistration.objects.create(event=event, student=other_student, guardian=other_guardian)
    client = client_for(counselor)
    page = client.get(reverse("campaigns:family_event", args=[event.pk])).content.decode()
    assert student.get_full_name() in page and other_student.get_full_name() in page
    url = reverse("campaigns:family_attendance", args=[event.pk])
    assert client.post(url, {"attended": [came.pk]}).status_code == 302
    came.refresh_from_db()
    first = came.attended_at
    assert first is not None
    client.post(url, {"attended": [came.pk]})
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended_at, absent.attended_at) == (first, None)
    # Unticking clears it.
    client.post(url, {})
    assert not FamilyRegistration.objects.filter(attended_at__isnull=False).exists()


@pytest.mark.parametrize("value", ["abc", "999999", "-3"])
def test_attendance_refuses_ids_that_are_not_the_events(counselor, guardian, student, client_for, value) -> None:
    event = _held(CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3)))
    FamilyRegistration.objects.create(event=event, student=student, guardian=guardian)
    response = client_for(counselor).post(
        reverse("campaigns:family_attendance", args=[event.pk]), {"attended": [value]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not FamilyRegistration.objects.filter(attended_at__isnull=False).exists()


def test_attendance_waits_for_the_day_of_the_event(counselor, guardian, student) -> None:
    event = parent_class(campaign=CampaignFactory(organisers=[counselor]))
    registration = family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    with pytest.raises(Exception, match="from the day of the event"):
        family_service.mark_attendance(event, by=counselor, attended=[registration.pk])


def test_a_walk_in_family_is_chosen_from_the_target_classes(counselor, student, client_for) -> None:
    senior = GradeFactory(level=4, name="高一")
    outsider = make_student("senior", SchoolClassFactory(grade=senior, number=1), student_number="20240099")
    event = _held(CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3)))
    event.grades.set([student.student_profile.school_class.grade])
    client = client_for(counselor)
    url = reverse("campaigns:family_walk_in", args=[event.pk])
    response = client.post(url, {"student": outsider.pk})
    assert "Select a valid choice" in response.content.decode()
    assert client.post(url, {"student": student.pk}).status_code == 302
    assert client.post(url, {"student": student.pk}).status_code == 302  # idempotent
    registration = FamilyRegistration.objects.get()
    assert (registration.student, registration.walk_in, registration.guardian) == (student, True, None)
    assert registration.attended_at is not None


def test_materials_reach_registered_families_only(counselor, guardian, other_guardian, student, client_for) -> None:
    event = _held(CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3)))
    client = client_for(counselor)
    response = client.post(
        reverse("campaigns:material_add", args=[event.pk]),
        {"title": "课件", "file": upload("slides.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    material = EventMaterial.objects.get()
    assert (material.title, material.content_type) == ("课件", files.PDF)
    # A program dressed as a PDF is refused by its content, and nothing is stored.
    response = client.post(
        reverse("campaigns:material_add", args=[event.pk]), {"file": upload("slides.pdf", exe_bytes())}
    )
    assert "not an accepted type" in response.content.decode()
    assert EventMaterial.objects.count() == 1

    url = reverse("campaigns:material_file", args=[material.pk])
    assert client_for(guardian).get(url).status_code == 404  # not registered yet
    FamilyRegistration.objects.create(event=event, student=student, guardian=guardian)
    response = client_for(guardian).get(url)
    assert response.status_code == 200 and response["Content-Type"] == files.PDF
    assert "课件" in client_for(guardian).get(reverse("campaigns:family_events")).content.decode()
    assert client_for(other_guardian).get(url).status_code == 404
    assert client_for(student).get(url).status_code == 403


def test_the_summary_counts_sessions_held_and_families_reached_by_class_and_grade(
    guardian, student, other_student, school_class, other_class, grade
) -> None:
    today = timezone.localdate()
    campaign = CampaignFactory(start_date=today - datetime.timedelta(days=3))
    first = _held(campaign)
    second = parent_class(campaign, kind=EventKind.PARENT_MEETING, starts_at=at(today - datetime.timedelta(days=2), 19))
    parent_class(campaign)  # not held yet
    parent_class(
        campaign, kind=EventKind.LECTURE, starts_at=at(today - datetime.timedelta(days=2), 9)
    )  # not for parents
    sibling = make_student("sibling", school_class, student_number="20240050")
    now = timezone.now()
    # The student's family came twice (counts once), a classmate's once, the other class's once;
    # a family that registered and did not come is not reached.
    FamilyRegistration.objects.create(event=first, student=student, guardian=guardian, attended_at=now)
    FamilyRegistration.objects.create(event=second, student=student, guardian=guardian, attended_at=now)
    FamilyRegistration.objects.create(event=second, student=sibling, walk_in=True, attended_at=now)
    FamilyRegistration.objects.create(event=first, student=other_student, attended_at=now)
    FamilyRegistration.objects.create(event=second, student=make_student("absent", other_class, student_number="9"))

    numbers = reporting.summary(today - datetime.timedelta(days=30), today + datetime.timedelta(days=30))
    assert numbers["parent_events"] == {"held": 2}
    assert numbers["families"] == {"reached": 3}
    assert numbers["families_by_grade"] == [[grade.name, 3]]
    assert numbers["families_by_class"] == [[grade.name, 1, 2], [grade.name, 2, 1]]
    section = reporting.section(numbers, None)
    titles = [table.title for table in section.tables]
    assert "Families reached by grade" in titles and "Families reached by class" in titles
    labels = [figure[0] for figure in section.figures]
    assert "Parent classes and meetings held" in labels and "Families reached by parent classes" in labels


def test_the_families_page_reads_the_same_queries_for_one_and_many_events(
    guardian, student, django_assert_num_queries, client_for
) -> None:
    client = client_for(guardian)
    campaign = CampaignFactory(start_date=timezone.localdate() - datetime.timedelta(days=3))
    first = parent_class(campaign)
    family_service.register(first.pk, guardian=guardian, student_id=student.pk)
    url = reverse("campaigns:family_events")
    client.get(url)  # the signed-in part is cached after the first request
    with django_assert_num_queries(7) as one:
        assert client.get(url).status_code == 200
    for index in range(3):
        event = _held(campaign) if index == 0 else parent_class(campaign)
        FamilyRegistration.objects.create(event=event, student=student, guardian=guardian, attended_at=timezone.now())
        material = EventMaterial(event=event, title=f"讲义{index}")
        files.attach(material, upload("a.pdf", pdf_bytes()), files.PDF)
        material.save()
    make_guardian("13800000007", make_student("twin", student.student_profile.school_class, student_number="77"))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "讲义0" in page and "讲义2" in page


def test_a_students_data_export_lists_their_familys_parent_classes(guardian, student) -> None:
    event = _held(title="家长课堂：情绪管理")
    FamilyRegistration.objects.create(event=event, student=student, guardian=guardian, attended_at=timezone.now())
    text = export.export_student(student)["family_event_registrations.csv"]
    assert "家长课堂：情绪管理" in text


def test_materials_are_a_retention_kind(counselor) -> None:
    event = _held()
    material = family_service.add_material(event, by=counselor, upload=upload("a.pdf", pdf_bytes()))
    kind = next(kind for kind in retention.KINDS if kind.key == "campaigns.event_material")
    assert list(kind.expired(timezone.now() + datetime.timedelta(days=1))) == [material]
    assert list(kind.expired(timezone.now() - datetime.timedelta(days=1))) == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update waits on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_families_taking_the_last_place_at_once_get_one_place(guardian, other_guardian, student, other_student):
    """The first family's registration is not yet committed when the second asks: the row lock makes it wait."""
    event = parent_class(capacity=1)
    inserted, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def first_family() -> None:
        with transaction.atomic():
            family_service.register(event.pk, guardian=guardian, student_id=student.pk)
            inserted.set()
            release.wait(5)
        connections.close_all()

    def second_family() -> None:
        try:
            family_service.register(event.pk, guardian=other_guardian, student_id=other_student.pk)
        except ValidationError as error:
            outcome["error"] = error
        connections.close_all()

    first = threading.Thread(target=first_family)
    first.start()
    inserted.wait(5)
    second = threading.Thread(target=second_family)
    second.start()
    time.sleep(0.5)  # the second registration waits on the event's row lock
    release.set()
    first.join(10)
    second.join(10)
    assert "This event is full." in str(outcome["error"])
    assert list(FamilyRegistration.objects.values_list("student", flat=True)) == [student.pk]


def test_the_campaign_page_links_a_parent_class_to_its_families_page(counselor, guardian, student, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    event = parent_class(campaign, capacity=30)
    family_service.register(event.pk, guardian=guardian, student_id=student.pk)
    page = client_for(counselor).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert f'<a href="{reverse("campaigns:family_event", args=[event.pk])}">1 / 30</a>' in page


def test_the_campaign_summary_counts_parent_classes_and_families_reached(school_class) -> None:
    campaign = CampaignFactory(start_date=timezone.localdate() - datetime.timedelta(days=3))
    held, later = _held(campaign), parent_class(campaign)
    children = [make_student(f"kid{index}", school_class, student_number=f"500{index}") for index in range(5)]
    for child in children:
        FamilyRegistration.objects.create(event=held, student=child, attended_at=timezone.now())
    FamilyRegistration.objects.create(event=later, student=children[0])
    numbers = summary_service.stats(campaign)
    assert (numbers["parent_sessions"], numbers["families"]) == (1, 5)
    FamilyRegistration.objects.filter(student__in=children[1:]).delete()
    assert summary_service.stats(campaign)["families"] == "*"  # one family is not published


def test_deleting_a_parent_class_removes_its_stored_materials(counselor, django_capture_on_commit_callbacks) -> None:
    event = _held()
    material = family_service.add_material(event, by=counselor, upload=upload("a.pdf", pdf_bytes()))
    storage, name = material.file.storage, material.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        event_service.delete_event(event, by=counselor)
    assert not storage.exists(name) and not EventMaterial.objects.exists()
