"""Session notes: write, sign (lock), addenda, co-sign, the 48-hour list, appointments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from counseling.cases.models import NoteAddendum, SessionNote
from counseling.cases.services.notes import sign_note, update_note
from counseling.cases.tests.factories import NOTE_WORDS, NoteFactory
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db

NOTE_DATA = {
    "held_on": "",
    "channel": "face_to_face",
    "duration_minutes": "50",
    "techniques": ["active_listening", "cognitive"],
    "content": "谈到和父亲的争吵，哭了很久",
    "analysis": "亲子冲突",
    "next_steps": "约家长",
}


def _data(**changes) -> dict:
    data = {**NOTE_DATA, "held_on": timezone.localdate().isoformat()}
    data.update(changes)
    return data


def test_counselor_writes_a_note_that_starts_unsigned(client_for, case, counselor) -> None:
    response = client_for(counselor).post(reverse("cases:note_add", args=[case.pk]), _data())
    note = SessionNote.objects.get()
    assert response["Location"] == reverse("cases:note_detail", args=[note.pk])
    assert (note.author, note.content, note.techniques, note.signed_at) == (
        counselor,
        "谈到和父亲的争吵，哭了很久",
        ["active_listening", "cognitive"],
        None,
    )
    assert AuditEntry.objects.for_object(note).get().action == "create"


@pytest.mark.parametrize(
    "changes",
    [
        {"duration_minutes": "abc"},
        {"duration_minutes": "0"},
        {"duration_minutes": "100000"},
        {"held_on": "2999-01-01"},
        {"held_on": "not a date"},
        {"channel": "pigeon"},
        {"techniques": ["telepathy"]},
        {"content": "x" * 20_001},
        {"appointment": "999999"},
    ],
)
def test_bad_note_input_is_refused_with_a_message(client_for, case, counselor, changes) -> None:
    response = client_for(counselor).post(reverse("cases:note_add", args=[case.pk]), _data(**changes))
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not SessionNote.objects.exists()


def test_reading_a_note_is_audited_and_shows_its_content(client_for, note, counselor) -> None:
    page = client_for(counselor).get(reverse("cases:note_detail", args=[note.pk]))
    assert NOTE_WORDS in page.content.decode()
    assert AuditEntry.objects.for_object(note).get().action == "view"


def test_a_colleague_gets_404_for_the_note_and_its_actions(client_for, note, other_counselor) -> None:
    client = client_for(other_counselor)
    assert client.get(reverse("cases:note_detail", args=[note.pk])).status_code == 404
    assert client.post(reverse("cases:note_sign", args=[note.pk])).status_code == 404
    assert client.post(reverse("cases:note_addendum", args=[note.pk]), {"text": "x"}).status_code == 404
    note.refresh_from_db()
    assert note.signed_at is None


def test_signing_locks_the_note(client_for, note, counselor) -> None:
    client = client_for(counselor)
    client.post(reverse("cases:note_sign", args=[note.pk]))
    note.refresh_from_db()
    assert note.signed_by == counselor and note.signed_at is not None
    assert AuditEntry.objects.for_object(note).filter(action="sign").count() == 1
    response = client.post(reverse("cases:note_edit", args=[note.pk]), _data(content="rewritten"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.content == NOTE_WORDS
    with pytest.raises(ValidationError):
        update_note(note, by=counselor, values={"content": "rewritten"})
    # Signing twice is refused too.
    response = client.post(reverse("cases:note_sign", args=[note.pk]), follow=True)
    assert SessionNote.objects.get(pk=note.pk).signed_at == note.signed_at


def test_the_author_edits_an_unsigned_note_and_the_change_is_audited(client_for, note, counselor) -> None:
    client_for(counselor).post(reverse("cases:note_edit", args=[note.pk]), _data(content="新的内容"))
    note.refresh_from_db()
    assert note.content == "新的内容"
    change = AuditEntry.objects.for_object(note).get(action="change")
    assert "content" in change.detail and "新的内容" not in change.detail


def test_addenda_come_after_signing_with_author_and_time(client_for, note, counselor) -> None:
    client = client_for(counselor)
    client.post(reverse("cases:note_addendum", args=[note.pk]), {"text": "太早了"})
    assert not NoteAddendum.objects.exists()
    sign_note(note, by=counselor)
    client.post(reverse("cases:note_addendum", args=[note.pk]), {"text": "家长已知情"})
    addendum = NoteAddendum.objects.get()
    assert (addendum.author, addendum.text, addendum.note) == (counselor, "家长已知情", note)
    page = client.get(reverse("cases:note_detail", args=[note.pk])).content.decode()
    assert "家长已知情" in page and "张老师" in page


def test_empty_addendum_is_refused(client_for, note, counselor) -> None:
    sign_note(note, by=counselor)
    client_for(counselor).post(reverse("cases:note_addendum", args=[note.pk]), {"text": ""})
    assert not NoteAddendum.objects.exists()


def test_head_co_signs_a_signed_note_and_counselors_cannot(client_for, note, counselor, head) -> None:
    assert client_for(counselor).post(reverse("cases:note_cosign", args=[note.pk])).status_code == 403
    client_for(head).post(reverse("cases:note_cosign", args=[note.pk]))
    note.refresh_from_db()
    assert note.cosigned_at is None  # not signed yet
    sign_note(note, by=counselor)
    client_for(head).post(reverse("cases:note_cosign", args=[note.pk]))
    note.refresh_from_db()
    assert note.cosigned_by == head
    assert AuditEntry.objects.for_object(note).filter(action="sign", detail="co-sign").count() == 1


def test_head_reads_but_does_not_write_notes_on_a_colleagues_case(client_for, note, head) -> None:
    assert client_for(head).get(reverse("cases:note_detail", args=[note.pk])).status_code == 200
    assert client_for(head).post(reverse("cases:note_add", args=[note.case.pk]), _data()).status_code == 403
    client_for(head).post(reverse("cases:note_sign", args=[note.pk]))
    note.refresh_from_db()
    assert note.signed_at is None


def test_unsigned_notes_older_than_48_hours_are_listed_on_the_home_page(client_for, case, counselor) -> None:
    old = NoteFactory(
        case=case,
        created_at=timezone.now() - datetime.timedelta(hours=49),
        held_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    NoteFactory(case=case, created_at=timezone.now() - datetime.timedelta(hours=47))
    NoteFactory(
        case=case, created_at=timezone.now() - datetime.timedelta(days=5), signed_at=timezone.now(), signed_by=counselor
    )
    page = client_for(counselor).get(reverse("home")).content.decode()
    listed = page.split('data-testid="unsigned-notes"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 1
    assert reverse("cases:note_detail", args=[old.pk]) in listed


def _appointment(case, status=AppointmentStatus.ATTENDED, days_ago=1):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
    return Appointment.objects.create(
        student=case.student,
        counselor=case.counselor,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        status=status,
        channel="phone",
        source="online",
    )


def test_a_note_links_to_an_attended_appointment_once(client_for, case, counselor) -> None:
    appointment = _appointment(case)
    client = client_for(counselor)
    page = client.get(reverse("cases:note_add", args=[case.pk]), {"appointment": appointment.pk}).content.decode()
    assert f'value="{appointment.pk}" selected' in page
    client.post(reverse("cases:note_add", args=[case.pk]), _data(appointment=appointment.pk))
    assert SessionNote.objects.get().appointment == appointment
    response = client.post(reverse("cases:note_add", args=[case.pk]), _data(appointment=appointment.pk))
    assert response.status_code == 200
    assert SessionNote.objects.count() == 1


def test_appointments_that_were_not_attended_cannot_be_linked(client_for, case, counselor) -> None:
    cancelled = _appointment(case, status=AppointmentStatus.CANCELLED, days_ago=2)
    client_for(counselor).post(reverse("cases:note_add", args=[case.pk]), _data(appointment=cancelled.pk))
    assert not SessionNote.objects.exists()


def test_after_a_handover_the_head_can_sign_the_previous_counselors_draft(
    case, note, other_counselor, head, counselor
) -> None:
    from counseling.cases.services.handover import hand_over_case

    hand_over_case(case, to=other_counselor, by=head, note="离职交接")
    note.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017 - the new counselor did not write it
        sign_note(note, by=other_counselor)
    sign_note(note, by=head)
    note.refresh_from_db()
    assert note.signed_by == head
