"""Required reports: one per class by a deadline; the organiser sees who is missing; reminders go out once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ReportSubmission, RequiredReport
from campaigns.services import reports as report_service
from campaigns.tests.factories import CampaignFactory, ReportFactory, docx_bytes, exe_bytes, pdf_bytes, upload
from counseling.models import Notification, OutboxMessage
from counseling.services.notify import deliver_due

pytestmark = pytest.mark.django_db


def report_form(school_class, content: bytes = b"", name: str = "班会记录.pdf") -> dict:
    return {"school_class": school_class.pk, "file": upload(name, content or pdf_bytes()), "note": "七年级1班主题班会"}


def test_a_class_teacher_hands_in_the_report_and_the_organiser_sees_who_is_missing(
    counselor, class_teacher, school_class, other_class, client_for
) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    report = ReportFactory(campaign=campaign)
    response = client_for(class_teacher).post(
        reverse("campaigns:report_submit", args=[report.pk]), report_form(school_class)
    )
    assert response.status_code == 302
    assert ReportSubmission.objects.get().school_class == school_class
    page = client_for(counselor).get(reverse("campaigns:report", args=[report.pk])).content.decode()
    missing = page[page.index('data-testid="missing"') :]
    assert str(other_class) in missing.split("</ul>")[0]
    assert str(school_class) not in missing.split("</ul>")[0]
    assert "1 class missing" in page


def test_a_second_report_for_the_same_class_is_refused(class_teacher, school_class, client_for) -> None:
    report = ReportFactory()
    client = client_for(class_teacher)
    client.post(reverse("campaigns:report_submit", args=[report.pk]), report_form(school_class))
    response = client.post(
        reverse("campaigns:report_submit", args=[report.pk]), report_form(school_class, docx_bytes(), "b.docx")
    )
    assert response.status_code == 400
    assert "Your class has already handed in this report. Withdraw it first to replace it." in response.content.decode()
    assert ReportSubmission.objects.get().content_type == "application/pdf"


def test_a_disguised_report_is_refused(class_teacher, school_class, client_for) -> None:
    report = ReportFactory()
    response = client_for(class_teacher).post(
        reverse("campaigns:report_submit", args=[report.pk]), report_form(school_class, exe_bytes(), "report.docx")
    )
    assert response.status_code == 400
    assert not ReportSubmission.objects.exists()


def test_a_late_report_is_accepted_and_marked_late(counselor, class_teacher, school_class, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    report = ReportFactory(campaign=campaign, deadline=timezone.now() - datetime.timedelta(hours=2))
    page = client_for(class_teacher).get(reverse("campaigns:report_submit", args=[report.pk])).content.decode()
    assert "it will be marked late" in page
    client_for(class_teacher).post(reverse("campaigns:report_submit", args=[report.pk]), report_form(school_class))
    detail = client_for(counselor).get(reverse("campaigns:report", args=[report.pk])).content.decode()
    assert ">late<" in detail


def test_reminders_go_to_missing_classes_once_before_and_once_after_the_deadline(
    class_teacher, other_teacher, school_class, other_class, django_capture_on_commit_callbacks
) -> None:
    report = ReportFactory(deadline=timezone.now() + datetime.timedelta(hours=20))
    ReportSubmission.objects.create(
        report=report,
        school_class=other_class,
        submitted_by=other_teacher,
        original_name="x",
        content_type="application/pdf",
        size=1,
    )
    assert report_service.scan_reminders() == 1
    assert report_service.scan_reminders() == 0
    deliver_due()
    reminder = Notification.objects.get(user=class_teacher)
    assert reminder.title.startswith("Reminder: the 主题班会活动记录 of ")
    assert not Notification.objects.filter(user=other_teacher).exists()
    later = report.deadline + datetime.timedelta(hours=3)
    assert report_service.scan_reminders(now=later) == 1
    assert report_service.scan_reminders(now=later) == 0
    assert OutboxMessage.objects.filter(recipient=class_teacher).count() == 2


def test_nothing_is_sent_for_a_report_far_from_its_deadline(school_class) -> None:
    ReportFactory(campaign=CampaignFactory(), deadline=timezone.now() + datetime.timedelta(days=5))
    assert report_service.scan_reminders() == 0


def test_handing_in_withdraws_the_pending_reminder(class_teacher, school_class) -> None:
    report = ReportFactory(deadline=timezone.now() + datetime.timedelta(hours=20))
    assert report_service.scan_reminders() == 1
    report_service.submit_report(
        report, school_class=school_class, by=class_teacher, upload=upload("a.pdf", pdf_bytes())
    )
    assert not OutboxMessage.objects.filter(recipient=class_teacher, sent_at__isnull=True).exists()


def test_the_organiser_reminds_missing_classes_at_most_once_a_day(
    counselor, class_teacher, school_class, client_for
) -> None:
    report = ReportFactory(campaign=CampaignFactory(organisers=[counselor]))
    client = client_for(counselor)
    response = client.post(reverse("campaigns:report_remind", args=[report.pk]), follow=True)
    assert "Reminder sent to 1 class teacher." in response.content.decode()
    response = client.post(reverse("campaigns:report_remind", args=[report.pk]), follow=True)
    assert "Nobody new to remind today." in response.content.decode()
    assert OutboxMessage.objects.filter(recipient=class_teacher).count() == 1


def test_a_report_deadline_after_the_campaign_end_is_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    late = campaign.end_date + datetime.timedelta(days=2)
    response = client_for(counselor).post(
        reverse("campaigns:report_add", args=[campaign.pk]),
        {"title": "班会记录", "instructions": "", "deadline": f"{late}T17:00"},
    )
    assert "The deadline is after the campaign&#x27;s last day" in response.content.decode()
    assert not RequiredReport.objects.exists()
