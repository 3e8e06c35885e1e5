"""The case records in retention and in a student's data export."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Concern, Escalation, SessionNote
from counseling.cases.tests.factories import AddendumFactory, CaseFactory, EscalationFactory, NoteFactory
from counseling.models import AuditEntry, Term
from counseling.models.audit import AuditAction
from counseling.reports.models import SemesterReport
from counseling.reports.services import collect
from counseling.schoolyear.models import DataExport
from counseling.schoolyear.services import retention
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def closed_case(student, counselor, *, years_ago: float) -> Case:
    closed = timezone.now() - datetime.timedelta(days=int(365 * years_ago))
    case = CaseFactory(
        student=student, counselor=counselor, status=CaseStatus.CLOSED, opened_at=closed - datetime.timedelta(days=40)
    )
    Case.objects.filter(pk=case.pk).update(closed_at=closed)
    case.refresh_from_db()
    return case


@pytest.fixture
def old_records(student, other_student, counselor, class_teacher, school_class):
    """A case closed six years ago (everything goes), one closed four years ago (notes lose their
    text), and an open case (untouched)."""
    third = make_student("third", school_class, student_number="20250003")
    gone = closed_case(student, counselor, years_ago=6)
    gone_note = NoteFactory(case=gone, held_on=gone.opened_at.date())
    AddendumFactory(note=gone_note, author=counselor, text="补充：家长已知情。")
    escalation = EscalationFactory(case=gone)
    concern = Concern.objects.create(student=student, referred_by=class_teacher, description="午饭不吃", case=gone)
    kept = closed_case(other_student, counselor, years_ago=4)
    kept_note = NoteFactory(case=kept, held_on=kept.opened_at.date())
    AddendumFactory(note=kept_note, author=counselor, text="补充说明")
    open_case = CaseFactory(student=third, counselor=counselor)
    open_note = NoteFactory(case=open_case)
    return {
        "gone": gone,
        "gone_note": gone_note,
        "escalation": escalation,
        "concern": concern,
        "kept": kept,
        "kept_note": kept_note,
        "open_note": open_note,
    }


def test_the_dry_run_names_the_cases_and_notes_that_would_go(old_records) -> None:
    statuses = {item.key: item for item in retention.status(lines=10)}
    assert statuses["cases.case"].count == 1
    assert statuses["cases.case"].lines == [
        f"{old_records['gone'].number} {timezone.localtime(old_records['gone'].closed_at):%Y-%m-%d}"
    ]
    assert statuses["cases.session_note"].count == 2
    assert SessionNote.objects.filter(redacted_at__isnull=False).count() == 0


def test_the_run_removes_old_case_records_and_the_text_of_old_notes(old_records, head) -> None:
    gone, kept_note = old_records["gone"], old_records["kept_note"]
    run = retention.apply(trigger="test", by=head)
    assert run.counts == {"cases.session_note": {"anonymised": 2}, "cases.case": {"deleted": 1}}
    # Six years: the case, its note, addendum, escalation and concern are gone.
    assert not Case.objects.filter(pk=gone.pk).exists()
    assert not SessionNote.objects.filter(pk=old_records["gone_note"].pk).exists()
    assert not Escalation.objects.filter(pk=old_records["escalation"].pk).exists()
    assert not Concern.objects.filter(pk=old_records["concern"].pk).exists()
    # Four years: the note stays, counted, without its text.
    kept_note.refresh_from_db()
    assert (kept_note.content, kept_note.analysis, kept_note.next_steps) == ("", "", "")
    assert kept_note.redacted_at is not None and not kept_note.addenda.exists()
    assert kept_note.duration_minutes == 45 and kept_note.channel == "face_to_face"
    # The open case is untouched.
    assert SessionNote.objects.get(pk=old_records["open_note"].pk).content != ""
    # One audit entry per record, by the head counselor who ran it, naming no content.
    removal = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="cases.case", object_id=str(gone.pk))
    assert (removal.actor, removal.student_id) == (head, gone.student_id)
    assert removal.detail == "retention cases.case 60m; notes=1, escalations=1, referrals=0"
    assert AuditEntry.objects.filter(action=AuditAction.ANONYMISE, object_type="cases.sessionnote").count() == 2
    # A second run finds nothing.
    assert retention.apply(trigger="test").counts == {}


def test_past_term_numbers_hold_after_case_records_go(old_records, counselor) -> None:
    gone = old_records["gone"]
    year = gone.opened_at.year - 1
    past = Term.objects.create(
        name="long ago",
        school_year=year,
        semester=1,
        start=datetime.date(year, 1, 1),
        end=datetime.date(year + 1, 12, 31),
    )
    before = collect(past)["current"]["cases"]
    assert before["cases_opened"] == 1 and before["notes"] == 1
    retention.apply(trigger="test")
    stored = SemesterReport.objects.get(term=past)
    assert stored.data["current"]["cases"] == before


def test_case_records_go_into_the_zip_only_after_a_second_confirmation(client_for, head, student, counselor) -> None:
    case = CaseFactory(student=student, counselor=counselor)
    note = NoteFactory(case=case)
    client = client_for(head)
    url = reverse("schoolyear:export_student", args=[student.pk])
    step1 = client.post(url, {"reason": "监护人书面申请", "include_confidential": "on"})
    assert step1.status_code == 200 and step1["Content-Type"].startswith("text/html")
    assert "个案记录将交出心理辅导室" in step1.content.decode()
    assert not DataExport.objects.exists()
    refused = client.post(
        url, {"reason": "监护人书面申请", "include_confidential": "on", "confidential_reason": "", "confirm": "1"}
    )
    assert refused.status_code == 400 and not DataExport.objects.exists()
    response = client.post(
        url,
        {
            "reason": "监护人书面申请",
            "include_confidential": "on",
            "confidential_reason": "法院调取，附函编号 2026-17",
            "confirmed": "on",
            "confirm": "1",
        },
    )
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = archive.read(f"cases/case-{case.number}.txt").decode()
    assert note.content in text and note.analysis in text
    assert "法院调取，附函编号 2026-17" in archive.read("README.txt").decode()
    export = DataExport.objects.get()
    assert export.includes_confidential and export.confidential_reason == "法院调取，附函编号 2026-17"
    for obj in (case, note):
        entry = AuditEntry.objects.for_object(obj).get(action=AuditAction.EXPORT)
        assert (entry.actor, entry.detail) == (head, f"data export #{export.pk}")


def test_without_the_confirmation_no_case_record_leaves(client_for, head, student, counselor) -> None:
    NoteFactory(case=CaseFactory(student=student, counselor=counselor))
    response = client_for(head).post(
        reverse("schoolyear:export_student", args=[student.pk]), {"reason": "学生本人申请"}
    )
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert not [name for name in names if name.startswith("cases/")]
    assert not AuditEntry.objects.filter(object_type="cases.case").exists()
