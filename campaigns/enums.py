"""Choices of the campaigns app, with translated labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class CampaignStatus(models.TextChoices):
    """draft → published → running → finished → summarised; the middle steps follow the calendar."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    SUMMARISED = "summarised", _("Summarised")


class EventKind(models.TextChoices):
    LAUNCH = "launch", _("Launch ceremony")
    LECTURE = "lecture", _("Lecture")
    FILM = "film", _("Film screening")
    BOOTH = "booth", _("Counseling booth")
    EXHIBITION = "exhibition", _("Exhibition")
    PSYCHODRAMA = "psychodrama", _("Psychodrama")
    CLASS_MEETING = "class_meeting", _("Class meeting")
    SPORTS = "sports", _("Sports")
    PARENT_SESSION = "parent_session", _("Parent session")
    PARENT_CLASS = "parent_class", _("Parent class")
    PARENT_MEETING = "parent_meeting", _("Parent meeting on mental health")
    PARENT_LECTURE = "parent_lecture", _("Lecture for parents")
    CLOSING = "closing", _("Closing ceremony")


# Events for families: guardians register for them (per child), students do not. A parent
# session (a salon, a parents' school evening) was the one such kind before parent classes came.
PARENT_KINDS = frozenset(
    {EventKind.PARENT_CLASS, EventKind.PARENT_MEETING, EventKind.PARENT_LECTURE, EventKind.PARENT_SESSION}
)


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ContestKind(models.TextChoices):
    POSTER = "poster", _("Poster")
    BLACKBOARD = "blackboard", _("Blackboard newspaper")
    ESSAY = "essay", _("Essay")


class Award(models.TextChoices):
    """Ranked awards (一等奖, 二等奖, 三等奖, 参与奖); ordered best first."""

    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    PARTICIPATION = "participation", _("Participation award")
