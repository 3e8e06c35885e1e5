"""The summary: written after the end with a reminder, printed on A4, exported as PDF; all materials in one ZIP."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import tempfile
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import ReportSubmission, Summary, SummaryPhoto
from campaigns.services import files
from campaigns.services import summary as summary_service
from campaigns.tests.factories import (
    CampaignFactory,
    ContestFactory,
    EventFactory,
    ReportFactory,
    at,
    jpeg_bytes,
    make_entry,
    pdf_bytes,
    upload,
)
from counseling.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(counselor):
    today = timezone.localdate()
    return CampaignFactory(
        title="“5·25”心理健康活动周",
        organisers=[counselor],
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=3),
        status=CampaignStatus.FINISHED,
    )


def test_the_summary_waits_for_the_end(counselor, client_for) -> None:
    running = CampaignFactory(organisers=[counselor])
    response = client_for(counselor).post(reverse("campaigns:summary", args=[running.pk]), {"highlights": "太早了"})
    assert "The summary can be written after the campaign&#x27;s last day" in response.content.decode()
    assert not Summary.objects.exists()
    with pytest.raises(ValidationError):
        summary_service.save_summary(running, by=counselor, highlights="太早了", participant_count=None)


def test_the_organiser_writes_adds_photos_and_marks_it_sent(finished, counselor, client_for) -> None:
    client = client_for(counselor)
    response = client.post(
        reverse("campaigns:summary", args=[finished.pk]),
        {"highlights": "签名墙留下了一千多个名字。", "participant_count": "1200"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("campaigns:summary_photo_add", args=[finished.pk]),
        {"photo": upload("wall.jpg", jpeg_bytes()), "caption": "签名墙"},
    )
    assert SummaryPhoto.objects.get().caption == "签名墙"
    # A PDF is not a photo.
    client.post(
        reverse("campaigns:summary_photo_add", args=[finished.pk]),
        {"photo": upload("x.jpg", pdf_bytes()), "caption": "x"},
    )
    assert SummaryPhoto.objects.count() == 1
    client.post(reverse("campaigns:summary_submit", args=[finished.pk]))
    finished.refresh_from_db()
    assert finished.status == CampaignStatus.SUMMARISED
    assert Summary.objects.get().submitted_at is not None


def test_organisers_are_reminded_when_the_summary_is_due_and_when_it_is_late(finished, counselor) -> None:
    due = finished.summary_due_date
    assert summary_service.scan_reminders(due - datetime.timedelta(days=3)) == 0
    assert summary_service.scan_reminders(due - datetime.timedelta(days=1)) == 1
    assert summary_service.scan_reminders(due) == 0
    assert summary_service.scan_reminders(due + datetime.timedelta(days=1)) == 1
    assert summary_service.scan_reminders(due + datetime.timedelta(days=2)) == 0
    titles = list(OutboxMessage.objects.filter(recipient=counselor).values_list("title", flat=True))
    assert titles == [
        f"The summary of “{finished.title}” is due {due.day} {due:%b %Y}",
        f"The summary of “{finished.title}” was due {due.day} {due:%b %Y}",
    ]


def test_a_sent_summary_stops_the_reminders(finished, counselor) -> None:
    summary_service.save_summary(finished, by=counselor, highlights="完成", participant_count=None)
    summary_service.submit(finished, by=counselor)
    assert summary_service.scan_reminders(finished.summary_due_date + datetime.timedelta(days=1)) == 0


def test_the_summary_due_date_is_configurable(counselor) -> None:
    campaign = CampaignFactory(
        summary_due_days=3, end_date=datetime.date(2027, 5, 31), start_date=datetime.date(2027, 5, 25)
    )
    assert campaign.summary_due_date == datetime.date(2027, 6, 3)
    assert CampaignFactory().summary_due_days == 7


def make_summary(campaign, author) -> Summary:
    summary = Summary.objects.create(
        campaign=campaign,
        highlights="启动仪式上,全校师生在签名墙上留下了名字。",
        participant_count=1260,
        written_by=author,
    )
    photo = SummaryPhoto(summary=summary, caption="启动仪式签名墙", uploaded_by=author)
    files.attach(photo, upload("wall.jpg", jpeg_bytes((300, 200))), files.JPEG)
    photo.save()
    return summary


def test_the_print_view_uses_the_a4_stylesheet(finished, counselor, client_for) -> None:
    make_summary(finished, counselor)
    EventFactory(
        campaign=finished,
        title="心理剧展演",
        starts_at=at(finished.start_date, 15),
        ends_at=at(finished.start_date, 16),
    )
    page = client_for(counselor).get(reverse("campaigns:summary_print", args=[finished.pk])).content.decode()
    assert "/static/campaigns/summary-print.css" in page
    assert "启动仪式上" in page and "心理剧展演" in page and "1260" in page


def test_the_pdf_holds_the_chinese_text(finished, counselor, client_for) -> None:
    make_summary(finished, counselor)
    response = client_for(counselor).get(reverse("campaigns:summary_pdf", args=[finished.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(response.content)
        handle.flush()
        command = [shutil.which("pdftotext") or "pdftotext", "-layout", handle.name, "-"]
        text = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    assert "“5·25”心理健康活动周" in text
    assert "全校师生在签名墙上留下了名字" in text
    assert AuditEntry.objects.filter(action="print", object_id=str(finished.pk)).exists()


def test_all_materials_download_as_one_zip(finished, counselor, class_teacher, school_class, client_for) -> None:
    make_summary(finished, counselor)
    contest = ContestFactory(campaign=finished, title="宣传画比赛", deadline=at(finished.end_date, 8))
    make_entry(contest, school_class, class_teacher, title="我们的宣传画")
    report = ReportFactory(campaign=finished, title="主题班会记录")
    submission = ReportSubmission(report=report, school_class=school_class, submitted_by=class_teacher)
    files.attach(submission, upload("r.pdf", pdf_bytes()), files.PDF)
    submission.save()
    response = client_for(counselor).get(reverse("campaigns:materials_zip", args=[finished.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert any(name.startswith("Contests/宣传画比赛/") and name.endswith("我们的宣传画.png") for name in names)
    assert any(name.startswith("Reports/主题班会记录/") and name.endswith(".pdf") for name in names)
    assert any(name.startswith("Photos/01-启动仪式签名墙") for name in names)
    assert any(name.endswith("summary.pdf") for name in names)
    assert AuditEntry.objects.filter(action="export", object_id=str(finished.pk)).exists()


def test_only_organisers_download_the_materials(finished, other_counselor, class_teacher, client_for) -> None:
    assert client_for(other_counselor).get(reverse("campaigns:materials_zip", args=[finished.pk])).status_code == 403
    assert client_for(class_teacher).get(reverse("campaigns:materials_zip", args=[finished.pk])).status_code == 403
