"""The zero report: class teachers file incidents or "nothing to report"; the head sees who has not."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import ReportingWindow, ZeroReport
from archives.services import zero
from archives.tests.factories import ReportingWindowFactory
from counseling.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(head):
    return ReportingWindowFactory(created_by=head, title="期中零报告")


def file_url(window, school_class) -> str:
    return reverse("archives:zero_file", args=[window.pk, school_class.pk])


def test_class_teacher_files_nothing_to_report(window, school_class, class_teacher, client_for) -> None:
    response = client_for(class_teacher).post(file_url(window, school_class), {"nothing_to_report": "on"})
    assert response.status_code == 302
    report = ZeroReport.objects.get()
    assert report.nothing_to_report and report.filed_by == class_teacher


def test_incidents_need_a_description_and_a_count(window, school_class, class_teacher, client_for) -> None:
    client = client_for(class_teacher)
    assert client.post(file_url(window, school_class), {}).status_code == 400
    assert (
        client.post(
            file_url(window, school_class), {"nothing_to_report": "on", "incident_count": 1, "incidents": "x"}
        ).status_code
        == 400
    )
    assert not ZeroReport.objects.exists()
    client.post(
        file_url(window, school_class), {"incident_count": 1, "incidents": "一名学生与同学冲突后情绪激动，已联系家长"}
    )
    report = ZeroReport.objects.get()
    assert (report.nothing_to_report, report.incident_count) == (False, 1)
    # A correction replaces the report; there is still one per class.
    client.post(file_url(window, school_class), {"nothing_to_report": "on"})
    assert ZeroReport.objects.count() == 1
    assert ZeroReport.objects.get().nothing_to_report


def test_a_teacher_cannot_file_for_another_class(window, other_class, class_teacher, client_for) -> None:
    assert client_for(class_teacher).post(file_url(window, other_class), {"nothing_to_report": "on"}).status_code == 404
    assert not ZeroReport.objects.exists()


def test_a_closed_window_refuses_reports(head, school_class, class_teacher, client_for) -> None:
    closed = ReportingWindowFactory(
        created_by=head,
        opens_on=timezone.localdate() - datetime.timedelta(days=10),
        closes_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    assert (
        client_for(class_teacher).post(file_url(closed, school_class), {"nothing_to_report": "on"}).status_code == 400
    )
    assert not ZeroReport.objects.exists()


def test_head_sees_which_classes_have_not_filed(
    window, school_class, other_class, class_teacher, head, client_for
) -> None:
    zero.file_report(window, school_class, by=class_teacher, nothing_to_report=True, incident_count=0, incidents="")
    page = client_for(head).get(reverse("archives:zero_window_detail", args=[window.pk])).content.decode()
    missing = page.split('data-testid="zero-missing"')[1].split("</ul>")[0]
    assert str(other_class) in missing
    assert str(school_class) not in missing


def test_head_opens_a_window(head, client_for) -> None:
    today = timezone.localdate()
    response = client_for(head).post(
        reverse("archives:zero_window_create"),
        {
            "title": "五一前零报告",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    window = ReportingWindow.objects.get(title="五一前零报告")
    assert (window.opens_on, window.closes_on) == (today, today + datetime.timedelta(days=3))
    bad = client_for(head).post(
        reverse("archives:zero_window_create"),
        {"title": "x", "opens_on": today.isoformat(), "closes_on": (today - datetime.timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 400
    assert not ReportingWindow.objects.filter(title="x").exists()


def test_teachers_who_have_not_filed_are_reminded_once_on_the_last_day(
    head, school_class, other_class, class_teacher, other_teacher
) -> None:
    window = ReportingWindowFactory(created_by=head, closes_on=timezone.localdate())
    zero.file_report(window, school_class, by=class_teacher, nothing_to_report=True, incident_count=0, incidents="")
    assert zero.remind_unfiled(window) == 1
    assert zero.remind_unfiled(window) == 0
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [other_teacher.pk]
