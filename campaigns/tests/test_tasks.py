"""Tasks: owners, due dates, status; overdue ones on the owner's home page and in the daily digest."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import digest
from campaigns.enums import TaskStatus
from campaigns.models import Task
from campaigns.tests.factories import CampaignFactory, TaskFactory
from counseling.tests import notices

pytestmark = pytest.mark.django_db


def test_overdue_tasks_show_on_the_owners_home_page_only(counselor, other_counselor, client_for) -> None:
    today = timezone.localdate()
    TaskFactory(title="邀请讲座专家", owner=counselor, due_date=today - datetime.timedelta(days=2))
    TaskFactory(title="准备签名墙", owner=counselor, due_date=today + datetime.timedelta(days=3))
    TaskFactory(
        title="已完成的任务", owner=counselor, due_date=today - datetime.timedelta(days=5), status=TaskStatus.DONE
    )
    page = client_for(counselor).get(reverse("home")).content.decode()
    assert 'data-testid="campaign-tasks-panel"' in page
    assert "邀请讲座专家" in page and "准备签名墙" in page
    assert "已完成的任务" not in page
    assert "1 overdue" in page
    assert "邀请讲座专家" not in client_for(other_counselor).get(reverse("home")).content.decode()


def test_the_daily_digest_lists_overdue_tasks_by_name_and_date(counselor) -> None:
    today = datetime.date(2027, 5, 28)
    campaign = CampaignFactory(
        title="心理健康活动周", start_date=datetime.date(2027, 5, 25), end_date=datetime.date(2027, 5, 31)
    )
    TaskFactory(campaign=campaign, title="邀请讲座专家", owner=counselor, due_date=datetime.date(2027, 5, 27))
    TaskFactory(campaign=campaign, title="明天的任务", owner=counselor, due_date=datetime.date(2027, 5, 29))
    assert notices.lines(digest.items_for(counselor, today)) == [
        "Overdue task: 邀请讲座专家 (心理健康活动周), due 27 May 2027"
    ]


def test_the_owner_marks_a_task_done_from_the_home_page(class_teacher, client_for) -> None:
    task = TaskFactory(owner=class_teacher)
    response = client_for(class_teacher).post(
        reverse("campaigns:task_status", args=[task.pk]), {"status": "done", "next": reverse("home")}
    )
    assert response["Location"] == reverse("home")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at is not None


def test_someone_else_cannot_change_a_task(class_teacher, other_teacher, other_counselor, client_for) -> None:
    task = TaskFactory(owner=class_teacher)
    assert (
        client_for(other_counselor)
        .post(reverse("campaigns:task_status", args=[task.pk]), {"status": "done"})
        .status_code
        == 403
    )
    assert (
        client_for(other_teacher).post(reverse("campaigns:task_status", args=[task.pk]), {"status": "done"}).status_code
        == 403
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


def test_an_organiser_assigns_a_task_and_the_owner_is_told(
    counselor, class_teacher, client_for, django_capture_on_commit_callbacks
) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(counselor).post(
            reverse("campaigns:task_add", args=[campaign.pk]),
            {
                "title": "布置咨询点",
                "owner": class_teacher.pk,
                "due_date": campaign.start_date.isoformat(),
                "status": "todo",
            },
        )
    assert response.status_code == 302
    assert Task.objects.get().owner == class_teacher
    assert class_teacher.notifications.filter(title__contains="布置咨询点").exists()


def test_a_task_due_after_the_summary_is_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    late = campaign.summary_due_date + datetime.timedelta(days=1)
    response = client_for(counselor).post(
        reverse("campaigns:task_add", args=[campaign.pk]),
        {"title": "太晚的任务", "owner": counselor.pk, "due_date": late.isoformat(), "status": "todo"},
    )
    assert "A task is due at the latest when the summary is due" in response.content.decode()
    assert not Task.objects.exists()
