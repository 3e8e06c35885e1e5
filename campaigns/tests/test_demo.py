"""The demo campaigns: a finished one with scored contests and a summary, an upcoming one with open work; idempotent."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from campaigns import demo as campaigns_demo
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, ContestAward, Entry, Score, Summary, Task
from counseling import demo as counseling_demo

pytestmark = pytest.mark.django_db


def seed_twice(settings, tmp_path) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path
    ctx = SimpleNamespace(rng=random.Random(2026), today=timezone.localdate(), users={}, stdout=None)
    counseling_demo.seed(ctx)
    campaigns_demo.seed(ctx)
    first = (Campaign.objects.count(), Entry.objects.count(), Score.objects.count(), ContestAward.objects.count())
    campaigns_demo.seed(ctx)
    assert (
        Campaign.objects.count(),
        Entry.objects.count(),
        Score.objects.count(),
        ContestAward.objects.count(),
    ) == first
    return ctx


def test_the_demo_campaigns(settings, tmp_path) -> None:
    ctx = seed_twice(settings, tmp_path)
    finished = Campaign.objects.get(title=campaigns_demo.finished_title(ctx.today))
    assert finished.status == CampaignStatus.SUMMARISED
    assert Summary.objects.get(campaign=finished).submitted_at is not None
    assert ContestAward.objects.filter(contest__campaign=finished).count() == 24  # 12 classes x 2 contests
    upcoming = Campaign.objects.get(title=campaigns_demo.UPCOMING_TITLE)
    assert upcoming.status == CampaignStatus.PUBLISHED and upcoming.start_date > ctx.today
    assert upcoming.events.count() == 11
    assert Task.objects.overdue(ctx.today).filter(campaign=upcoming, owner=ctx.users["head"]).exists()
    essay = upcoming.contests.get()
    assert essay.deadline > timezone.now()
    assert essay.entries.filter(school_class=ctx.teacher1_class).count() == 1  # one handed in, two more open
    assert Campaign.objects.get(title=campaigns_demo.draft_title(ctx.today)).status == CampaignStatus.DRAFT
