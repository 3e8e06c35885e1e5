"""The campaign page's rows, printed in Python (campaigns.views.campaign_rows), as the template printed them.

Each reader sees the links and buttons their role gives: an organiser edits events and tasks and
marks any task done; the office opens registrations, contests and reports; other staff see
published events, their own tasks, and the contests they judge.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from campaigns.enums import TaskStatus
from campaigns.models import Registration
from campaigns.tests.factories import (
    CampaignFactory,
    ContestFactory,
    EventFactory,
    ReportFactory,
    TaskFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(counselor, class_teacher, other_counselor, student):
    campaign = CampaignFactory(organisers=[counselor])
    today = timezone.localdate()
    # Created out of time order: the page lists events by their start.
    late = EventFactory(
        campaign=campaign, title="闭幕式", starts_at=at(campaign.end_date, 15), venue=VenueFactory(name="操场")
    )
    EventFactory(
        campaign=campaign,
        title="筹备会 <b>",
        starts_at=at(campaign.start_date, 8, 5),
        venue=None,
        speaker="",
        is_published=False,
    )
    late.registration_required, late.capacity = True, 30
    late.save()
    Registration.objects.create(event=late, student=student)
    TaskFactory(campaign=campaign, title="借场地", owner=class_teacher, due_date=today - datetime.timedelta(days=1))
    TaskFactory(campaign=campaign, title="写通知", owner=counselor, status=TaskStatus.DONE, due_date=today)
    ContestFactory(campaign=campaign, title="宣传画", judges=[other_counselor, class_teacher])
    ContestFactory(
        campaign=campaign,
        title="黑板报",
        deadline=timezone.now() - datetime.timedelta(hours=1),
        results_published_at=timezone.now(),
    )
    ReportFactory(campaign=campaign, title="班会记录")
    return campaign


def page(client, campaign, **headers):
    response = client.get(reverse("campaigns:detail", args=[campaign.pk]), **headers)
    assert response.status_code == 200
    return response


def test_an_organiser_edits_events_and_tasks_and_marks_any_task(campaign, counselor, client_for) -> None:
    response = page(client_for(counselor), campaign)
    html = response.content.decode()
    for event in campaign.events.all():
        assertContains(response, f'href="{reverse("campaigns:event_edit", args=[event.pk])}"', count=1)
    for task in campaign.tasks.all():
        assertContains(response, f'action="{reverse("campaigns:task_status", args=[task.pk])}"', count=1)
        assertContains(response, f'href="{reverse("campaigns:task_edit", args=[task.pk])}"', count=1)
    assert html.index("筹备会 &lt;b&gt;") < html.index("闭幕式")  # by start time, escaped
    assert html.count('name="csrfmiddlewaretoken"') >= 2
    late = campaign.events.get(title="闭幕式")
    assertInHTML(
        f'<td class="text-nowrap"><a href="{reverse("campaigns:event_registrations", args=[late.pk])}">1 / 30</a></td>',
        html,
    )
    assertInHTML('<span class="badge text-bg-secondary">Office only</span>', html)
    assertInHTML("<td>—</td>", html, count=2)  # no venue, no speaker
    assertInHTML('<span class="badge text-bg-danger">Overdue</span>', html, count=1)
    assertInHTML('<span class="text-decoration-line-through text-body-secondary">写通知</span>', html)
    assertInHTML(
        '<button class="btn btn-sm btn-outline-secondary" name="status" value="todo" type="submit">Reopen</button>',
        html,
    )
    assertInHTML('<span class="badge text-bg-success">Results published</span>', html)
    assertInHTML('<span class="badge text-bg-info">Open</span>', html)
    assertContains(response, "Judges: 王老师、赵老师")  # by name
    assertContains(response, "Judges: none yet")
    assertContains(response, "· 0 of 1 classes handed in")


def test_other_staff_see_published_events_their_tasks_and_the_contests_they_judge(
    campaign, class_teacher, client_for
) -> None:
    response = page(client_for(class_teacher), campaign)
    html = response.content.decode()
    assertNotContains(response, "筹备会")
    assertNotContains(response, "写通知")
    assertContains(response, "借场地")
    assertContains(response, 'name="csrfmiddlewaretoken"')  # their own task: done button
    assertNotContains(response, "/edit/")
    assertInHTML('<td class="text-nowrap">1 / 30</td>', html)
    judged = campaign.contests.get(title="宣传画")
    assertInHTML(f'<a class="fw-semibold" href="{reverse("campaigns:contest", args=[judged.pk])}">宣传画</a>', html)
    assertInHTML('<span class="fw-semibold">黑板报</span>', html)
    assertInHTML('<span class="fw-semibold">班会记录</span>', html)
    assertNotContains(response, "handed in")


def test_a_colleague_of_the_office_opens_everything_but_edits_nothing(campaign, other_counselor, client_for) -> None:
    response = page(client_for(other_counselor), campaign)
    assertContains(response, "筹备会")
    assertContains(response, reverse("campaigns:event_registrations", args=[campaign.events.get(title="闭幕式").pk]))
    assertNotContains(response, "/edit/")
    # Neither organiser nor owner of a task: no buttons.
    assertNotContains(response, 'name="status"')


def test_the_rows_in_chinese(campaign, counselor, client_for, settings) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    response = page(client_for(counselor), campaign, HTTP_ACCEPT_LANGUAGE="zh-hans")
    late = campaign.events.get(title="闭幕式")
    local = timezone.localtime(late.starts_at)
    weekday = "一二三四五六日"[local.weekday()]
    assertContains(response, f"{local.month}月{local.day}日 星期{weekday}<br>")
    assertContains(response, "0件作品 · 0个班级")
    assertContains(response, "1个班级中已有0个提交")
    assertContains(response, "已逾期")
