"""Mailbox letters and campaign uploads in retention; appointments, letters and registrations in
a student's data export."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import MailboxItem
from appointments.tests.factories import AppointmentFactory, MailboxItemFactory
from campaigns.enums import Award
from campaigns.models import ContestAward, Entry, Registration
from campaigns.tests.factories import ContestFactory, EventFactory, make_entry
from counseling.models import AuditEntry
from counseling.models.audit import AuditAction
from counseling.schoolyear.services import retention

pytestmark = pytest.mark.django_db


def backdate(model, pk: int, field: str, years: float) -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - datetime.timedelta(days=int(365 * years))})


def test_old_letters_lose_their_text_and_stay_counted(student, class_teacher, other_student, head) -> None:
    old = MailboxItemFactory(sender=student, body="我最近睡不着，想找老师聊聊。", reply="周三下午来辅导室。")
    about = MailboxItemFactory(sender=class_teacher, about_student=other_student, body="该生情绪低落")
    recent = MailboxItemFactory(sender=student, body="谢谢老师")
    backdate(MailboxItem, old.pk, "created_at", 3)
    backdate(MailboxItem, about.pk, "created_at", 3)
    run = retention.apply(trigger="test", by=head)
    assert run.counts["appointments.mailbox_letter"] == {"anonymised": 2}
    old.refresh_from_db()
    about.refresh_from_db()
    assert (old.body, old.reply, old.redacted_at is not None) == ("", "", True)
    assert (about.body, about.about_student) == ("", None)
    assert MailboxItem.objects.get(pk=recent.pk).body == "谢谢老师"
    assert MailboxItem.objects.count() == 3
    entry = AuditEntry.objects.get(
        action=AuditAction.ANONYMISE, object_type="appointments.mailboxitem", object_id=str(about.pk)
    )
    assert entry.student_id == other_student.pk


def test_old_uploads_go_with_their_files_and_the_awards_stay(
    school_class, class_teacher, head, django_capture_on_commit_callbacks
) -> None:
    contest = ContestFactory()
    old = make_entry(contest, school_class, class_teacher, title="旧作品")
    kept = make_entry(contest, school_class, class_teacher, title="新作品")
    ContestAward.objects.create(
        contest=contest, school_class=school_class, rank=1, award=Award.FIRST, points=8, score=90
    )
    path = Path(old.file.path)
    assert path.exists()
    backdate(Entry, old.pk, "submitted_at", 4)
    # The stored file is removed once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        run = retention.apply(trigger="test", by=head)
    assert run.counts["campaigns.contest_entry"] == {"deleted": 1}
    assert not Entry.objects.filter(pk=old.pk).exists() and not path.exists()
    assert Entry.objects.filter(pk=kept.pk).exists() and Path(kept.file.path).exists()
    assert ContestAward.objects.filter(contest=contest, points=8).exists()


def test_the_export_holds_appointments_letters_and_registrations(client_for, head, student, counselor) -> None:
    AppointmentFactory(student=student, counselor=counselor, room="302")
    MailboxItemFactory(sender=student, body='=HYPERLINK("x") 我想预约')
    Registration.objects.create(event=EventFactory(title="5·25 心理讲座"), student=student)
    response = client_for(head).post(reverse("schoolyear:export_student", args=[student.pk]), {"reason": "家长申请"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    appointments = archive.read("appointments/appointments.csv").decode("utf-8-sig")
    assert counselor.name in appointments and "302" in appointments
    letters = archive.read("appointments/letters.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in letters  # a spreadsheet will not run it as a formula
    assert "5·25 心理讲座" in archive.read("campaigns/event_registrations.csv").decode("utf-8-sig")


def test_letters_about_the_student_need_the_second_confirmation(client_for, head, student, class_teacher) -> None:
    MailboxItemFactory(sender=class_teacher, about_student=student, body="该生最近常独自坐在操场")
    client = client_for(head)
    url = reverse("schoolyear:export_student", args=[student.pk])
    plain = zipfile.ZipFile(io.BytesIO(client.post(url, {"reason": "家长申请"}).content))
    assert "appointments/letters_about_the_student.csv" not in plain.namelist()
    confirmed = client.post(
        url,
        {
            "reason": "家长申请",
            "include_confidential": "on",
            "confidential_reason": "法院调取",
            "confirmed": "on",
            "confirm": "1",
        },
    )
    archive = zipfile.ZipFile(io.BytesIO(confirmed.content))
    assert "该生最近常独自坐在操场" in archive.read("appointments/letters_about_the_student.csv").decode("utf-8-sig")
