"""The semester summary's numbers against a hand-built term, and what it must never contain."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from appointments.models import AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from counseling.cases.tests.factories import NOTE_WORDS, CaseFactory, EscalationFactory, NoteFactory
from counseling.enums import Channel
from counseling.reports import services
from counseling.reports.layout import sections
from counseling.services.aggregates import HIDDEN


def at(term, day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(term.start + datetime.timedelta(days=day), datetime.time(hour))
    )


@pytest.fixture
def term_of_work(term, student, other_student, counselor, other_counselor):
    """Eight sessions (six face to face with the student, two by phone), a no-show, a cancellation,
    one case with three notes, and a crisis acknowledged after twelve minutes."""
    for day in range(6):
        AppointmentFactory(
            student=student,
            counselor=counselor,
            starts_at=at(term, day + 1, 10),
            ends_at=at(term, day + 1, 10) + datetime.timedelta(minutes=45),
            status=AppointmentStatus.ATTENDED,
            channel=Channel.FACE_TO_FACE,
            is_first_visit=day == 0,
        )
    for day in range(2):
        AppointmentFactory(
            student=other_student,
            counselor=other_counselor,
            starts_at=at(term, day + 1, 11),
            ends_at=at(term, day + 1, 11) + datetime.timedelta(minutes=45),
            status=AppointmentStatus.ATTENDED,
            channel=Channel.PHONE,
            is_first_visit=day == 0,
        )
    AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=at(term, 9, 10),
        ends_at=at(term, 9, 11),
        status=AppointmentStatus.NO_SHOW,
    )
    AppointmentFactory(
        student=other_student,
        counselor=counselor,
        starts_at=at(term, 10, 10),
        ends_at=at(term, 10, 11),
        status=AppointmentStatus.CANCELLED,
    )
    case = CaseFactory(student=student, counselor=counselor)
    for day in range(3):
        NoteFactory(case=case, held_on=term.start + datetime.timedelta(days=day + 1), duration_minutes=40)
    raised = at(term, 5, 9)
    EscalationFactory(case=case, raised_at=raised, acknowledged_at=raised + datetime.timedelta(minutes=12))
    return case


def figures(report, section_key: str) -> dict:
    with translation.override("en"):
        section = next(s for s in sections(report.data) if s.key == section_key)
    return {label: value for label, value, _previous in section.figures}


def table(report, ref: str) -> list[list]:
    with translation.override("en"):
        parts = sections(report.data)
    for section in parts:
        for candidate in section.tables:
            if candidate.ref == ref:
                return candidate.rows
    raise AssertionError(f"no table {ref}")


@pytest.fixture
def report(term_of_work, term, head):
    built = services.request_report(term, head)
    services.build_report(built.pk)
    built.refresh_from_db()
    return built


@pytest.mark.django_db
def test_appointment_numbers(report) -> None:
    stored = report.data["current"]["appointments"]
    assert (stored["sessions"], stored["unique_students"], stored["first_visits"]) == (8, 2, 2)
    assert (stored["no_shows"], stored["cancelled"]) == (1, 1)
    numbers = figures(report, "appointments")
    assert numbers["Individual sessions held"] == 8
    # Counts under five are hidden in the published report (the reviewer found no-shows printed).
    for label in ("Students served", "First visits", "No-shows", "Cancelled appointments"):
        assert numbers[label] == HIDDEN
    # The two phone sessions are a group under five; with the empty channels they would add up to
    # 2 beside the shown total of eight, so the six face-to-face ones are hidden too.
    assert table(report, "appointments.sessions_by_channel") == [
        ["Face to face", HIDDEN],
        ["Phone", HIDDEN],
        ["Online", HIDDEN],
        ["Letter", HIDDEN],
    ]


@pytest.mark.django_db
def test_case_and_crisis_numbers(report) -> None:
    stored = report.data["current"]["cases"]
    assert (stored["cases_opened"], stored["notes"], stored["session_minutes"], stored["crises"]) == (1, 3, 120, 1)
    assert stored["ack_minutes_median"] == stored["ack_minutes_max"] == 12
    numbers = figures(report, "cases")
    # One crisis, one case, three notes: all hidden, and so are the times and minutes computed
    # from them (a median of one crisis would say there was one).
    for label in (
        "Cases opened",
        "Session notes written",
        "Minutes of counseling recorded",
        "Crisis escalations",
        "Minutes to acknowledge (median)",
        "Minutes to acknowledge (longest)",
    ):
        assert numbers[label] == HIDDEN


@pytest.mark.django_db
def test_counselor_workload(report, counselor, other_counselor) -> None:
    rows = {row[0]: row[1:] for row in table(report, "workload.by_counselor")}
    # Sessions add up to the eight shown above: the 2 is hidden, so the 6 must be too.
    assert rows == {counselor.name: [HIDDEN, HIDDEN], other_counselor.name: [HIDDEN, HIDDEN]}


@pytest.mark.django_db
def test_no_student_name_or_note_text_anywhere(report, head, client_for, student, other_student) -> None:
    services.publish(report, head)
    client = client_for(head)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode().split('id="main"')[1]
    pdf = client.get(reverse("reports:pdf", args=[report.pk])).getvalue()
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:xlsx", args=[report.pk])).getvalue()))
    cells = " ".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )
    for output in (html, pdf_text, cells, str(report.data)):
        numbers = (student.student_profile.student_number, other_student.student_profile.student_number)
        for secret in (student.name, other_student.name, *numbers, NOTE_WORDS[:8], "天台"):
            assert secret not in output
    assert "心理辅导室学期工作总结" in pdf_text
